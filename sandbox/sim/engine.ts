import type { ClusterRecord, DeploymentRecord, ServiceRecord, TaskRecord, World } from './world';

/** Seconds a task spends in each phase; chosen so a rollout is visible on a 5 s refresh. */
export const TIMING = {
  provisioning: 10,
  pending: 20,
  /** A target needs this long of passing checks to become healthy. */
  healthyAfter: 15,
  /** A bad image's essential container exits this long after start. */
  badImageExit: 10,
  deregistrationDelay: 10,
  stopping: 5,
  /** Stopped tasks stay visible this long, as in ECS (at least an hour). */
  keepStopped: 3600,
  /** Mean lifetime of a task running a flaky image before it is OOM-killed. */
  flakyMeanLifetime: 3 * 3600,
} as const;

const MAX_EVENTS = 100;
const STEP_MS = 1000;

const MINUTE_MS = 60_000;

/**
 * Runs the simulation forward to `now`, one simulated second at a time. `onMinute` is called at
 * every whole simulated minute, after that second's tick: telemetry (metrics, logs, findings)
 * samples the fleet there.
 */
export function runUntil(world: World, now: number, onMinute?: (minute: number) => void): void {
  while (world.tickedTo + STEP_MS <= now) {
    world.tickedTo += STEP_MS;
    tick(world, world.tickedTo);
    // Ticks keep the start time's milliseconds, so a minute is crossed rather than landed on.
    const minute = Math.floor(world.tickedTo / MINUTE_MS) * MINUTE_MS;
    if (onMinute && minute > world.tickedTo - STEP_MS) onMinute(minute);
  }
}

function tick(world: World, now: number): void {
  for (const cluster of world.clusters.values()) {
    const tasksByService = new Map<string, TaskRecord[]>();
    for (const task of cluster.tasks.values()) {
      advanceTask(world, cluster, task, now);
      if (task.lastStatus === 'STOPPED') continue;
      const list = tasksByService.get(task.service);
      if (list) list.push(task);
      else tasksByService.set(task.service, [task]);
    }
    for (const service of cluster.services.values()) {
      if (service.status === 'ACTIVE') reconcileService(world, cluster, service, tasksByService.get(service.name) ?? [], now);
    }
    pruneStoppedTasks(cluster, now);
  }
}

export function circuitBreakerThreshold(desiredCount: number): number {
  return Math.min(200, Math.max(3, Math.ceil(desiredCount * 0.5)));
}

export function addEvent(world: World, service: ServiceRecord, now: number, message: string): void {
  service.events.unshift({ id: `${world.rng.hex(8)}-${world.rng.hex(4)}-${world.rng.hex(4)}-${world.rng.hex(4)}-${world.rng.hex(12)}`, createdAt: now, message: `(service ${service.name}) ${message}` });
  if (service.events.length > MAX_EVENTS) service.events.length = MAX_EVENTS;
}

export function newDeploymentId(world: World): string {
  return `ecs-svc/${world.rng.digits(19)}`;
}

/**
 * Starts a deployment of `taskDefinition`, as UpdateService does when the task definition changes
 * or a new deployment is forced. The previous primary keeps its tasks until the new one is healthy.
 */
export function startDeployment(
  world: World,
  service: ServiceRecord,
  taskDefinition: string,
  now: number,
  options: { isRollback?: boolean; reason?: string } = {},
): DeploymentRecord {
  const previous = service.deployments[0];
  const id = newDeploymentId(world);
  const serviceDeploymentId = world.rng.digits(19);
  const deployment: DeploymentRecord = {
    id,
    status: 'PRIMARY',
    taskDefinition,
    desiredCount: service.desiredCount,
    failedTasks: 0,
    createdAt: now,
    updatedAt: now,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: options.reason ?? 'ECS deployment in progress.',
    rollbackTo: previous ? (previous.rolloutState === 'COMPLETED' ? previous.taskDefinition : previous.rollbackTo) : null,
    isRollback: options.isRollback ?? false,
    serviceDeploymentArn: world.arn('ecs', `service-deployment/${service.cluster}/${service.name}/${serviceDeploymentId}`),
  };
  if (previous) {
    previous.status = 'ACTIVE';
    previous.updatedAt = now;
    const previousHistory = historyOf(service, previous);
    if (previousHistory && previousHistory.status === 'IN_PROGRESS') {
      previousHistory.status = 'STOPPED';
      previousHistory.statusReason = 'Superseded by a newer deployment.';
      previousHistory.finishedAt = now;
    }
  }
  service.deployments.unshift(deployment);
  service.history.unshift({
    arn: deployment.serviceDeploymentArn,
    deploymentId: id,
    serviceRevisionArn: world.arn('ecs', `service-revision/${service.cluster}/${service.name}/${world.rng.digits(19)}`),
    sourceRevisionArns: service.history[0] ? [service.history[0].serviceRevisionArn] : [],
    taskDefinition,
    status: 'IN_PROGRESS',
    createdAt: now,
    startedAt: now,
    failureCount: 0,
    threshold: circuitBreakerThreshold(service.desiredCount),
    circuitBreakerEnabled: service.circuitBreaker.enable,
  });
  return deployment;
}

