import {
  ContinueServiceDeploymentCommand,
  DescribeClustersCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListClustersCommand,
  ListServiceDeploymentsCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type Cluster as SdkCluster,
  type ContainerDefinition as SdkContainerDefinition,
  type Deployment as SdkDeployment,
  type Failure as SdkFailure,
  type RegisterTaskDefinitionCommandInput,
  type DeploymentLifecycleHook as SdkDeploymentLifecycleHook,
  type Service as SdkService,
  type ServiceDeployment as SdkServiceDeployment,
  type ServiceRevision as SdkServiceRevision,
  type ServiceDeploymentBrief as SdkServiceDeploymentBrief,
  type Task as SdkTask,
  type TaskDefinition as SdkTaskDefinition,
} from '@aws-sdk/client-ecs';
import { AppError, isAppError } from '../errors';
import { nameFromArn } from './arn';
import { chunk, mapLimit } from './batch';
import { send, type AwsClients } from './client';
import type {
  Cluster,
  ContainerDefinition,
  Deployment,
  DeploymentStrategy,
  RolloutState,
  Service,
  ServiceDeploymentRecord,
  ServiceRevision,
  Task,
  TaskDefinition,
  TaskDefinitionRevisionRef,
} from './types';

/** Parallel DescribeServices calls per request: fast for big clusters without tripping ECS throttling. */
const DESCRIBE_CONCURRENCY = 5;

export async function* listClusterArns(aws: AwsClients, opts: { maxResults?: number } = {}): AsyncGenerator<string> {
  let nextToken: string | undefined;
  do {
    const page = await send(aws.ecs, new ListClustersCommand({ nextToken, maxResults: opts.maxResults ?? 100 }), aws.deadlineMs, 'ListClusters');
    yield* page.clusterArns ?? [];
    nextToken = page.nextToken;
  } while (nextToken);
}

/** Unknown clusters are left out (ECS reports them as failures, not errors). */
export async function describeClusters(aws: AwsClients, namesOrArns: readonly string[]): Promise<Cluster[]> {
  const pages = await mapLimit(chunk(namesOrArns, 100), DESCRIBE_CONCURRENCY, (clusters) =>
    send(aws.ecs, new DescribeClustersCommand({ clusters }), aws.deadlineMs, 'DescribeClusters'),
  );
  return pages.flatMap((p) => (p.clusters ?? []).map(reshapeCluster));
}

export async function* listServiceArns(aws: AwsClients, cluster: string): AsyncGenerator<string> {
  let nextToken: string | undefined;
  do {
    const page = await inCluster(cluster, send(aws.ecs, new ListServicesCommand({ cluster, nextToken, maxResults: 100 }), aws.deadlineMs, 'ListServices'));
    yield* page.serviceArns ?? [];
    nextToken = page.nextToken;
  } while (nextToken);
}

/**
 * DescribeServices takes at most 10 services per call; batches run in parallel. Services ECS
 * reports as MISSING are left out, except when exactly one was asked for: then it is not_found
 * (unless `missing: 'omit'`, for callers listing a cluster that may race with a deletion).
 */
export async function describeServices(
  aws: AwsClients,
  cluster: string,
  namesOrArns: readonly string[],
  opts: { missing?: 'throw' | 'omit' } = {},
): Promise<Service[]> {
  const pages = await mapLimit(chunk(namesOrArns, 10), DESCRIBE_CONCURRENCY, (services) =>
    inCluster(cluster, send(aws.ecs, new DescribeServicesCommand({ cluster, services }), aws.deadlineMs, 'DescribeServices')),
  );
  const services = pages.flatMap((p) => (p.services ?? []).map(reshapeService));
  const failures = pages.flatMap((p) => p.failures ?? []);
  if (namesOrArns.length === 1 && services.length === 0 && opts.missing !== 'omit') {
    throw missingServiceError(cluster, namesOrArns[0] as string, failures);
  }
  return services;
}

/**
 * These calls name a cluster and report missing services or tasks as failures, so a not_found
 * from them means the cluster itself is missing; say so in words.
 */
async function inCluster<T>(cluster: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (e) {
    if (isAppError(e) && e.code === 'not_found') {
      throw new AppError('not_found', `Cluster "${nameFromArn(cluster)}" was not found`, { requestId: e.requestId, cause: e });
    }
    throw e;
  }
}

