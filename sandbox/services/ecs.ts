import { AwsError } from '../protocol/errors';
import type { ServiceDefinition } from '../protocol/operations';
import { continueHook, hookDetailsOf, rollbackTargetOf, setDesiredCount, startDeployment } from '../sim/engine';
import {
  type ClusterRecord,
  type ContainerDef,
  type DeploymentRecord,
  type LifecycleHookConfig,
  type LoadBalancerBinding,
  type ServiceDeploymentHistory,
  type ServiceRecord,
  type TaskDefinitionRecord,
  type TaskRecord,
  type World,
} from '../sim/world';
import type { Sandbox } from '../state';
import { optionalNumber, optionalString, optionalStringList, paginate, pageSize, requiredString } from './input';

const lastSegment = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

function clusterOf(world: World, input: Record<string, unknown>): ClusterRecord {
  const ref = optionalString(input, 'cluster') ?? 'default';
  const cluster = world.clusters.get(lastSegment(ref));
  if (!cluster) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
  return cluster;
}

function serviceOf(cluster: ClusterRecord, ref: string): ServiceRecord {
  const service = cluster.services.get(lastSegment(ref));
  if (!service || service.status === 'INACTIVE') throw new AwsError('ServiceNotFoundException', 'Service not found.');
  return service;
}

const taskDefinitionOut = (td: TaskDefinitionRecord) => ({
  taskDefinitionArn: td.arn,
  family: td.family,
  revision: td.revision,
  status: td.status,
  containerDefinitions: td.containerDefinitions,
  cpu: td.cpu,
  memory: td.memory,
  networkMode: td.networkMode,
  requiresCompatibilities: td.requiresCompatibilities,
  compatibilities: ['EC2', 'FARGATE'],
  executionRoleArn: td.executionRoleArn,
  taskRoleArn: td.taskRoleArn,
  volumes: [],
  placementConstraints: [],
  registeredAt: new Date(td.registeredAt),
  deregisteredAt: td.deregisteredAt !== undefined ? new Date(td.deregisteredAt) : undefined,
  registeredBy: td.registeredBy,
});

const deploymentConfigurationOut = (service: ServiceRecord) => ({
  deploymentCircuitBreaker: service.circuitBreaker,
  maximumPercent: service.maximumPercent,
  minimumHealthyPercent: service.minimumHealthyPercent,
  strategy: service.strategy ?? 'ROLLING',
  bakeTimeInMinutes: service.strategy === 'BLUE_GREEN' ? (service.bakeTimeInMinutes ?? 0) : undefined,
  lifecycleHooks: service.lifecycleHooks?.length ? service.lifecycleHooks : undefined,
});

const serviceDeploymentArnPattern = /^arn:aws:ecs:[a-z0-9-]+:\d{12}:service-deployment\/([^/]+)\/([^/]+)\/[^/]+$/;