export function historyOf(service: ServiceRecord, deployment: DeploymentRecord) {
  return service.history.find((h) => h.deploymentId === deployment.id);
}

export function setDesiredCount(service: ServiceRecord, desiredCount: number, now: number): void {
  service.desiredCount = desiredCount;
  const primary = service.deployments[0];
  if (primary) {
    primary.desiredCount = desiredCount;
    primary.updatedAt = now;
  }
}

export function launchTask(world: World, cluster: ClusterRecord, service: ServiceRecord, deployment: DeploymentRecord, now: number): TaskRecord {
  const id = world.rng.hex(32);
  const task: TaskRecord = {
    id,
    arn: world.arn('ecs', `task/${cluster.name}/${id}`),
    cluster: cluster.name,
    service: service.name,
    deploymentId: deployment.id,
    taskDefinition: deployment.taskDefinition,
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    createdAt: now,
    nextAt: now + TIMING.provisioning * 1000,
    availabilityZone: service.subnets.length ? world.rng.pick([`${world.region}a`, `${world.region}b`, `${world.region}c`]) : `${world.region}a`,
    privateIp: world.nextIp(),
  };
  cluster.tasks.set(id, task);
  return task;
}

export function stopTask(world: World, cluster: ClusterRecord, task: TaskRecord, now: number, stopCode: string, reason: string): void {
  if (task.desiredStatus === 'STOPPED') return;
  task.desiredStatus = 'STOPPED';
  task.stopCode = stopCode;
  task.stoppedReason = reason;
  task.stoppingAt = now;
  const service = cluster.services.get(task.service);
  const registered = service ? targetsOf(world, service, task) : [];
  if (registered.length > 0 && task.lastStatus === 'RUNNING') {
    task.lastStatus = 'DEACTIVATING';
    for (const target of registered) {
      target.state = 'draining';
      target.since = now;
    }
    task.nextAt = now + TIMING.deregistrationDelay * 1000;
  } else {
    deregister(world, service, task);
    task.lastStatus = 'STOPPING';
    task.nextAt = now + TIMING.stopping * 1000;
  }
}

function targetsOf(world: World, service: ServiceRecord, task: TaskRecord) {
  return service.loadBalancers.flatMap((lb) => world.targetGroups.get(lb.targetGroupArn)?.targets.filter((t) => t.taskId === task.id) ?? []);
}

function deregister(world: World, service: ServiceRecord | undefined, task: TaskRecord): void {
  for (const lb of service?.loadBalancers ?? []) {
    const group = world.targetGroups.get(lb.targetGroupArn);
    if (group) group.targets = group.targets.filter((t) => t.taskId !== task.id);
  }
}

function advanceTask(world: World, cluster: ClusterRecord, task: TaskRecord, now: number): void {
  const service = cluster.services.get(task.service);
  if (task.lastStatus === 'RUNNING') {
    if (task.crashAt !== undefined && now >= task.crashAt) crash(world, cluster, service, task, now);
    else if (service) promoteHealthyTargets(world, service, task, now);
    return;
  }
  if (now < task.nextAt) return;
  switch (task.lastStatus) {
    case 'PROVISIONING':
      task.lastStatus = 'PENDING';
      task.pullStartedAt = now;
      task.nextAt = now + TIMING.pending * 1000;
      break;
    case 'PENDING':
      start(world, service, task, now);
      break;
    case 'DEACTIVATING':
      deregister(world, service, task);
      task.lastStatus = 'STOPPING';
      task.nextAt = now + TIMING.stopping * 1000;
      break;
    case 'STOPPING':
      task.lastStatus = 'STOPPED';
      task.stoppedAt = now;
      if (task.exitCode === undefined) task.exitCode = 0;
      break;
  }
}

function start(world: World, service: ServiceRecord | undefined, task: TaskRecord, now: number): void {
  task.lastStatus = 'RUNNING';
  task.startedAt = now;
  const image = world.taskDefinitionByRef(task.taskDefinition)?.containerDefinitions.find((c) => c.essential)?.image ?? '';
  if (world.isBadImage(image)) {
    task.crashAt = now + TIMING.badImageExit * 1000;
    task.crashKind = 'bad-image';
  } else if (world.isFlakyImage(image)) {
    task.crashAt = now + Math.round(-Math.log(1 - world.rng.next()) * TIMING.flakyMeanLifetime) * 1000;
    task.crashKind = 'oom';
  }
  for (const lb of service?.loadBalancers ?? []) {
    world.targetGroups.get(lb.targetGroupArn)?.targets.push({
      id: task.privateIp,
      port: lb.containerPort,
      taskId: task.id,
      state: 'initial',
      since: now,
      availabilityZone: task.availabilityZone,
    });
  }
  if (service && service.loadBalancers.length > 0) {
    addEvent(world, service, now, `registered 1 targets in (target-group ${service.loadBalancers[0]!.targetGroupArn})`);
  }
}