function missingServiceError(cluster: string, service: string, failures: SdkFailure[]): AppError {
  const reason = failures[0]?.reason;
  if (reason === 'MISSING' || reason === undefined) {
    return new AppError('not_found', `Service "${nameFromArn(service)}" was not found in cluster "${nameFromArn(cluster)}"`);
  }
  return new AppError('upstream', `ECS could not describe service "${nameFromArn(service)}": ${reason}`);
}

export async function* listTaskArns(
  aws: AwsClients,
  cluster: string,
  filter: { serviceName?: string; desiredStatus?: 'RUNNING' | 'PENDING' | 'STOPPED' } = {},
): AsyncGenerator<string> {
  let nextToken: string | undefined;
  do {
    const page = await inCluster(
      cluster,
      send(
        aws.ecs,
        new ListTasksCommand({ cluster, serviceName: filter.serviceName, desiredStatus: filter.desiredStatus, nextToken, maxResults: 100 }),
        aws.deadlineMs,
        'ListTasks',
      ),
    );
    yield* page.taskArns ?? [];
    nextToken = page.nextToken;
  } while (nextToken);
}

export async function describeTasks(aws: AwsClients, cluster: string, arns: readonly string[]): Promise<Task[]> {
  const pages = await mapLimit(chunk(arns, 100), DESCRIBE_CONCURRENCY, (tasks) =>
    inCluster(cluster, send(aws.ecs, new DescribeTasksCommand({ cluster, tasks }), aws.deadlineMs, 'DescribeTasks')),
  );
  return pages.flatMap((p) => (p.tasks ?? []).map(reshapeTask));
}

export async function describeTaskDefinition(aws: AwsClients, arn: string): Promise<TaskDefinition> {
  return reshapeTaskDefinition(await describeSdkTaskDefinition(aws, arn));
}

async function describeSdkTaskDefinition(aws: AwsClients, arn: string): Promise<SdkTaskDefinition> {
  const out = await send(aws.ecs, new DescribeTaskDefinitionCommand({ taskDefinition: arn }), aws.deadlineMs, 'DescribeTaskDefinition');
  if (!out.taskDefinition) throw new AppError('not_found', `Task definition "${arn}" was not found`);
  return out.taskDefinition;
}

export interface RegisterRevisionInput {
  /** The revision to copy: everything (environment, secrets, roles, volumes…) is kept as is. */
  baseTaskDefinitionArn: string;
  /** New image per container name; containers not named keep their image. */
  images: Record<string, string>;
}

/**
 * Registers a new revision that differs from the base only in its images. The copy happens
 * here, SDK shape to SDK shape, because environment values and secrets never leave lib/aws.
 */
export async function registerTaskDefinition(aws: AwsClients, input: RegisterRevisionInput): Promise<TaskDefinition> {
  const base = await describeSdkTaskDefinition(aws, input.baseTaskDefinitionArn);
  const containerNames = new Set((base.containerDefinitions ?? []).map((c) => c.name));
  for (const name of Object.keys(input.images)) {
    if (!containerNames.has(name)) {
      throw new AppError('invalid', `Task definition "${base.family}" has no container named "${name}"`);
    }
  }
  const out = await send(aws.ecs, new RegisterTaskDefinitionCommand(toRegisterInput(base, input.images)), aws.deadlineMs, 'RegisterTaskDefinition');
  if (!out.taskDefinition) throw new AppError('upstream', 'ECS registered the task definition but returned none');
  return reshapeTaskDefinition(out.taskDefinition);
}

/** The registrable fields of a described task definition; read-only ones (revision, status, …) are dropped. */
export function toRegisterInput(base: SdkTaskDefinition, images: Record<string, string>): RegisterTaskDefinitionCommandInput {
  return {
    family: base.family,
    taskRoleArn: base.taskRoleArn,
    executionRoleArn: base.executionRoleArn,
    networkMode: base.networkMode,
    containerDefinitions: (base.containerDefinitions ?? []).map((c) =>
      c.name !== undefined && images[c.name] !== undefined ? { ...c, image: images[c.name] } : c,
    ),
    volumes: base.volumes,
    placementConstraints: base.placementConstraints,
    requiresCompatibilities: base.requiresCompatibilities,
    cpu: base.cpu,
    memory: base.memory,
    pidMode: base.pidMode,
    ipcMode: base.ipcMode,
    proxyConfiguration: base.proxyConfiguration,
    inferenceAccelerators: base.inferenceAccelerators,
    ephemeralStorage: base.ephemeralStorage,
    runtimePlatform: base.runtimePlatform,
    enableFaultInjection: base.enableFaultInjection,
  };
}

