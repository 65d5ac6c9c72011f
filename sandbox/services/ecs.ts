import { AwsError } from '../protocol/errors';
import type { ServiceDefinition } from '../protocol/operations';
import { setDesiredCount, startDeployment } from '../sim/engine';
import { ACCOUNT_ID, type ClusterRecord, type ContainerDef, type DeploymentRecord, type ServiceDeploymentHistory, type ServiceRecord, type TaskDefinitionRecord, type TaskRecord, type World } from '../sim/world';
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
  registeredBy: td.registeredBy,
});

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
    deploymentConfiguration: {
      deploymentCircuitBreaker: service.circuitBreaker,
      maximumPercent: service.maximumPercent,
      minimumHealthyPercent: service.minimumHealthyPercent,
      strategy: 'ROLLING',
    },
    deployments,
    roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
    events: service.events.slice(0, 100).map((e) => ({ id: e.id, createdAt: new Date(e.createdAt), message: e.message })),
    createdAt: new Date(service.createdAt),
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: networkConfiguration(service),
    healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    createdBy: `arn:aws:iam::${ACCOUNT_ID}:role/deployment-user`,
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

function historyFull(world: World, service: ServiceRecord, cluster: ClusterRecord, h: ServiceDeploymentHistory) {
  const deployment = service.deployments.find((d) => d.id === h.deploymentId);
  const counts = deployment ? deploymentOut(world, cluster, service, deployment) : undefined;
  return {
    ...historyBrief(service, cluster, h),
    updatedAt: new Date(h.finishedAt ?? h.startedAt),
    sourceServiceRevisions: h.sourceRevisionArns.map((arn) => ({ arn, requestedTaskCount: 0, runningTaskCount: 0, pendingTaskCount: 0 })),
    targetServiceRevision: {
      arn: h.serviceRevisionArn,
      requestedTaskCount: deployment?.desiredCount ?? 0,
      runningTaskCount: counts?.runningCount ?? 0,
      pendingTaskCount: counts?.pendingCount ?? 0,
    },
    deploymentConfiguration: {
      deploymentCircuitBreaker: service.circuitBreaker,
      maximumPercent: service.maximumPercent,
      minimumHealthyPercent: service.minimumHealthyPercent,
    },
    rollback: h.rollback ? { reason: h.rollback.reason, startedAt: new Date(h.rollback.startedAt), serviceRevisionArn: h.rollback.serviceRevisionArn } : undefined,
    deploymentCircuitBreaker: h.circuitBreakerEnabled
      ? { status: h.status.startsWith('ROLLBACK') ? 'TRIGGERED' : 'MONITORING', failureCount: h.failureCount, threshold: h.threshold }
      : { status: 'DISABLED', failureCount: 0, threshold: 0 },
  };
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
        const prefix = optionalString(input, 'familyPrefix');
        const status = optionalString(input, 'status') ?? 'ACTIVE';
        const sort = optionalString(input, 'sort') ?? 'ASC';
        const arns = [...world.taskDefinitions.entries()]
          .filter(([family]) => !prefix || family === prefix)
          .flatMap(([, revisions]) => revisions)
          .filter((td) => status === 'ALL' || td.status === status)
          .sort((a, b) => a.family.localeCompare(b.family) || a.revision - b.revision)
          .map((td) => td.arn);
        if (sort === 'DESC') arns.reverse();
        const { page, next } = paginate(arns, optionalString(input, 'nextToken'), pageSize(input, 'maxResults', 100, 100));
        return { taskDefinitionArns: page, nextToken: next };
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
          registeredBy: `arn:aws:iam::${ACCOUNT_ID}:user/sandbox`,
        };
        world.taskDefinitions.set(family, [...revisions, td]);
        return { taskDefinition: taskDefinitionOut(td), tags: [] };
      },

      UpdateService(input) {
        const { world } = sandbox;
        const cluster = clusterOf(world, input);
        const service = serviceOf(cluster, requiredString(input, 'service'));
        const now = sandbox.now();
        const desiredCount = optionalNumber(input, 'desiredCount');
        if (desiredCount !== undefined && (!Number.isInteger(desiredCount) || desiredCount < 0 || desiredCount > 5000)) {
          throw new AwsError('InvalidParameterException', 'desiredCount must be an integer between 0 and 5000.');
        }
        const ref = optionalString(input, 'taskDefinition');
        const td = ref === undefined ? undefined : world.taskDefinitionByRef(ref);
        if (ref !== undefined && (!td || td.status !== 'ACTIVE')) throw new AwsError('InvalidParameterException', `Unable to find task definition ${ref}.`);
        const circuitBreaker = (input.deploymentConfiguration as { deploymentCircuitBreaker?: { enable?: boolean; rollback?: boolean } } | undefined)?.deploymentCircuitBreaker;

        if (circuitBreaker) service.circuitBreaker = { enable: Boolean(circuitBreaker.enable), rollback: Boolean(circuitBreaker.rollback) };
        if (desiredCount !== undefined) setDesiredCount(service, desiredCount, now);
        const changesTaskDefinition = td !== undefined && td.arn !== service.deployments[0]?.taskDefinition;
        if (changesTaskDefinition || input.forceNewDeployment === true) {
          startDeployment(world, service, td?.arn ?? service.deployments[0]!.taskDefinition, now);
        }
        return { service: serviceOut(world, cluster, service) };
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
          const [, clusterName, serviceName] = arn.slice(arn.indexOf('service-deployment/')).split('/');
          const cluster = world.clusters.get(clusterName ?? '');
          const service = cluster?.services.get(serviceName ?? '');
          const history = service?.history.find((h) => h.arn === arn);
          if (cluster && service && history) serviceDeployments.push(historyFull(world, service, cluster, history));
          else failures.push({ arn, reason: 'MISSING' });
        }
        return { serviceDeployments, failures };
      },
    },
  };
}