function promoteHealthyTargets(world: World, service: ServiceRecord, task: TaskRecord, now: number): void {
  for (const target of targetsOf(world, service, task)) {
    if (target.state === 'initial' && now - target.since >= TIMING.healthyAfter * 1000) {
      target.state = 'healthy';
      target.since = now;
    }
  }
}

function crash(world: World, cluster: ClusterRecord, service: ServiceRecord | undefined, task: TaskRecord, now: number): void {
  const everHealthy = service ? targetsOf(world, service, task).some((t) => t.state === 'healthy') : true;
  const oom = task.crashKind === 'oom';
  task.exitCode = oom ? 137 : 1;
  task.containerReason = oom ? 'OutOfMemoryError: Container killed due to memory usage' : undefined;
  task.crashAt = undefined;
  stopTask(world, cluster, task, now, 'EssentialContainerExited', 'Essential container in task exited');
  // Drain nothing: a crashed container is gone at once.
  deregister(world, service, task);
  task.lastStatus = 'STOPPING';
  task.nextAt = now + TIMING.stopping * 1000;
  const deployment = service?.deployments.find((d) => d.id === task.deploymentId);
  if (service && deployment && (!oom || !everHealthy)) {
    deployment.failedTasks++;
    deployment.updatedAt = now;
    const history = historyOf(service, deployment);
    if (history) history.failureCount = deployment.failedTasks;
  }
  if (service && service.loadBalancers.length > 0) {
    addEvent(world, service, now, `deregistered 1 targets in (target-group ${service.loadBalancers[0]!.targetGroupArn})`);
  }
}

/** A service's tasks that are not yet stopped, gathered once per tick. */
const liveTasks = (tasks: TaskRecord[], deploymentId: string) => tasks.filter((t) => t.deploymentId === deploymentId && t.desiredStatus === 'RUNNING');

function isHealthy(world: World, service: ServiceRecord, task: TaskRecord): boolean {
  if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return false;
  // Without a load balancer, a task counts once it has stayed up through the health-check period.
  if (service.loadBalancers.length === 0) return task.startedAt !== undefined && world.tickedTo - task.startedAt >= TIMING.healthyAfter * 1000;
  const targets = targetsOf(world, service, task);
  return targets.length > 0 && targets.every((t) => t.state === 'healthy');
}

/** The ECS service scheduler: launch, drain, fail, roll back and complete, as ECS does. */
function reconcileService(world: World, cluster: ClusterRecord, service: ServiceRecord, tasks: TaskRecord[], now: number): void {
  const primary = service.deployments[0];
  if (!primary) return;
  tripCircuitBreaker(world, service, primary, now);
  const current = service.deployments[0]!;
  const desired = current.desiredCount;
  const live = liveTasks(tasks, current.id);

  if (live.length < desired) {
    const totalLive = service.deployments.reduce((n, d) => n + liveTasks(tasks, d.id).length, 0);
    const room = Math.floor((desired * service.maximumPercent) / 100) - totalLive;
    const count = Math.min(desired - live.length, Math.max(0, room));
    const started = Array.from({ length: count }, () => launchTask(world, cluster, service, current, now));
    tasks.push(...started);
    if (started.length > 0) addEvent(world, service, now, `has started ${started.length} tasks: ${started.map((t) => `(task ${t.id})`).join(' ')}.`);
  } else if (live.length > desired) {
    const excess = [...live].sort((a, b) => Number(a.lastStatus === 'RUNNING') - Number(b.lastStatus === 'RUNNING') || b.createdAt - a.createdAt).slice(0, live.length - desired);
    for (const task of excess) stopTask(world, cluster, task, now, 'ServiceSchedulerInitiated', `Scaling activity initiated by (deployment ${current.id})`);
    addEvent(world, service, now, `has stopped ${excess.length} running tasks: ${excess.map((t) => `(task ${t.id})`).join(' ')}.`);
  }

  drainOldDeployments(world, cluster, service, tasks, now);
  completeRollout(world, service, tasks, now);
}