export interface UpdateServiceInput {
  cluster: string;
  service: string;
  /** family:revision or ARN; omitted keeps the current one. */
  taskDefinition?: string;
  desiredCount?: number;
  /** Replaces every task, with the same task definition unless `taskDefinition` is given too. */
  forceNewDeployment?: boolean;
  /**
   * Replaces the service's target group binding (ECS starts a deployment whose tasks register
   * there): the guide's blue/green by listener switch deploys to the idle group this way.
   */
  loadBalancers?: { targetGroupArn: string; containerName: string; containerPort: number }[];
}

/**
 * UpdateService with only the fields given: the service's deploymentConfiguration (strategy,
 * bake time, hooks, circuit breaker) is never sent, so ECS keeps it unchanged.
 */
export async function updateService(aws: AwsClients, input: UpdateServiceInput): Promise<Service> {
  if (input.desiredCount !== undefined && (!Number.isInteger(input.desiredCount) || input.desiredCount < 0)) {
    throw new AppError('invalid', `desiredCount must be a whole number of at least 0 (got ${input.desiredCount})`);
  }
  const out = await send(
    aws.ecs,
    new UpdateServiceCommand({
      cluster: input.cluster,
      service: input.service,
      taskDefinition: input.taskDefinition,
      desiredCount: input.desiredCount,
      forceNewDeployment: input.forceNewDeployment,
      loadBalancers: input.loadBalancers?.map((lb) => ({ targetGroupArn: lb.targetGroupArn, containerName: lb.containerName, containerPort: lb.containerPort })),
    }),
    aws.deadlineMs,
    'UpdateService',
  );
  if (!out.service) throw new AppError('upstream', 'ECS updated the service but returned none');
  return reshapeService(out.service);
}

/**
 * The revisions of one task definition family, newest first (ListTaskDefinitions with an exact
 * familyPrefix, sort DESC). `status` defaults to ACTIVE as in ECS; `max` bounds how many are read.
 */
export async function listTaskDefinitionRevisions(
  aws: AwsClients,
  family: string,
  opts: { status?: 'ACTIVE' | 'INACTIVE'; max?: number } = {},
): Promise<TaskDefinitionRevisionRef[]> {
  const max = opts.max ?? Infinity;
  const refs: TaskDefinitionRevisionRef[] = [];
  let nextToken: string | undefined;
  do {
    const page = await send(
      aws.ecs,
      new ListTaskDefinitionsCommand({
        familyPrefix: family,
        status: opts.status ?? 'ACTIVE',
        sort: 'DESC',
        nextToken,
        maxResults: Math.min(100, Math.max(1, max - refs.length)),
      }),
      aws.deadlineMs,
      'ListTaskDefinitions',
    );
    for (const arn of page.taskDefinitionArns ?? []) {
      const ref = parseRevisionArn(arn);
      // familyPrefix is a prefix: "codeflow" also lists "codeflow-worker". Keep the family asked for.
      if (ref && ref.family === family) refs.push(ref);
    }
    nextToken = page.nextToken;
  } while (nextToken && refs.length < max);
  refs.sort((a, b) => b.revision - a.revision);
  return refs.slice(0, max === Infinity ? undefined : max);
}

function parseRevisionArn(arn: string): TaskDefinitionRevisionRef | null {
  const m = /task-definition\/([A-Za-z0-9_-]+):(\d+)$/.exec(arn);
  return m ? { arn, family: m[1] as string, revision: Number(m[2]) } : null;
}

/**
 * StopServiceDeployment. ROLLBACK returns the service to the revision the deployment replaced;
 * ABORT stops it where it is. Asking again for a deployment that is already rolling back is
 * harmless: ECS answers with the same ARN, and one already rolled back answers with its `status`
 * (null when ECS accepted the request). A finished deployment otherwise is a `conflict` AppError.
 */