function deploymentOut(world: World, cluster: ClusterRecord, service: ServiceRecord, d: DeploymentRecord) {
  const tasks = [...cluster.tasks.values()].filter((t) => t.deploymentId === d.id && t.desiredStatus === 'RUNNING');
  return {
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinition,
    desiredCount: d.desiredCount,
    pendingCount: tasks.filter((t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING').length,
    runningCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    failedTasks: d.failedTasks,
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    launchType: service.launchType,
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    networkConfiguration: networkConfiguration(service),
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
  };
}

const networkConfiguration = (service: ServiceRecord) => ({
  awsvpcConfiguration: { subnets: service.subnets, securityGroups: ['sg-0c0de0f10w0000001'], assignPublicIp: 'DISABLED' },
});

function serviceOut(world: World, cluster: ClusterRecord, service: ServiceRecord) {
  const deployments = service.deployments.map((d) => deploymentOut(world, cluster, service, d));
  const primary = service.deployments[0];
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: cluster.arn,
    loadBalancers: service.loadBalancers,
    serviceRegistries: [],
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: deployments.reduce((n, d) => n + d.runningCount, 0),
    pendingCount: deployments.reduce((n, d) => n + d.pendingCount, 0),
    launchType: service.launchType,
    platformVersion: 'LATEST',
    platformFamily: 'Linux',
    taskDefinition: primary?.taskDefinition,
    deploymentConfiguration: deploymentConfigurationOut(service),
    deployments,
    roleArn: world.iamArn('role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS'),
    events: service.events.slice(0, 100).map((e) => ({ id: e.id, createdAt: new Date(e.createdAt), message: e.message })),
    createdAt: new Date(service.createdAt),
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: networkConfiguration(service),
    healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    createdBy: world.iamArn('role/deployment-user'),
    enableECSManagedTags: true,
    propagateTags: 'SERVICE',
    enableExecuteCommand: false,
    availabilityZoneRebalancing: 'ENABLED',
  };
}

function taskOut(world: World, cluster: ClusterRecord, task: TaskRecord) {
  const td = world.taskDefinitionByRef(task.taskDefinition);
  const stopped = task.lastStatus === 'STOPPED';
  return {
    taskArn: task.arn,
    clusterArn: cluster.arn,
    taskDefinitionArn: task.taskDefinition,
    startedBy: task.deploymentId,
    group: `service:${task.service}`,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    healthStatus: task.lastStatus === 'RUNNING' ? 'HEALTHY' : 'UNKNOWN',
    launchType: 'FARGATE',
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    cpu: td?.cpu,
    memory: td?.memory,
    availabilityZone: task.availabilityZone,
    connectivity: task.lastStatus === 'PROVISIONING' ? undefined : 'CONNECTED',
    createdAt: new Date(task.createdAt),
    pullStartedAt: task.pullStartedAt ? new Date(task.pullStartedAt) : undefined,
    startedAt: task.startedAt ? new Date(task.startedAt) : undefined,
    stoppingAt: task.stoppingAt ? new Date(task.stoppingAt) : undefined,
    stoppedAt: task.stoppedAt ? new Date(task.stoppedAt) : undefined,
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    version: 1,
    attachments: [
      {
        id: task.id.slice(0, 8) + '-eni',
        type: 'ElasticNetworkInterface',
        status: stopped ? 'DELETED' : 'ATTACHED',
        details: [{ name: 'privateIPv4Address', value: task.privateIp }],
      },
    ],
    containers: (td?.containerDefinitions ?? []).map((c) => ({
      containerArn: world.arn('ecs', `container/${cluster.name}/${task.id}/${c.name}`),
      taskArn: task.arn,
      name: c.name,
      image: c.image,
      lastStatus: stopped ? 'STOPPED' : task.lastStatus === 'RUNNING' ? 'RUNNING' : 'PENDING',
      exitCode: stopped || task.lastStatus === 'STOPPING' ? task.exitCode : undefined,
      reason: task.containerReason,
      healthStatus: 'UNKNOWN',
      networkInterfaces: [{ attachmentId: task.id.slice(0, 8) + '-eni', privateIpv4Address: task.privateIp }],
    })),
    tags: [],
  };
}

function historyBrief(service: ServiceRecord, cluster: ClusterRecord, h: ServiceDeploymentHistory) {
  return {
    serviceDeploymentArn: h.arn,
    serviceArn: service.arn,
    clusterArn: cluster.arn,
    createdAt: new Date(h.createdAt),
    startedAt: new Date(h.startedAt),
    finishedAt: h.finishedAt ? new Date(h.finishedAt) : undefined,
    targetServiceRevisionArn: h.serviceRevisionArn,
    status: h.status,
    statusReason: h.statusReason,
  };
}

function revisionCounts(world: World, cluster: ClusterRecord, service: ServiceRecord, revisionArn: string, deployment: DeploymentRecord | undefined) {
  const counts = deployment ? deploymentOut(world, cluster, service, deployment) : undefined;
  return {
    arn: revisionArn,
    requestedTaskCount: deployment && service.deployments.includes(deployment) ? deployment.desiredCount : 0,
    runningTaskCount: counts?.runningCount ?? 0,
    pendingTaskCount: counts?.pendingCount ?? 0,
  };
}

function historyFull(world: World, service: ServiceRecord, cluster: ClusterRecord, h: ServiceDeploymentHistory) {
  const deployment = service.deployments.find((d) => d.id === h.deploymentId);
  const sourceDeployment = (arn: string) => {
    const source = service.history.find((x) => x.serviceRevisionArn === arn);
    return source ? service.deployments.find((d) => d.id === source.deploymentId) : undefined;
  };
  const hooks = hookDetailsOf(service, h);
  return {
    ...historyBrief(service, cluster, h),
    updatedAt: new Date(h.updatedAt ?? h.finishedAt ?? h.startedAt),
    stoppedAt: h.stoppedAt ? new Date(h.stoppedAt) : undefined,
    sourceServiceRevisions: h.sourceRevisionArns.map((arn) => revisionCounts(world, cluster, service, arn, sourceDeployment(arn))),
    targetServiceRevision: revisionCounts(world, cluster, service, h.serviceRevisionArn, deployment),
    lifecycleStage: h.lifecycleStage,
    lifecycleHookDetails: hooks.length
      ? hooks.map((hook) => ({
          hookId: hook.hookId,
          targetType: hook.targetType,
          targetArn: hook.targetArn,
          status: hook.status,
          expiresAt: hook.expiresAt !== undefined ? new Date(hook.expiresAt) : undefined,
          timeoutAction: hook.timeoutAction,
        }))
      : undefined,
    deploymentConfiguration: deploymentConfigurationOut(service),
    rollback: h.rollback ? { reason: h.rollback.reason, startedAt: new Date(h.rollback.startedAt), serviceRevisionArn: h.rollback.serviceRevisionArn } : undefined,
    deploymentCircuitBreaker: h.circuitBreakerEnabled
      ? { status: h.status.startsWith('ROLLBACK') && h.rollback?.reason.includes('circuit breaker') ? 'TRIGGERED' : 'MONITORING', failureCount: h.failureCount, threshold: h.threshold }
      : { status: 'DISABLED', failureCount: 0, threshold: 0 },
  };
}

/** The service deployment an ARN names, or ServiceDeploymentNotFoundException as ECS answers. */
function serviceDeploymentOf(world: World, arn: string) {
  const m = serviceDeploymentArnPattern.exec(arn);
  const cluster = m ? world.clusters.get(m[1] ?? '') : undefined;
  const service = cluster?.services.get(m?.[2] ?? '');
  const history = service?.history.find((h) => h.arn === arn);
  if (!m) throw new AwsError('InvalidParameterException', `Invalid service deployment ARN: ${arn}`);
  if (!cluster || !service || !history) throw new AwsError('ServiceDeploymentNotFoundException', `Service deployment not found: ${arn}`);
  return { cluster, service, history, deployment: service.deployments.find((d) => d.id === history.deploymentId) };
}

function parseLoadBalancers(world: World, raw: unknown): LoadBalancerBinding[] {
  if (!Array.isArray(raw)) throw new AwsError('InvalidParameterException', 'loadBalancers must be a list.');
  if (raw.length > 5) throw new AwsError('InvalidParameterException', 'A service can have at most 5 load balancers.');
  return raw.map((item) => {
    const lb = (item ?? {}) as Record<string, unknown>;
    const targetGroupArn = typeof lb.targetGroupArn === 'string' ? lb.targetGroupArn : '';
    if (!world.targetGroups.has(targetGroupArn)) throw new AwsError('InvalidParameterException', `Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions. (target group ${targetGroupArn || 'missing'} not found)`);
    if (typeof lb.containerName !== 'string' || typeof lb.containerPort !== 'number') {
      throw new AwsError('InvalidParameterException', 'containerName and containerPort must be specified for a load balancer target group.');
    }
    const ac = lb.advancedConfiguration as Record<string, unknown> | undefined;
    let advancedConfiguration: LoadBalancerBinding['advancedConfiguration'];
    if (ac) {
      const alternate = String(ac.alternateTargetGroupArn ?? '');
      const production = String(ac.productionListenerRule ?? '');
      if (!world.targetGroups.has(alternate)) throw new AwsError('InvalidParameterException', `alternateTargetGroupArn ${alternate || 'missing'} was not found.`);
      if (!world.listeners.has(production)) throw new AwsError('InvalidParameterException', `productionListenerRule ${production || 'missing'} was not found (the sandbox takes a listener ARN).`);
      advancedConfiguration = {
        alternateTargetGroupArn: alternate,
        productionListenerRule: production,
        testListenerRule: typeof ac.testListenerRule === 'string' ? ac.testListenerRule : undefined,
        roleArn: typeof ac.roleArn === 'string' ? ac.roleArn : undefined,
      };
    }
    return { targetGroupArn, containerName: lb.containerName, containerPort: lb.containerPort, advancedConfiguration };
  });
}

const HOOK_STAGES = ['RECONCILE_SERVICE', 'PRE_SCALE_UP', 'POST_SCALE_UP', 'TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT', 'PRE_PRODUCTION_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'];

function parseLifecycleHooks(raw: unknown): LifecycleHookConfig[] {
  if (!Array.isArray(raw)) throw new AwsError('InvalidParameterException', 'lifecycleHooks must be a list.');
  return raw.map((item) => {
    const h = (item ?? {}) as Record<string, unknown>;
    const targetType = (h.targetType ?? 'AWS_LAMBDA') as string;
    if (targetType !== 'AWS_LAMBDA' && targetType !== 'PAUSE') throw new AwsError('InvalidParameterException', `Invalid lifecycle hook targetType: ${targetType}.`);
    if (targetType === 'AWS_LAMBDA' && (typeof h.hookTargetArn !== 'string' || !h.hookTargetArn.startsWith('arn:aws:lambda:'))) {
      throw new AwsError('InvalidParameterException', 'hookTargetArn must be the ARN of a Lambda function.');
    }
    const stages = h.lifecycleStages;
    if (!Array.isArray(stages) || stages.length === 0 || stages.some((s) => !HOOK_STAGES.includes(String(s)))) {
      throw new AwsError('InvalidParameterException', `lifecycleStages must list one or more of ${HOOK_STAGES.join(', ')}.`);
    }
    const timeout = h.timeoutConfiguration as LifecycleHookConfig['timeoutConfiguration'] | undefined;
    return {
      targetType,
      hookTargetArn: typeof h.hookTargetArn === 'string' ? h.hookTargetArn : undefined,
      roleArn: typeof h.roleArn === 'string' ? h.roleArn : undefined,
      lifecycleStages: stages.map(String),
      timeoutConfiguration: timeout,
      hookDetails: h.hookDetails,
    };
  });
}

function validateContainer(raw: unknown, index: number): ContainerDef {
  if (typeof raw !== 'object' || raw === null) throw new AwsError('ClientException', `containerDefinitions[${index}] must be an object.`);
  const c = raw as Record<string, unknown>;
  if (typeof c.name !== 'string' || c.name === '') throw new AwsError('ClientException', 'Container.name should not be null or empty.');
  if (typeof c.image !== 'string' || c.image.trim() === '') throw new AwsError('ClientException', 'Container.image should not be null or empty.');
  if (!/^[\w.\-/:@]+$/.test(c.image)) throw new AwsError('ClientException', `Invalid image reference "${c.image}".`);
  return {
    ...c,
    name: c.name,
    image: c.image,
    essential: c.essential === undefined ? true : Boolean(c.essential),
    portMappings: Array.isArray(c.portMappings) ? (c.portMappings as ContainerDef['portMappings']) : [],
    environment: Array.isArray(c.environment) ? (c.environment as ContainerDef['environment']) : [],
    secrets: Array.isArray(c.secrets) ? (c.secrets as ContainerDef['secrets']) : [],
  };
}

export function ecsService(sandbox: Sandbox): ServiceDefinition {
  return {
    signingName: 'ecs',
    protocols: ['awsJson1_1'],
    targetPrefix: 'AmazonEC2ContainerServiceV20141113',
    operations: {
      ListClusters(input) {
        const { world } = sandbox;
        const { page, next } = paginate([...world.clusters.values()].map((c) => c.arn), optionalString(input, 'nextToken'), pageSize(input, 'maxResults', 100, 100));
        return { clusterArns: page, nextToken: next };
      },

      DescribeClusters(input) {
        const { world } = sandbox;
        const refs = optionalStringList(input, 'clusters') ?? ['default'];
        if (refs.length > 100) throw new AwsError('InvalidParameterException', 'clusters can have at most 100 items.');
        const clusters: unknown[] = [];
        const failures: unknown[] = [];
        for (const ref of refs) {
          const cluster = world.clusters.get(lastSegment(ref));
          if (!cluster) {
            failures.push({ arn: ref.startsWith('arn:') ? ref : world.arn('ecs', `cluster/${ref}`), reason: 'MISSING' });
            continue;
          }
          const tasks = [...cluster.tasks.values()].filter((t) => t.lastStatus !== 'STOPPED');
          clusters.push({
            clusterArn: cluster.arn,
            clusterName: cluster.name,
            status: 'ACTIVE',
            registeredContainerInstancesCount: 0,
            runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
            pendingTasksCount: tasks.filter((t) => t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING').length,
            activeServicesCount: [...cluster.services.values()].filter((s) => s.status === 'ACTIVE').length,
            statistics: [],
            tags: [],
            settings: [{ name: 'containerInsights', value: 'enabled' }],
            capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
          });
        }
        return { clusters, failures };
      },

      ListServices(input) {
        const cluster = clusterOf(sandbox.world, input);
        const arns = [...cluster.services.values()].filter((s) => s.status !== 'INACTIVE').map((s) => s.arn);
        const { page, next } = paginate(arns, optionalString(input, 'nextToken'), pageSize(input, 'maxResults', 100, 10));
        return { serviceArns: page, nextToken: next };
      },

      DescribeServices(input) {
        const { world } = sandbox;
        const cluster = clusterOf(world, input);
        const refs = optionalStringList(input, 'services');
        if (!refs || refs.length === 0) throw new AwsError('InvalidParameterException', 'Services cannot be empty.');
        if (refs.length > 10) throw new AwsError('InvalidParameterException', 'services can have at most 10 items.');
        const services: unknown[] = [];
        const failures: unknown[] = [];
        for (const ref of refs) {
          const service = cluster.services.get(lastSegment(ref));
          if (service) services.push(serviceOut(world, cluster, service));
          else failures.push({ arn: ref.startsWith('arn:') ? ref : world.arn('ecs', `service/${cluster.name}/${ref}`), reason: 'MISSING' });
        }
        return { services, failures };
      },

      ListTasks(input) {
        const cluster = clusterOf(sandbox.world, input);
        const serviceName = optionalString(input, 'serviceName');
        const family = optionalString(input, 'family');
        const startedBy = optionalString(input, 'startedBy');
        const desiredStatus = optionalString(input, 'desiredStatus') ?? 'RUNNING';
        if (!['RUNNING', 'PENDING', 'STOPPED'].includes(desiredStatus)) throw new AwsError('InvalidParameterException', 'desiredStatus must be one of RUNNING, PENDING, STOPPED.');
        if (serviceName) serviceOf(cluster, serviceName);
        const arns = [...cluster.tasks.values()]
          .filter((t) => !serviceName || t.service === lastSegment(serviceName))
          .filter((t) => !family || t.taskDefinition.includes(`task-definition/${family}:`))
          .filter((t) => !startedBy || t.deploymentId === startedBy)
          .filter((t) => (desiredStatus === 'STOPPED' ? t.desiredStatus === 'STOPPED' : t.desiredStatus === 'RUNNING'))
          .sort((a, b) => b.createdAt - a.createdAt)
          .map((t) => t.arn);
        const { page, next } = paginate(arns, optionalString(input, 'nextToken'), pageSize(input, 'maxResults', 100, 100));
        return { taskArns: page, nextToken: next };
      },

      DescribeTasks(input) {
        const { world } = sandbox;
        const cluster = clusterOf(world, input);
        const refs = optionalStringList(input, 'tasks');
        if (!refs || refs.length === 0) throw new AwsError('InvalidParameterException', 'Tasks cannot be empty.');
        if (refs.length > 100) throw new AwsError('InvalidParameterException', 'tasks can have at most 100 items.');
        const tasks: unknown[] = [];
        const failures: unknown[] = [];
        for (const ref of refs) {
          const task = cluster.tasks.get(lastSegment(ref));
          if (task) tasks.push(taskOut(world, cluster, task));
          else failures.push({ arn: ref, reason: 'MISSING' });
        }
        return { tasks, failures };
      },

      ListTaskDefinitions(input) {
        const { world } = sandbox;
        // familyPrefix is the full family name, despite its name (ECS lists that family's revisions).
        const family = optionalString(input, 'familyPrefix');
        const status = optionalString(input, 'status') ?? 'ACTIVE';
        const sort = optionalString(input, 'sort') ?? 'ASC';
        if (!['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'].includes(status)) throw new AwsError('InvalidParameterException', 'status must be one of ACTIVE, INACTIVE, DELETE_IN_PROGRESS.');
        if (sort !== 'ASC' && sort !== 'DESC') throw new AwsError('InvalidParameterException', 'sort must be one of ASC, DESC.');
        const arns = [...world.taskDefinitions.entries()]
          .filter(([name]) => family === undefined || name === family)
          .flatMap(([, revisions]) => revisions)
          .filter((td) => td.status === status)
          .sort((a, b) => a.family.localeCompare(b.family) || a.revision - b.revision)
          .map((td) => td.arn);
        if (sort === 'DESC') arns.reverse();
        const { page, next } = paginate(arns, optionalString(input, 'nextToken'), pageSize(input, 'maxResults', 100, 100));
        return { taskDefinitionArns: page, nextToken: next };
      },

      DeregisterTaskDefinition(input) {
        const ref = requiredString(input, 'taskDefinition', 'ClientException');
        const name = ref.startsWith('arn:') ? ref.slice(ref.indexOf('task-definition/') + 'task-definition/'.length) : ref;
        if (!/^[A-Za-z0-9_-]+:\d+$/.test(name)) throw new AwsError('ClientException', 'Invalid revision number. Number: You must specify a revision.');
        const td = sandbox.world.taskDefinitionByRef(ref);
        if (!td) throw new AwsError('ClientException', 'The specified task definition does not exist.');
        // Kept and still describable; running services and tasks keep using it, as in ECS.
        if (td.status === 'ACTIVE') {
          td.status = 'INACTIVE';
          td.deregisteredAt = sandbox.now();
        }
        return { taskDefinition: taskDefinitionOut(td) };
      },

      DescribeTaskDefinition(input) {
        const ref = requiredString(input, 'taskDefinition', 'ClientException');
        const td = sandbox.world.taskDefinitionByRef(ref);
        if (!td) throw new AwsError('ClientException', 'Unable to describe task definition.');
        return { taskDefinition: taskDefinitionOut(td), tags: [] };
      },

      RegisterTaskDefinition(input) {
        const { world } = sandbox;
        const family = requiredString(input, 'family', 'ClientException');
        if (!/^[A-Za-z0-9_-]{1,255}$/.test(family)) throw new AwsError('ClientException', 'Family contains invalid characters: up to 255 letters, numbers, hyphens and underscores are allowed.');
        const containers = input.containerDefinitions;
        if (!Array.isArray(containers) || containers.length === 0) throw new AwsError('ClientException', 'Container list cannot be empty.');
        const containerDefinitions = containers.map(validateContainer);
        const revisions = world.taskDefinitions.get(family) ?? [];
        const revision = (revisions[revisions.length - 1]?.revision ?? 0) + 1;
        const td: TaskDefinitionRecord = {
          family,
          revision,
          arn: world.arn('ecs', `task-definition/${family}:${revision}`),
          status: 'ACTIVE',
          containerDefinitions,
          cpu: optionalString(input, 'cpu', 'ClientException'),
          memory: optionalString(input, 'memory', 'ClientException'),
          networkMode: optionalString(input, 'networkMode', 'ClientException') ?? 'awsvpc',
          requiresCompatibilities: optionalStringList(input, 'requiresCompatibilities', 'ClientException') ?? ['FARGATE'],
          executionRoleArn: optionalString(input, 'executionRoleArn', 'ClientException'),
          taskRoleArn: optionalString(input, 'taskRoleArn', 'ClientException'),
          registeredAt: sandbox.now(),
          registeredBy: world.iamArn('user/sandbox'),
        };
        world.taskDefinitions.set(family, [...revisions, td]);
        return { taskDefinition: taskDefinitionOut(td), tags: [] };
      },

      UpdateService(input) {
        const { world } = sandbox;
        const cluster = clusterOf(world, input);
        const service = serviceOf(cluster, requiredString(input, 'service'));
        const now = sandbox.now();
        const rawCount = input.desiredCount;
        if (rawCount !== undefined && rawCount !== null && (typeof rawCount !== 'number' || !Number.isInteger(rawCount))) {
          // The SDK would refuse a non-integer; on the wire ECS answers with a serialization error.
          throw new AwsError('SerializationException', `desiredCount must be an integer (got ${JSON.stringify(rawCount)}).`);
        }
        const desiredCount = optionalNumber(input, 'desiredCount');
        if (desiredCount !== undefined && desiredCount < 0) throw new AwsError('InvalidParameterException', 'Desired count must be greater than or equal to 0.');
        if (desiredCount !== undefined && desiredCount > 5000) throw new AwsError('InvalidParameterException', 'Desired count exceeds the limit of 5000 tasks per service.');
        const ref = optionalString(input, 'taskDefinition');
        const td = ref === undefined ? undefined : world.taskDefinitionByRef(ref);
        if (ref !== undefined && !td) throw new AwsError('InvalidParameterException', `Unable to find task definition ${ref}.`);
        const current = service.deployments[0]?.taskDefinition;
        // An INACTIVE revision keeps running where it runs, but a service cannot be pointed at one.
        if (td && td.status !== 'ACTIVE' && td.arn !== current) throw new AwsError('ClientException', `TaskDefinition is inactive: ${td.arn}.`);
        const config = (input.deploymentConfiguration ?? undefined) as Record<string, unknown> | undefined;
        const circuitBreaker = config?.deploymentCircuitBreaker as { enable?: boolean; rollback?: boolean } | undefined;
        const strategy = config?.strategy as string | undefined;
        if (strategy !== undefined && strategy !== 'ROLLING' && strategy !== 'BLUE_GREEN') {
          throw new AwsError('InvalidParameterException', `Deployment strategy ${strategy} is not supported by the sandbox (ROLLING or BLUE_GREEN).`);
        }
        const bake = config?.bakeTimeInMinutes;
        if (bake !== undefined && (typeof bake !== 'number' || !Number.isInteger(bake) || bake < 0 || bake > 1440)) {
          throw new AwsError('InvalidParameterException', 'bakeTimeInMinutes must be an integer between 0 and 1440.');
        }
        const hooks = config?.lifecycleHooks === undefined ? undefined : parseLifecycleHooks(config.lifecycleHooks);
        const loadBalancers = input.loadBalancers === undefined || input.loadBalancers === null ? undefined : parseLoadBalancers(world, input.loadBalancers);
        const finalStrategy = strategy ?? service.strategy ?? 'ROLLING';
        if (finalStrategy === 'BLUE_GREEN' && !(loadBalancers ?? service.loadBalancers).some((lb) => lb.advancedConfiguration)) {
          throw new AwsError('InvalidParameterException', 'The BLUE_GREEN deployment strategy needs a load balancer with advancedConfiguration (alternateTargetGroupArn, productionListenerRule).');
        }

        if (circuitBreaker) service.circuitBreaker = { enable: Boolean(circuitBreaker.enable), rollback: Boolean(circuitBreaker.rollback) };
        if (strategy !== undefined) service.strategy = strategy as 'ROLLING' | 'BLUE_GREEN';
        if (typeof bake === 'number') service.bakeTimeInMinutes = bake;
        if (hooks !== undefined) service.lifecycleHooks = hooks;
        if (typeof config?.maximumPercent === 'number') service.maximumPercent = config.maximumPercent;
        if (typeof config?.minimumHealthyPercent === 'number') service.minimumHealthyPercent = config.minimumHealthyPercent;
        const changesLoadBalancers = loadBalancers !== undefined && JSON.stringify(loadBalancers) !== JSON.stringify(service.loadBalancers);
        if (loadBalancers !== undefined) service.loadBalancers = loadBalancers;
        if (desiredCount !== undefined) setDesiredCount(service, desiredCount, now);
        const changesTaskDefinition = td !== undefined && td.arn !== current;
        // As in ECS: a new task definition, new load balancers or forceNewDeployment start a deployment.
        if (changesTaskDefinition || changesLoadBalancers || input.forceNewDeployment === true) {
          startDeployment(world, service, td?.arn ?? current!, now);
        }
        return { service: serviceOut(world, cluster, service) };
      },

      StopServiceDeployment(input) {
        const { world } = sandbox;
        const arn = requiredString(input, 'serviceDeploymentArn');
        const stopType = optionalString(input, 'stopType') ?? 'ROLLBACK';
        if (stopType !== 'ROLLBACK' && stopType !== 'ABORT') throw new AwsError('InvalidParameterException', `Invalid stopType ${stopType}: valid values are ROLLBACK and ABORT.`);
        const now = sandbox.now();
        const { service, history, deployment } = serviceDeploymentOf(world, arn);
        // Asking again while ECS is already stopping or rolling back is harmless: same answer, no new work.
        if (['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'STOP_REQUESTED'].includes(history.status)) return { serviceDeploymentArn: arn };
        if ((history.status !== 'IN_PROGRESS' && history.status !== 'PENDING') || !deployment) {
          throw new AwsError('ConflictException', `The service deployment is in the ${history.status} state and can't be stopped: only PENDING or IN_PROGRESS deployments can be stopped.`, 400, { resourceIds: [arn] });
        }
        if (stopType === 'ROLLBACK') {
          if (deployment.blueGreen?.stage === 'CLEAN_UP') {
            throw new AwsError('ConflictException', 'The service deployment is cleaning up the previous service revision and can no longer be rolled back.', 400, { resourceIds: [arn] });
          }
          if (!deployment.blueGreen && !rollbackTargetOf(world, service, deployment)) {
            throw new AwsError('ConflictException', 'The service deployment has no previous service revision to roll back to.', 400, { resourceIds: [arn] });
          }
          deployment.stopRequested = { stopType, reason: 'Service deployment rolled back by user (StopServiceDeployment).', at: now };
          Object.assign(history, { status: 'ROLLBACK_REQUESTED', updatedAt: now });
        } else {
          deployment.stopRequested = { stopType, reason: 'Service deployment stopped by user (StopServiceDeployment ABORT).', at: now };
          Object.assign(history, { status: 'STOP_REQUESTED', updatedAt: now });
        }
        return { serviceDeploymentArn: arn };
      },

      ContinueServiceDeployment(input) {
        const { world } = sandbox;
        const arn = requiredString(input, 'serviceDeploymentArn');
        const hookId = requiredString(input, 'hookId');
        const action = optionalString(input, 'action') ?? 'CONTINUE';
        if (action !== 'CONTINUE' && action !== 'ROLLBACK') throw new AwsError('InvalidParameterException', `Invalid action ${action}: valid values are CONTINUE and ROLLBACK.`);
        const now = sandbox.now();
        const { service, history, deployment } = serviceDeploymentOf(world, arn);
        if (!deployment?.blueGreen || history.status !== 'IN_PROGRESS') {
          throw new AwsError('InvalidParameterException', `The service deployment is not paused at a lifecycle hook (status ${history.status}).`);
        }
        const problem = continueHook(world, service, deployment, hookId, action, now);
        if (problem) throw new AwsError('InvalidParameterException', problem);
        return { serviceDeploymentArn: arn };
      },

      DescribeServiceRevisions(input) {
        const { world } = sandbox;
        const arns = optionalStringList(input, 'serviceRevisionArns');
        if (!arns || arns.length === 0) throw new AwsError('InvalidParameterException', 'serviceRevisionArns cannot be empty.');
        if (arns.length > 20) throw new AwsError('InvalidParameterException', 'serviceRevisionArns can have at most 20 items.');
        const serviceRevisions: unknown[] = [];
        const failures: unknown[] = [];
        for (const arn of arns) {
          const r = world.serviceRevisions.get(arn);
          if (!r) {
            failures.push({ arn, reason: 'MISSING' });
            continue;
          }
          const td = world.taskDefinitionByRef(r.taskDefinition);
          serviceRevisions.push({
            serviceRevisionArn: r.arn,
            serviceArn: r.serviceArn,
            clusterArn: r.clusterArn,
            taskDefinition: r.taskDefinition,
            launchType: 'FARGATE',
            platformVersion: '1.4.0',
            platformFamily: 'Linux',
            loadBalancers: r.loadBalancers,
            containerImages: (td?.containerDefinitions ?? []).map((c) => ({ containerName: c.name, image: c.image })),
            createdAt: new Date(r.createdAt),
          });
        }
        return { serviceRevisions, failures };
      },

      ListServiceDeployments(input) {
        const cluster = clusterOf(sandbox.world, input);
        const service = serviceOf(cluster, requiredString(input, 'service'));
        const statuses = optionalStringList(input, 'status');
        const createdAt = (input.createdAt ?? {}) as { before?: number; after?: number };
        const items = service.history
          .filter((h) => !statuses || statuses.includes(h.status))
          .filter((h) => createdAt.after === undefined || h.createdAt >= createdAt.after * 1000)
          .filter((h) => createdAt.before === undefined || h.createdAt <= createdAt.before * 1000)
          .map((h) => historyBrief(service, cluster, h));
        const { page, next } = paginate(items, optionalString(input, 'nextToken'), pageSize(input, 'maxResults', 100, 20));
        return { serviceDeployments: page, nextToken: next };
      },

      DescribeServiceDeployments(input) {
        const { world } = sandbox;
        const arns = optionalStringList(input, 'serviceDeploymentArns');
        if (!arns || arns.length === 0) throw new AwsError('InvalidParameterException', 'serviceDeploymentArns cannot be empty.');
        if (arns.length > 20) throw new AwsError('InvalidParameterException', 'serviceDeploymentArns can have at most 20 items.');
        const serviceDeployments: unknown[] = [];
        const failures: unknown[] = [];
        for (const arn of arns) {
          const m = serviceDeploymentArnPattern.exec(arn);
          const cluster = world.clusters.get(m?.[1] ?? '');
          const service = cluster?.services.get(m?.[2] ?? '');
          const history = service?.history.find((h) => h.arn === arn);
          if (cluster && service && history) serviceDeployments.push(historyFull(world, service, cluster, history));
          else failures.push({ arn, reason: 'MISSING' });
        }
        return { serviceDeployments, failures };
      },
    },
  };
}