function drainOldDeployments(world: World, cluster: ClusterRecord, service: ServiceRecord, tasks: TaskRecord[], now: number): void {
  const [primary, ...olds] = service.deployments;
  if (!primary || olds.length === 0) return;
  const minHealthy = Math.ceil((primary.desiredCount * service.minimumHealthyPercent) / 100);
  let healthyAll = service.deployments.reduce((n, d) => n + liveTasks(tasks, d.id).filter((t) => isHealthy(world, service, t)).length, 0);
  const stopped: TaskRecord[] = [];
  for (const old of olds) {
    for (const task of liveTasks(tasks, old.id)) {
      const healthy = isHealthy(world, service, task);
      if (healthy && healthyAll - 1 < minHealthy) continue;
      if (healthy) healthyAll--;
      stopTask(world, cluster, task, now, 'ServiceSchedulerInitiated', `Scaling activity initiated by (deployment ${primary.id})`);
      stopped.push(task);
    }
  }
  if (stopped.length > 0) {
    if (service.loadBalancers.length > 0) addEvent(world, service, now, `has begun draining connections on ${stopped.length} tasks.`);
    addEvent(world, service, now, `has stopped ${stopped.length} running tasks: ${stopped.map((t) => `(task ${t.id})`).join(' ')}.`);
  }
  // A failed deployment stays listed until the rollback that replaced it completes, as in ECS.
  service.deployments = service.deployments.filter(
    (d, i) => i === 0 || tasks.some((t) => t.deploymentId === d.id && t.lastStatus !== 'STOPPED') || (d.rolloutState === 'FAILED' && primary.rolloutState === 'IN_PROGRESS'),
  );
}

function tripCircuitBreaker(world: World, service: ServiceRecord, primary: DeploymentRecord, now: number): void {
  if (!service.circuitBreaker.enable || primary.rolloutState !== 'IN_PROGRESS') return;
  if (primary.failedTasks < circuitBreakerThreshold(primary.desiredCount)) return;
  primary.rolloutState = 'FAILED';
  primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
  primary.updatedAt = now;
  addEvent(world, service, now, `(deployment ${primary.id}) deployment failed: tasks failed to start.`);
  const history = historyOf(service, primary);
  const rollbackTo = primary.rollbackTo;
  if (!service.circuitBreaker.rollback || !rollbackTo) {
    if (history) Object.assign(history, { status: 'STOPPED', statusReason: primary.rolloutStateReason, finishedAt: now });
    return;
  }
  const rollback = startDeployment(world, service, rollbackTo, now, {
    isRollback: true,
    reason: `ECS deployment circuit breaker: rolling back to deploymentId ${primary.id}.`,
  });
  rollback.rolloutStateReason = `ECS deployment circuit breaker: rolling back from ${primary.id}.`;
  if (history) {
    history.status = 'ROLLBACK_IN_PROGRESS';
    history.statusReason = primary.rolloutStateReason;
    history.rollback = { reason: 'ECS deployment circuit breaker: tasks failed to start.', startedAt: now, serviceRevisionArn: historyOf(service, rollback)!.serviceRevisionArn };
  }
  const rollbackHistory = historyOf(service, rollback);
  if (rollbackHistory) rollbackHistory.sourceRevisionArns = history ? [history.serviceRevisionArn] : [];
  addEvent(world, service, now, `rolling back to deployment ${rollback.id}.`);
}

function completeRollout(world: World, service: ServiceRecord, tasks: TaskRecord[], now: number): void {
  const primary = service.deployments[0]!;
  if (primary.rolloutState !== 'IN_PROGRESS') return;
  const holdsTasks = (id: string) => tasks.some((t) => t.deploymentId === id && t.lastStatus !== 'STOPPED');
  if (service.deployments.slice(1).some((d) => holdsTasks(d.id))) return;
  const live = liveTasks(tasks, primary.id);
  if (live.length !== primary.desiredCount || !live.every((t) => isHealthy(world, service, t))) return;
  service.deployments = [primary];
  primary.rolloutState = 'COMPLETED';
  primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
  primary.updatedAt = now;
  const history = historyOf(service, primary);
  if (history) Object.assign(history, { status: 'SUCCESSFUL', finishedAt: now });
  for (const failed of service.history.filter((h) => h.status === 'ROLLBACK_IN_PROGRESS')) {
    Object.assign(failed, { status: 'ROLLBACK_SUCCESSFUL', finishedAt: now });
  }
  addEvent(world, service, now, `(deployment ${primary.id}) deployment completed.`);
  addEvent(world, service, now, 'has reached a steady state.');
}

function pruneStoppedTasks(cluster: ClusterRecord, now: number): void {
  for (const [id, task] of cluster.tasks) {
    if (task.lastStatus === 'STOPPED' && task.stoppedAt !== undefined && now - task.stoppedAt > TIMING.keepStopped * 1000) cluster.tasks.delete(id);
  }
}