export async function stopServiceDeployment(
  aws: AwsClients,
  serviceDeploymentArn: string,
  opts: { stopType: 'ROLLBACK' | 'ABORT' },
): Promise<{ serviceDeploymentArn: string; status: string | null }> {
  try {
    const out = await send(
      aws.ecs,
      new StopServiceDeploymentCommand({ serviceDeploymentArn, stopType: opts.stopType }),
      aws.deadlineMs,
      'StopServiceDeployment',
    );
    return { serviceDeploymentArn: out.serviceDeploymentArn ?? serviceDeploymentArn, status: null };
  } catch (e) {
    // ECS refuses to stop a finished deployment (ConflictException). A ROLLBACK of one that was
    // already rolled back asked for what is done: answer as ECS would have the first time.
    if (opts.stopType === 'ROLLBACK' && isAppError(e) && e.code === 'conflict') {
      const [record] = await describeServiceDeployments(aws, [serviceDeploymentArn]);
      if (record && ROLLED_BACK.has(record.status)) return { serviceDeploymentArn, status: record.status };
    }
    throw e;
  }
}

const ROLLED_BACK = new Set(['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL']);

/**
 * Answers a PAUSE lifecycle hook (ContinueServiceDeployment). Without `hookId`, the deployment is
 * described and the hook AWAITING_ACTION is used; none waiting is a conflict. `action` ROLLBACK
 * rolls the deployment back instead of continuing.
 */
export async function continueServiceDeployment(
  aws: AwsClients,
  serviceDeploymentArn: string,
  opts: { hookId?: string; action?: 'CONTINUE' | 'ROLLBACK' } = {},
): Promise<void> {
  let hookId = opts.hookId;
  if (hookId === undefined) {
    const [record] = await describeServiceDeployments(aws, [serviceDeploymentArn]);
    if (!record) throw new AppError('not_found', `Service deployment "${serviceDeploymentArn}" was not found`);
    const waiting = record.lifecycleHooks.find((h) => h.status === 'AWAITING_ACTION');
    if (!waiting) {
      throw new AppError('conflict', `Service deployment is not paused at a lifecycle hook (status ${record.status}, stage ${record.lifecycleStage ?? 'none'})`);
    }
    hookId = waiting.hookId;
  }
  await send(
    aws.ecs,
    new ContinueServiceDeploymentCommand({ serviceDeploymentArn, hookId, action: opts.action ?? 'CONTINUE' }),
    aws.deadlineMs,
    'ContinueServiceDeployment',
  );
}

/** DescribeServiceRevisions (at most 20 per call): which task definition a service revision runs. Unknown ones are left out. */
export async function describeServiceRevisions(aws: AwsClients, arns: readonly string[]): Promise<ServiceRevision[]> {
  const pages = await mapLimit(chunk(arns, 20), DESCRIBE_CONCURRENCY, (serviceRevisionArns) =>
    send(aws.ecs, new DescribeServiceRevisionsCommand({ serviceRevisionArns }), aws.deadlineMs, 'DescribeServiceRevisions'),
  );
  return pages.flatMap((p) => (p.serviceRevisions ?? []).map(reshapeServiceRevision));
}

export function reshapeServiceRevision(r: SdkServiceRevision): ServiceRevision {
  return {
    arn: r.serviceRevisionArn ?? '',
    serviceArn: r.serviceArn ?? '',
    taskDefinitionArn: r.taskDefinition ?? '',
    createdAt: iso(r.createdAt),
  };
}

/** The deployment history, newest first as ECS returns it (brief records: no rollback or circuit-breaker details). */
export async function listServiceDeployments(aws: AwsClients, cluster: string, service: string): Promise<ServiceDeploymentRecord[]> {
  const records: ServiceDeploymentRecord[] = [];
  let nextToken: string | undefined;
  do {
    const page = await send(
      aws.ecs,
      new ListServiceDeploymentsCommand({ cluster, service, nextToken, maxResults: 100 }),
      aws.deadlineMs,
      'ListServiceDeployments',
    );
    records.push(...(page.serviceDeployments ?? []).map(reshapeServiceDeploymentBrief));
    nextToken = page.nextToken;
  } while (nextToken);
  return records;
}

export async function describeServiceDeployments(aws: AwsClients, arns: readonly string[]): Promise<ServiceDeploymentRecord[]> {
  const pages = await mapLimit(chunk(arns, 20), DESCRIBE_CONCURRENCY, (serviceDeploymentArns) =>
    send(aws.ecs, new DescribeServiceDeploymentsCommand({ serviceDeploymentArns }), aws.deadlineMs, 'DescribeServiceDeployments'),
  );
  return pages.flatMap((p) => (p.serviceDeployments ?? []).map(reshapeServiceDeployment));
}

