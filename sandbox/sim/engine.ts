import type { BlueGreenState, ClusterRecord, DeploymentRecord, HookRun, LifecycleStage, ListenerRecord, LoadBalancerBinding, ServiceDeploymentHistory, ServiceRecord, TaskRecord, World } from './world';

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
  /** A BLUE_GREEN lifecycle stage with nothing to wait for lasts this long. */
  blueGreenStage: 3,
  /** A Lambda lifecycle hook answers after this long. */
  lambdaHook: 5,
} as const;

/** The stages of a native BLUE_GREEN deployment, in order. */
export const BLUE_GREEN_STAGES: LifecycleStage[] = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
];

/**
 * Sandbox convention for AWS_LAMBDA hooks (the sandbox runs no Lambda): a function whose name
 * contains "pause" waits for ContinueServiceDeployment like a PAUSE hook; one containing "fail"
 * answers FAILED (the deployment rolls back); any other succeeds after TIMING.lambdaHook seconds.
 */
export function lambdaHookBehaviour(hookTargetArn: string | undefined): 'pause' | 'fail' | 'succeed' {
  const fn = (hookTargetArn ?? '').split(':function:')[1]?.split(':')[0] ?? hookTargetArn ?? '';
  if (/pause/i.test(fn)) return 'pause';
  if (/fail/i.test(fn)) return 'fail';
  return 'succeed';
}

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
 * or a new deployment is forced. The previous primary keeps its tasks until the new one is healthy
 * (ROLLING), or until the bake time after the production traffic shift is over (BLUE_GREEN).
 */
export function startDeployment(
  world: World,
  service: ServiceRecord,
  taskDefinition: string,
  now: number,
  options: { isRollback?: boolean; reason?: string } = {},
): DeploymentRecord {
  // A blue/green deployment still under way is superseded: traffic back to blue, green stopped.
  const underway = service.deployments[0];
  if (underway?.blueGreen && underway.blueGreen.stage !== 'DONE') supersedeBlueGreen(world, service, underway, now);
  const previous = service.deployments[0];
  const id = newDeploymentId(world);
  const serviceDeploymentId = world.rng.digits(19);
  const blueGreen = service.strategy === 'BLUE_GREEN' && service.loadBalancers.some((lb) => lb.advancedConfiguration);
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
    // Green registers in the alternate target group; a rolling deployment where the service points now.
    loadBalancers: service.loadBalancers.map((lb) =>
      blueGreen && lb.advancedConfiguration ? { targetGroupArn: lb.advancedConfiguration.alternateTargetGroupArn, containerName: lb.containerName, containerPort: lb.containerPort } : { ...lb },
    ),
  };
  if (blueGreen) {
    deployment.blueGreen = {
      stage: 'RECONCILE_SERVICE',
      stageSince: now,
      blueDeploymentId: previous?.id ?? null,
      productionShifted: false,
      testShifted: false,
      hooks: [],
      hooksDoneFor: [],
      rollingBack: false,
    };
  }
  if (previous) {
    previous.status = 'ACTIVE';
    previous.updatedAt = now;
    const previousHistory = historyOf(service, previous);
    if (previousHistory && (previousHistory.status === 'IN_PROGRESS' || previousHistory.status === 'PENDING')) {
      previousHistory.status = 'STOPPED';
      previousHistory.statusReason = 'Superseded by a newer deployment.';
      previousHistory.finishedAt = now;
      previousHistory.stoppedAt = now;
    }
  }
  service.deployments.unshift(deployment);
  const revisionArn = world.arn('ecs', `service-revision/${service.cluster}/${service.name}/${world.rng.digits(19)}`);
  world.serviceRevisions.set(revisionArn, {
    arn: revisionArn,
    serviceArn: service.arn,
    clusterArn: world.arn('ecs', `cluster/${service.cluster}`),
    taskDefinition,
    loadBalancers: service.loadBalancers.map((lb) => ({ ...lb })),
    createdAt: now,
  });
  const source = previous ? historyOf(service, previous) : service.history[0];
  service.history.unshift({
    arn: deployment.serviceDeploymentArn,
    deploymentId: id,
    serviceRevisionArn: revisionArn,
    sourceRevisionArns: source ? [source.serviceRevisionArn] : [],
    taskDefinition,
    status: 'IN_PROGRESS',
    createdAt: now,
    startedAt: now,
    updatedAt: now,
    lifecycleStage: blueGreen ? 'RECONCILE_SERVICE' : undefined,
    failureCount: 0,
    threshold: circuitBreakerThreshold(service.desiredCount),
    circuitBreakerEnabled: service.circuitBreaker.enable,
  });
  if (blueGreen) enterStage(world, service, deployment, 'RECONCILE_SERVICE', now);
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