export function reshapeCluster(c: SdkCluster): Cluster {
  return {
    arn: c.clusterArn ?? '',
    name: c.clusterName ?? nameFromArn(c.clusterArn ?? ''),
    status: c.status ?? 'UNKNOWN',
    activeServicesCount: c.activeServicesCount ?? 0,
    runningTasksCount: c.runningTasksCount ?? 0,
    pendingTasksCount: c.pendingTasksCount ?? 0,
  };
}

export function reshapeService(s: SdkService): Service {
  return {
    arn: s.serviceArn ?? '',
    name: s.serviceName ?? nameFromArn(s.serviceArn ?? ''),
    clusterArn: s.clusterArn ?? '',
    status: s.status ?? 'UNKNOWN',
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    pendingCount: s.pendingCount ?? 0,
    launchType: s.launchType ?? null,
    taskDefinitionArn: s.taskDefinition ?? '',
    deployments: (s.deployments ?? []).map(reshapeDeployment),
    events: (s.events ?? []).map((e) => ({ id: e.id ?? '', createdAt: iso(e.createdAt), message: e.message ?? '' })),
    loadBalancers: (s.loadBalancers ?? [])
      .filter((lb) => lb.targetGroupArn)
      .map((lb) => ({ targetGroupArn: lb.targetGroupArn as string, containerName: lb.containerName ?? null, containerPort: lb.containerPort ?? null })),
    deploymentController: s.deploymentController?.type ?? 'ECS',
    circuitBreaker: s.deploymentConfiguration?.deploymentCircuitBreaker
      ? {
          enabled: s.deploymentConfiguration.deploymentCircuitBreaker.enable ?? false,
          rollback: s.deploymentConfiguration.deploymentCircuitBreaker.rollback ?? false,
        }
      : null,
    deploymentStrategy: (s.deploymentConfiguration?.strategy as DeploymentStrategy | undefined) ?? 'ROLLING',
    bakeTimeInMinutes: s.deploymentConfiguration?.bakeTimeInMinutes ?? null,
    lifecycleHooks: (s.deploymentConfiguration?.lifecycleHooks ?? []).map(reshapeLifecycleHook),
    createdAt: iso(s.createdAt),
  };
}

function reshapeLifecycleHook(h: SdkDeploymentLifecycleHook) {
  return {
    targetType: h.targetType ?? 'AWS_LAMBDA',
    hookTargetArn: h.hookTargetArn ?? null,
    roleArn: h.roleArn ?? null,
    lifecycleStages: [...(h.lifecycleStages ?? [])],
  };
}

export function reshapeDeployment(d: SdkDeployment): Deployment {
  return {
    id: d.id ?? '',
    status: d.status ?? 'UNKNOWN',
    taskDefinitionArn: d.taskDefinition ?? '',
    desiredCount: d.desiredCount ?? 0,
    runningCount: d.runningCount ?? 0,
    pendingCount: d.pendingCount ?? 0,
    failedTasks: d.failedTasks ?? 0,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
    rolloutState: (d.rolloutState as RolloutState | undefined) ?? null,
    rolloutStateReason: d.rolloutStateReason ?? null,
  };
}

export function reshapeTaskDefinition(td: SdkTaskDefinition): TaskDefinition {
  return {
    arn: td.taskDefinitionArn ?? '',
    family: td.family ?? '',
    revision: td.revision ?? 0,
    status: td.status ?? 'UNKNOWN',
    cpu: td.cpu ?? null,
    memory: td.memory ?? null,
    networkMode: td.networkMode ?? null,
    taskRoleArn: td.taskRoleArn ?? null,
    executionRoleArn: td.executionRoleArn ?? null,
    registeredAt: iso(td.registeredAt),
    containers: (td.containerDefinitions ?? []).map(reshapeContainerDefinition),
  };
}

/** Environment and secret VALUES are deliberately not read: only their names leave lib/aws. */
export function reshapeContainerDefinition(c: SdkContainerDefinition): ContainerDefinition {
  return {
    name: c.name ?? '',
    image: c.image ?? '',
    cpu: c.cpu ?? null,
    memory: c.memory ?? null,
    // ECS treats a container without `essential` as essential.
    essential: c.essential ?? true,
    portMappings: (c.portMappings ?? [])
      .filter((p) => p.containerPort !== undefined)
      .map((p) => ({ containerPort: p.containerPort as number, protocol: p.protocol ?? 'tcp' })),
    environmentNames: (c.environment ?? []).flatMap((e) => (e.name ? [e.name] : [])),
    secretNames: (c.secrets ?? []).flatMap((s) => (s.name ? [s.name] : [])),
    logGroup: c.logConfiguration?.options?.['awslogs-group'] ?? null,
  };
}

export function reshapeTask(t: SdkTask): Task {
  const arn = t.taskArn ?? '';
  return {
    arn,
    id: nameFromArn(arn),
    clusterArn: t.clusterArn ?? '',
    taskDefinitionArn: t.taskDefinitionArn ?? '',
    startedBy: t.startedBy ?? null,
    lastStatus: t.lastStatus ?? 'UNKNOWN',
    desiredStatus: t.desiredStatus ?? 'UNKNOWN',
    healthStatus: t.healthStatus ?? null,
    launchType: t.launchType ?? null,
    availabilityZone: t.availabilityZone ?? null,
    createdAt: iso(t.createdAt),
    startedAt: iso(t.startedAt),
    stoppingAt: iso(t.stoppingAt),
    stoppedAt: iso(t.stoppedAt),
    stopCode: t.stopCode ?? null,
    stoppedReason: t.stoppedReason ?? null,
    containers: (t.containers ?? []).map((c) => ({
      name: c.name ?? '',
      image: c.image ?? null,
      lastStatus: c.lastStatus ?? null,
      exitCode: c.exitCode ?? null,
      reason: c.reason ?? null,
      healthStatus: c.healthStatus ?? null,
    })),
  };
}

export function reshapeServiceDeploymentBrief(d: SdkServiceDeploymentBrief): ServiceDeploymentRecord {
  return {
    arn: d.serviceDeploymentArn ?? '',
    serviceArn: d.serviceArn ?? '',
    status: d.status ?? 'UNKNOWN',
    statusReason: d.statusReason ?? null,
    targetServiceRevisionArn: d.targetServiceRevisionArn ?? null,
    targetRevisionArn: d.targetServiceRevisionArn ?? null,
    sourceServiceRevisionArns: [],
    lifecycleStage: null,
    lifecycleHooks: [],
    pausedAtHook: false,
    createdAt: iso(d.createdAt),
    startedAt: iso(d.startedAt),
    finishedAt: iso(d.finishedAt),
    stoppedAt: null,
    updatedAt: null,
    rollback: null,
    circuitBreaker: null,
  };
}

export function reshapeServiceDeployment(d: SdkServiceDeployment): ServiceDeploymentRecord {
  const lifecycleHooks = (d.lifecycleHookDetails ?? []).map((h) => ({
    hookId: h.hookId ?? '',
    targetType: h.targetType ?? null,
    targetArn: h.targetArn ?? null,
    status: h.status ?? null,
    expiresAt: iso(h.expiresAt),
    timeoutAction: h.timeoutAction ?? null,
  }));
  return {
    arn: d.serviceDeploymentArn ?? '',
    serviceArn: d.serviceArn ?? '',
    status: d.status ?? 'UNKNOWN',
    statusReason: d.statusReason ?? null,
    targetServiceRevisionArn: d.targetServiceRevision?.arn ?? null,
    targetRevisionArn: d.targetServiceRevision?.arn ?? null,
    sourceServiceRevisionArns: (d.sourceServiceRevisions ?? []).flatMap((r) => (r.arn ? [r.arn] : [])),
    lifecycleStage: d.lifecycleStage ?? null,
    lifecycleHooks,
    pausedAtHook: lifecycleHooks.some((h) => h.status === 'AWAITING_ACTION'),
    createdAt: iso(d.createdAt),
    startedAt: iso(d.startedAt),
    finishedAt: iso(d.finishedAt),
    stoppedAt: iso(d.stoppedAt),
    updatedAt: iso(d.updatedAt),
    rollback: d.rollback
      ? { reason: d.rollback.reason ?? null, startedAt: iso(d.rollback.startedAt), serviceRevisionArn: d.rollback.serviceRevisionArn ?? null }
      : null,
    circuitBreaker: d.deploymentCircuitBreaker
      ? {
          status: d.deploymentCircuitBreaker.status ?? null,
          failureCount: d.deploymentCircuitBreaker.failureCount ?? 0,
          threshold: d.deploymentCircuitBreaker.threshold ?? 0,
        }
      : null,
  };
}

function iso(d: Date | undefined): string | null {
  return d ? d.toISOString() : null;
}