/** A task's targets in every group: it registered where its deployment pointed, which may no longer be the service's binding. */
function targetsOf(world: World, _service: ServiceRecord, task: TaskRecord) {
  const found = [];
  for (const group of world.targetGroups.values()) for (const t of group.targets) if (t.taskId === task.id) found.push(t);
  return found;
}

function deregister(world: World, _service: ServiceRecord | undefined, task: TaskRecord): void {
  for (const group of world.targetGroups.values()) {
    if (group.targets.some((t) => t.taskId === task.id)) group.targets = group.targets.filter((t) => t.taskId !== task.id);
  }
}

/** Where a task registers: its deployment's binding (green's alternate group), else the service's. */
function bindingOf(service: ServiceRecord | undefined, task: TaskRecord): LoadBalancerBinding[] {
  const deployment = service?.deployments.find((d) => d.id === task.deploymentId);
  return deployment?.loadBalancers ?? service?.loadBalancers ?? [];
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
  const binding = bindingOf(service, task);
  for (const lb of binding) {
    world.targetGroups.get(lb.targetGroupArn)?.targets.push({
      id: task.privateIp,
      port: lb.containerPort,
      taskId: task.id,
      state: 'initial',
      since: now,
      availabilityZone: task.availabilityZone,
    });
  }
  if (service && binding.length > 0) {
    addEvent(world, service, now, `registered 1 targets in (target-group ${binding[0]!.targetGroupArn})`);
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
  if (!service.deployments[0]) return;
  actOnStopRequests(world, cluster, service, now);
  const primary = service.deployments[0]!;
  if (primary.frozen) return;
  if (primary.blueGreen && primary.blueGreen.stage !== 'DONE') {
    advanceBlueGreen(world, cluster, service, primary, tasks, now);
    return;
  }
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
  if (!service.circuitBreaker.rollback || !primary.rollbackTo) {
    if (history) Object.assign(history, { status: 'STOPPED', statusReason: primary.rolloutStateReason, finishedAt: now, stoppedAt: now, updatedAt: now });
    return;
  }
  rollBackRolling(world, service, primary, now, 'ECS deployment circuit breaker: tasks failed to start.', `ECS deployment circuit breaker: rolling back to deploymentId ${primary.id}.`);
}

/** The task definition a deployment returns to: the last completed one, else its source revision's. */
export function rollbackTargetOf(world: World, service: ServiceRecord, deployment: DeploymentRecord): string | null {
  if (deployment.rollbackTo) return deployment.rollbackTo;
  const source = historyOf(service, deployment)?.sourceRevisionArns[0];
  return (source && world.serviceRevisions.get(source)?.taskDefinition) || null;
}

/**
 * Rolls a ROLLING deployment back, as the circuit breaker and StopServiceDeployment(ROLLBACK) do:
 * a new deployment of the previous revision replaces it; its record goes ROLLBACK_IN_PROGRESS and
 * then ROLLBACK_SUCCESSFUL once the rollback completes.
 */
function rollBackRolling(world: World, service: ServiceRecord, failed: DeploymentRecord, now: number, reason: string, deploymentReason: string): void {
  const history = historyOf(service, failed);
  const target = rollbackTargetOf(world, service, failed);
  if (!target) {
    if (history) Object.assign(history, { status: 'ROLLBACK_FAILED', statusReason: 'No previous service revision to roll back to.', finishedAt: now, updatedAt: now });
    return;
  }
  if (failed.rolloutState === 'IN_PROGRESS') {
    failed.rolloutState = 'FAILED';
    failed.rolloutStateReason = reason;
    failed.updatedAt = now;
  }
  const rollback = startDeployment(world, service, target, now, { isRollback: true, reason: deploymentReason });
  rollback.rolloutStateReason = `${deploymentReason.replace(/rolling back to deploymentId/, 'rolling back from')}`;
  const rollbackHistory = historyOf(service, rollback)!;
  if (history) {
    history.status = 'ROLLBACK_IN_PROGRESS';
    history.statusReason = reason;
    history.updatedAt = now;
    history.finishedAt = undefined;
    history.stoppedAt = undefined;
    history.rollback = { reason, startedAt: now, serviceRevisionArn: rollbackHistory.serviceRevisionArn };
  }
  rollbackHistory.sourceRevisionArns = history ? [history.serviceRevisionArn] : [];
  addEvent(world, service, now, `rolling back to deployment ${rollback.id}.`);
}

/** StopServiceDeployment's requests, acted on at the scheduler's next tick. */
function actOnStopRequests(world: World, cluster: ClusterRecord, service: ServiceRecord, now: number): void {
  for (const deployment of [...service.deployments]) {
    const request = deployment.stopRequested;
    if (!request) continue;
    deployment.stopRequested = undefined;
    const history = historyOf(service, deployment);
    if (request.stopType === 'ROLLBACK') {
      if (deployment.blueGreen && deployment.blueGreen.stage !== 'DONE') rollBackBlueGreen(world, cluster, service, deployment, now, request.reason);
      else rollBackRolling(world, service, deployment, now, request.reason, `Service deployment rolled back by user: rolling back to deploymentId ${deployment.id}.`);
    } else {
      deployment.frozen = true;
      deployment.rolloutState = 'FAILED';
      deployment.rolloutStateReason = request.reason;
      deployment.updatedAt = now;
      if (history) Object.assign(history, { status: 'STOPPED', statusReason: request.reason, stoppedAt: now, finishedAt: now, updatedAt: now });
      addEvent(world, service, now, `(deployment ${deployment.id}) deployment stopped.`);
    }
  }
}

// ---- native BLUE_GREEN deployments ----------------------------------------------------------

function hooksFor(service: ServiceRecord, stage: LifecycleStage) {
  const names = stage === 'PRODUCTION_TRAFFIC_SHIFT' ? ['PRE_PRODUCTION_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'] : [stage];
  return (service.lifecycleHooks ?? []).filter((h) => h.lifecycleStages.some((s) => names.includes(s)));
}

function enterStage(world: World, service: ServiceRecord, green: DeploymentRecord, stage: LifecycleStage, now: number): void {
  const bg = green.blueGreen!;
  bg.stage = stage;
  bg.stageSince = now;
  bg.hooks = hooksFor(service, stage).map((hook): HookRun => {
    const behaviour = hook.targetType === 'PAUSE' ? 'pause' : lambdaHookBehaviour(hook.hookTargetArn);
    const timeout = hook.timeoutConfiguration;
    return {
      hookId: `ecs-${behaviour === 'pause' ? 'pause' : 'hook'}-${world.rng.hex(24)}`,
      targetType: hook.targetType,
      targetArn: hook.hookTargetArn,
      status: behaviour === 'pause' ? 'AWAITING_ACTION' : 'IN_PROGRESS',
      doneAt: behaviour === 'pause' ? undefined : now + TIMING.lambdaHook * 1000,
      // A Lambda that fails is reported at doneAt; kept on the run as its outcome.
      expiresAt: timeout?.timeoutInMinutes !== undefined ? now + timeout.timeoutInMinutes * 60_000 : undefined,
      timeoutAction: timeout?.action,
      ...(behaviour === 'fail' ? { failing: true } : {}),
    } as HookRun;
  });
  const history = historyOf(service, green);
  if (history) Object.assign(history, { lifecycleStage: stage, updatedAt: now });
  if (bg.hooks.some((h) => h.status === 'AWAITING_ACTION')) {
    addEvent(world, service, now, `(deployment ${green.id}) is paused at lifecycle stage ${stage}, waiting for ContinueServiceDeployment.`);
  }
}

/** Points a listener's traffic from one target group to another, keeping the total weight. */
function shiftListener(world: World, listenerArn: string | undefined, from: string, to: string): void {
  const listener: ListenerRecord | undefined = listenerArn ? world.listeners.get(listenerArn) : undefined;
  if (!listener) return;
  const fromWeight = listener.forwards.find((f) => f.targetGroupArn === from)?.weight ?? 0;
  if (listener.forwards.some((f) => f.targetGroupArn === to)) {
    listener.forwards = listener.forwards.map((f) =>
      f.targetGroupArn === to ? { ...f, weight: f.weight + fromWeight } : f.targetGroupArn === from ? { ...f, weight: 0 } : f,
    );
  } else {
    listener.forwards = listener.forwards.map((f) => (f.targetGroupArn === from ? { ...f, targetGroupArn: to } : f));
  }
}

function shiftTraffic(world: World, service: ServiceRecord, kind: 'production' | 'test', direction: 'to-green' | 'to-blue'): void {
  for (const lb of service.loadBalancers) {
    const ac = lb.advancedConfiguration;
    if (!ac) continue;
    const listener = kind === 'production' ? ac.productionListenerRule : ac.testListenerRule;
    const [from, to] = direction === 'to-green' ? [lb.targetGroupArn, ac.alternateTargetGroupArn] : [ac.alternateTargetGroupArn, lb.targetGroupArn];
    shiftListener(world, listener, from, to);
  }
}

/** Settles the current stage's hooks; true when all succeeded (the stage's own work may go on). */
function settleHooks(world: World, cluster: ClusterRecord, service: ServiceRecord, green: DeploymentRecord, now: number): boolean {
  const bg = green.blueGreen!;
  for (const hook of bg.hooks) {
    if (hook.status === 'IN_PROGRESS' && hook.doneAt !== undefined && now >= hook.doneAt) {
      hook.status = (hook as HookRun & { failing?: boolean }).failing ? 'FAILED' : 'SUCCEEDED';
      if (hook.status === 'FAILED') {
        rollBackBlueGreen(world, cluster, service, green, now, `Lifecycle hook ${hook.targetArn ?? hook.hookId} failed at ${bg.stage}.`);
        return false;
      }
    }
    if ((hook.status === 'AWAITING_ACTION' || hook.status === 'IN_PROGRESS') && hook.expiresAt !== undefined && now >= hook.expiresAt) {
      hook.status = 'TIMED_OUT';
      if ((hook.timeoutAction ?? 'ROLLBACK') === 'ROLLBACK') {
        rollBackBlueGreen(world, cluster, service, green, now, `Lifecycle hook ${hook.hookId} timed out at ${bg.stage}.`);
        return false;
      }
    }
  }
  return bg.hooks.every((h) => h.status === 'SUCCEEDED' || h.status === 'TIMED_OUT');
}

/**
 * Answers a hook waiting in the current stage (ContinueServiceDeployment). Returns an error text
 * when the hook is unknown or not waiting.
 */
export function continueHook(world: World, service: ServiceRecord, green: DeploymentRecord, hookId: string, action: 'CONTINUE' | 'ROLLBACK', now: number): string | null {
  const bg = green.blueGreen;
  const hook = bg?.hooks.find((h) => h.hookId === hookId);
  if (!bg || !hook) return `Lifecycle hook ${hookId} was not found in the service deployment's current lifecycle stage.`;
  if (hook.status !== 'AWAITING_ACTION') return `Lifecycle hook ${hookId} is not awaiting action (status ${hook.status}).`;
  hook.status = 'SUCCEEDED';
  hook.doneAt = now;
  if (action === 'ROLLBACK') {
    green.stopRequested = { stopType: 'ROLLBACK', reason: `Rolled back at lifecycle hook ${hookId} (${bg.stage}).`, at: now };
    const history = historyOf(service, green);
    if (history) Object.assign(history, { status: 'ROLLBACK_REQUESTED', updatedAt: now });
  } else {
    addEvent(world, service, now, `(deployment ${green.id}) continued past lifecycle stage ${bg.stage}.`);
  }
  return null;
}

function advanceBlueGreen(world: World, cluster: ClusterRecord, service: ServiceRecord, green: DeploymentRecord, tasks: TaskRecord[], now: number): void {
  const bg = green.blueGreen!;
  const live = liveTasks(tasks, green.id);
  if (bg.rollingBack) {
    finishBlueGreenRollback(world, service, green, live, now);
    return;
  }
  if (green.failedTasks >= circuitBreakerThreshold(green.desiredCount)) {
    rollBackBlueGreen(world, cluster, service, green, now, 'ECS deployment circuit breaker: tasks failed to start.');
    return;
  }
  const stageIndex = BLUE_GREEN_STAGES.indexOf(bg.stage as LifecycleStage);
  // From SCALE_UP on, green runs at the full desired count beside blue (crashed tasks are replaced).
  if (stageIndex >= BLUE_GREEN_STAGES.indexOf('SCALE_UP') && live.length < green.desiredCount && bg.stage !== 'CLEAN_UP') {
    const started = Array.from({ length: green.desiredCount - live.length }, () => launchTask(world, cluster, service, green, now));
    tasks.push(...started);
    addEvent(world, service, now, `has started ${started.length} tasks: ${started.map((t) => `(task ${t.id})`).join(' ')}.`);
    return;
  }
  if (!settleHooks(world, cluster, service, green, now)) return;
  const waited = now - bg.stageSince;
  switch (bg.stage) {
    case 'SCALE_UP':
      if (live.length < green.desiredCount || !live.every((t) => isHealthy(world, service, t))) return;
      break;
    case 'TEST_TRAFFIC_SHIFT':
      if (!bg.testShifted) {
        shiftTraffic(world, service, 'test', 'to-green');
        bg.testShifted = true;
      }
      if (waited < TIMING.blueGreenStage * 1000) return;
      break;
    case 'PRODUCTION_TRAFFIC_SHIFT':
      if (!bg.productionShifted) {
        shiftTraffic(world, service, 'production', 'to-green');
        bg.productionShifted = true;
        addEvent(world, service, now, `(deployment ${green.id}) shifted production traffic to the green target group.`);
      }
      if (waited < TIMING.blueGreenStage * 1000) return;
      break;
    case 'BAKE_TIME':
      if (waited < Math.max((service.bakeTimeInMinutes ?? 0) * 60_000, TIMING.blueGreenStage * 1000)) return;
      break;
    case 'CLEAN_UP': {
      const blueLive = service.deployments.filter((d) => d !== green).flatMap((d) => liveTasks(tasks, d.id));
      for (const task of blueLive) stopTask(world, cluster, task, now, 'ServiceSchedulerInitiated', `Scaling activity initiated by (deployment ${green.id})`);
      if (blueLive.length > 0) addEvent(world, service, now, `has stopped ${blueLive.length} running tasks: ${blueLive.map((t) => `(task ${t.id})`).join(' ')}.`);
      if (tasks.some((t) => t.deploymentId !== green.id && t.lastStatus !== 'STOPPED' && service.deployments.some((d) => d.id === t.deploymentId))) return;
      finishBlueGreen(world, service, green, now);
      return;
    }
    default:
      if (waited < TIMING.blueGreenStage * 1000) return;
  }
  enterStage(world, service, green, BLUE_GREEN_STAGES[stageIndex + 1]!, now);
}

function finishBlueGreen(world: World, service: ServiceRecord, green: DeploymentRecord, now: number): void {
  green.blueGreen!.stage = 'DONE';
  green.rolloutState = 'COMPLETED';
  green.rolloutStateReason = `ECS deployment ${green.id} completed.`;
  green.updatedAt = now;
  service.deployments = [green];
  // The groups swap roles: green's group is production now, blue's the alternate for next time.
  service.loadBalancers = service.loadBalancers.map((lb) =>
    lb.advancedConfiguration
      ? { ...lb, targetGroupArn: lb.advancedConfiguration.alternateTargetGroupArn, advancedConfiguration: { ...lb.advancedConfiguration, alternateTargetGroupArn: lb.targetGroupArn } }
      : lb,
  );
  const history = historyOf(service, green);
  if (history) Object.assign(history, { status: 'SUCCESSFUL', finishedAt: now, updatedAt: now });
  addEvent(world, service, now, `(deployment ${green.id}) deployment completed.`);
  addEvent(world, service, now, 'has reached a steady state.');
}

/** Rolls a blue/green deployment back: traffic returns to blue at once, green's tasks stop. */
function rollBackBlueGreen(world: World, cluster: ClusterRecord, service: ServiceRecord, green: DeploymentRecord, now: number, reason: string): void {
  const bg = green.blueGreen!;
  if (bg.rollingBack) return;
  bg.rollingBack = true;
  if (bg.productionShifted) shiftTraffic(world, service, 'production', 'to-blue');
  if (bg.testShifted) shiftTraffic(world, service, 'test', 'to-blue');
  bg.productionShifted = false;
  bg.testShifted = false;
  for (const hook of bg.hooks) if (hook.status === 'AWAITING_ACTION' || hook.status === 'IN_PROGRESS') hook.status = 'FAILED';
  green.rolloutState = 'FAILED';
  green.rolloutStateReason = reason;
  green.updatedAt = now;
  for (const task of cluster.tasks.values()) {
    if (task.deploymentId === green.id && task.desiredStatus === 'RUNNING') stopTask(world, cluster, task, now, 'ServiceSchedulerInitiated', `Rollback of (deployment ${green.id})`);
  }
  const history = historyOf(service, green);
  const blue = service.deployments.find((d) => d.id === bg.blueDeploymentId);
  const blueHistory = blue ? historyOf(service, blue) : undefined;
  if (history) {
    Object.assign(history, {
      status: 'ROLLBACK_IN_PROGRESS',
      statusReason: reason,
      updatedAt: now,
      rollback: { reason, startedAt: now, serviceRevisionArn: blueHistory?.serviceRevisionArn ?? history.sourceRevisionArns[0] ?? '' },
    });
  }
  addEvent(world, service, now, `(deployment ${green.id}) rolling back: ${reason}`);
}

function finishBlueGreenRollback(world: World, service: ServiceRecord, green: DeploymentRecord, liveGreen: TaskRecord[], now: number): void {
  if (liveGreen.length > 0) return;
  const bg = green.blueGreen!;
  bg.stage = 'DONE';
  const blue = service.deployments.find((d) => d.id === bg.blueDeploymentId);
  service.deployments = service.deployments.filter((d) => d !== green);
  if (blue) {
    service.deployments = [blue, ...service.deployments.filter((d) => d !== blue)];
    blue.status = 'PRIMARY';
    blue.rolloutState = 'COMPLETED';
    blue.updatedAt = now;
  }
  const history = historyOf(service, green);
  if (history) Object.assign(history, { status: 'ROLLBACK_SUCCESSFUL', finishedAt: now, updatedAt: now });
  addEvent(world, service, now, `(deployment ${green.id}) rollback completed.`);
  addEvent(world, service, now, 'has reached a steady state.');
}

/** A newer UpdateService replaces a blue/green deployment under way: it is stopped and blue serves again. */
function supersedeBlueGreen(world: World, service: ServiceRecord, green: DeploymentRecord, now: number): void {
  const cluster = world.clusters.get(service.cluster);
  if (!cluster) return;
  const bg = green.blueGreen!;
  if (!bg.rollingBack) rollBackBlueGreen(world, cluster, service, green, now, 'Superseded by a newer deployment.');
  bg.stage = 'DONE';
  const history = historyOf(service, green);
  if (history) Object.assign(history, { status: 'STOPPED', statusReason: 'Superseded by a newer deployment.', finishedAt: now, stoppedAt: now, rollback: undefined });
  const blue = service.deployments.find((d) => d.id === bg.blueDeploymentId);
  if (blue) {
    service.deployments = [blue, ...service.deployments.filter((d) => d !== blue)];
    blue.status = 'PRIMARY';
  }
}

/** Blue/green details for the API: the current stage's hooks. */
export function hookDetailsOf(service: ServiceRecord, history: ServiceDeploymentHistory): HookRun[] {
  const deployment = service.deployments.find((d) => d.id === history.deploymentId);
  return deployment?.blueGreen && deployment.blueGreen.stage !== 'DONE' ? deployment.blueGreen.hooks : [];
}

export type { BlueGreenState };

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
