import { describeServiceDeployments, describeServices, listServiceDeployments } from '../aws/ecs';
import type { Service } from '../aws/types';
import { isAppError } from '../errors';
import { atPlace, placeIn, type OpsContext } from './context';
import { isListenerSwitch, listenerSwitchStep } from './bluegreen';
import { appliedIn } from './execute';
import { alarmsNotApplied } from './alarms';
import { EXECUTION_STALE_MS } from './start';
import { describeListeners } from '../aws/elbv2';
import { acquireLock, heartbeatLock, releaseLock, lockKeyOf } from './lock';
import { startFollowUpRollback } from './follow-up';
import { auditVerify, completeDanglingIntents } from './op-audit';
import { readMetrics } from './readings';
import { policyFor, type EnvironmentPolicy } from './policy-config';
import { finish, loadRow, patchOperation, toOperation, withStep, type ExecutionState, type OperationRow } from './store';
import type { Operation, OperationStatus, Plan, TriggerReading } from './types';

/**
 * How long after the unanswered call an unknown outcome is still read back from AWS before the
 * operation is declared failed (wall time): AWS applies a call within seconds or not at all.
 */
const UNKNOWN_OUTCOME_WINDOW_MS = 40_000;

const STEPPABLE: OperationStatus[] = ['awaiting_approval', 'executing', 'verifying', 'paused', 'outcome_unknown'];

/**
 * One step of following an operation, as `aws ecs wait services-stable` would (one deployment,
 * running == desired) with the guide's rollback triggers watched until the bake time has passed.
 * Time is AWS's (`ctx.awsNow`), so a test advancing the sandbox clock moves bake and deadline too.
 * Idempotent and safe to call from several replicas: every transition is conditional on the status.
 */
export async function verifyStep(ctx: OpsContext, id: string): Promise<Operation> {
  let row = await loadRow(ctx.db, id);
  // In the service's account and Region; what verification writes (a listener stage, a rollback) goes out in the requester's session.
  ctx = atPlace(ctx, row, row.requestedByName ?? row.requestedBySubject);
  if (!STEPPABLE.includes(row.status)) return toOperation(row);
  const { policy } = policyFor(ctx.policy, row.cluster, placeIn(ctx, row).environment);

  if (row.status === 'awaiting_approval') {
    if (row.approvalDeadline && row.approvalDeadline.getTime() < Date.now()) {
      await patchOperation(ctx.db, id, { status: 'expired', error: `no second operator approved before ${row.approvalDeadline.toISOString()}`, steps: withStep(row.steps, 'approve', 'failed', 'approval window closed') }, ['awaiting_approval']);
    }
    return toOperation(await loadRow(ctx.db, id));
  }
  if (row.status === 'executing') {
    // The executing process heartbeats the row; a row it stopped touching belongs to a process that is gone.
    if (Date.now() - row.updatedAt.getTime() < (ctx.execution?.staleMs ?? EXECUTION_STALE_MS)) return toOperation(row);
    const since = row.execution.pendingCall?.since ?? row.execution.startedAt ?? row.updatedAt.toISOString();
    const taken = await patchOperation(
      ctx.db,
      id,
      { status: 'outcome_unknown', execution: { ...row.execution, unknownSince: since }, steps: withStep(row.steps, 'execute', 'running', `the process executing it stopped${row.execution.pendingCall ? ` during ${row.execution.pendingCall.action}` : ''}; reconciling from AWS state`) },
      ['executing'],
    );
    if (!taken) return toOperation(await loadRow(ctx.db, id));
    row = taken;
  }

  // Keep (or, after a restart, take back) the lock; never act without it.
  const token = await keepLock(ctx, row);
  if (token === null) return toOperation(await loadRow(ctx.db, id));
  row = await loadRow(ctx.db, id);

  let service: Service;
  try {
    [service] = (await describeServices(ctx.aws, row.cluster, [row.service])) as [Service];
  } catch (e) {
    if (isAppError(e) && (e.code === 'rate_limited' || e.code === 'unavailable')) return toOperation(row); // try again next step
    throw e;
  }
  const exec: ExecutionState = { ...row.execution };

  if (row.status === 'outcome_unknown') {
    if (await landedIn(ctx, row, service)) {
      exec.deploymentId ??= service.deployments[0]?.id;
      delete exec.unknownSince;
      delete exec.pendingCall;
      const now = await ctx.awsNow();
      exec.verifyStartedAt ??= new Date(now).toISOString();
      exec.deadline ??= new Date(now + policy.verifyDeadlineSeconds * 1000).toISOString();
      let steps = withStep(row.steps, 'execute', 'done', 'reconciled from AWS state: the change is applied');
      steps = withStep(steps, 'verify', 'running', 'waiting for the rollout to become stable');
      const moved = await patchOperation(ctx.db, id, { status: 'verifying', execution: exec, steps }, ['outcome_unknown']);
      if (!moved) return toOperation(await loadRow(ctx.db, id));
      await completeDanglingIntents(ctx.db, moved, 'success', 'reconciled from AWS state after its process stopped or AWS did not answer: the change is applied');
      row = moved;
    } else {
      const since = Date.parse(exec.unknownSince ?? exec.pendingCall?.since ?? exec.startedAt ?? row.updatedAt.toISOString());
      if (Date.now() - since > UNKNOWN_OUTCOME_WINDOW_MS) {
        const notApplied = row.kind === 'alarms' && row.plan.target?.alarms ? await alarmsNotApplied(ctx, row.plan.target.alarms).catch(() => []) : [];
        const why = notApplied.length
          ? `AWS never confirmed ${exec.pendingCall?.action ?? 'the change'}, and CloudWatch does not show all of it (${notApplied.join('; ')}); nothing was retried. Plan again: the plan lists only what is left.`
          : `AWS never confirmed ${exec.pendingCall?.action ?? 'the change'} and the service does not show it; nothing was retried. Plan again.`;
        const done = await finish(ctx.db, id, { status: 'failed', error: why, steps: withStep(row.steps, 'execute', 'failed', 'outcome unknown, not applied') }, ['outcome_unknown']);
        if (done) {
          await releaseLock(ctx.db, lockKeyOf(row), id);
          await completeDanglingIntents(ctx.db, done, 'failure', why);
        }
      }
      return toOperation(await loadRow(ctx.db, id));
    }
  }

  if (row.kind === 'alarms') return verifyAlarms(ctx, row, policy);

  // Blue/green by listener switch has its own stages (lib/ops/bluegreen.ts).
  if (isListenerSwitch(row)) return listenerSwitchStep(ctx, row, service, token);

  const now = await ctx.awsNow();
  const plan = row.plan;
  const ours = exec.deploymentId ? service.deployments.find((d) => d.id === exec.deploymentId) : service.deployments[0];
  const primary = service.deployments[0];
  const tracked = ours ?? primary;
  const rollout = tracked
    ? { state: tracked.rolloutState ?? 'UNKNOWN', running: tracked.runningCount, desired: tracked.desiredCount, pending: tracked.pendingCount, failedTasks: tracked.failedTasks }
    : null;
  const stable = service.deployments.length === 1 && service.runningCount === service.desiredCount && (!exec.deploymentId || primary?.id === exec.deploymentId || row.kind === 'switch-traffic');
  const deadline = exec.deadline ? Date.parse(exec.deadline) : now + policy.verifyDeadlineSeconds * 1000;

  // PAUSE lifecycle hooks (native blue/green): the console's approval screen.
  if ((service.lifecycleHooks ?? []).some((h) => h.targetType === 'PAUSE') && !stable) {
    const paused = await pausedDeployment(ctx, row.cluster, row.service).catch(() => null);
    if (paused && row.status !== 'paused') {
      exec.serviceDeploymentArn = paused;
      await patchOperation(ctx.db, id, { status: 'paused', execution: exec, rollout, steps: withStep(row.steps, 'verify', 'running', 'paused at a lifecycle hook: continue or roll back') }, ['verifying']);
      return toOperation(await loadRow(ctx.db, id));
    }
  }

  const cbReason = (d: typeof primary) => /circuit breaker/i.test(d?.rolloutStateReason ?? '');
  const replaced = !!exec.deploymentId && !ours && primary?.id !== exec.deploymentId;
  const failedDeployment = tracked?.rolloutState === 'FAILED' || (replaced && row.kind !== 'switch-traffic') || (!stable && now > deadline);
  const circuit = cbReason(ours) || (replaced && cbReason(primary)) || (primary?.id !== exec.deploymentId && cbReason(primary) && !!exec.deploymentId);
  // A deploy or traffic switch is watched from its start; a rollback, scale or restart repairs or
  // reshapes what is there, so only the minutes after it became stable count.
  const watchFrom = row.kind === 'deploy' || row.kind === 'switch-traffic'
    ? Math.floor((exec.verifyStartedAt ? Date.parse(exec.verifyStartedAt) : now - 60_000) / 60_000) * 60_000
    : exec.stableAt ? Math.ceil(Date.parse(exec.stableAt) / 60_000) * 60_000 : null;
  const metrics = watchFrom !== null && now > watchFrom ? await readMetrics(ctx, service, watchFrom, now).catch(() => ({ errorRate: null, p95: null })) : { errorRate: null, p95: null };
  const triggers: TriggerReading[] = [
    { id: '5xx_rate', label: '5xx rate (worst minute)', value: round(metrics.errorRate), threshold: policy.thresholds.errorRatePercent, unit: '%', tripped: metrics.errorRate !== null && metrics.errorRate > policy.thresholds.errorRatePercent },
    { id: 'p95_latency', label: 'p95 latency (worst minute)', value: round(metrics.p95), threshold: policy.thresholds.p95LatencyMs, unit: 'ms', tripped: metrics.p95 !== null && metrics.p95 > policy.thresholds.p95LatencyMs },
    { id: 'deployment_failed', label: !stable && now > deadline ? 'Not stable before the deadline' : 'Deployment failed', value: null, threshold: null, unit: null, tripped: failedDeployment },
    { id: 'circuit_breaker', label: 'Circuit breaker', value: tracked?.failedTasks ?? null, threshold: null, unit: null, tripped: circuit },
  ];
  const tripped = triggers.filter((t) => t.tripped);

  if (tripped.length > 0) {
    const what = tripped
      .map((t) => (t.value !== null && t.threshold !== null ? `${t.label} ${t.value}${t.unit ?? ''} > ${t.threshold}${t.unit ?? ''}` : t.value !== null && t.id === 'circuit_breaker' ? `${t.label} (${t.value} failed tasks)` : t.label))
      .join(', ');
    // ECS's own circuit breaker may already have put the service back on the revision this deploy
    // started from: then there is nothing left to roll back, and proposing it would only be refused.
    const basis = row.plan.basis.taskDefinitionArn;
    const rolledBackByEcs = row.kind === 'deploy' && service.taskDefinitionArn === basis ? basis : null;
    return trip(ctx, row, policy, { triggers, rollout, exec, what, rolledBackByEcs });
  }

  let steps = row.steps;
  if (stable && !exec.stableAt) {
    exec.stableAt = new Date(now).toISOString();
    exec.bakeUntil = new Date(now + policy.bakeSeconds * 1000).toISOString();
    steps = withStep(steps, 'verify', 'running', `stable; baking for ${policy.bakeSeconds} s while the triggers are watched`);
  }
  if (stable && exec.bakeUntil && now >= Date.parse(exec.bakeUntil)) {
    steps = withStep(steps, 'verify', 'done', `stable, and no trigger tripped during the ${policy.bakeSeconds} s bake`);
    const done = await finish(ctx.db, id, { status: 'succeeded', triggers, rollout, execution: exec, steps });
    if (done) {
      await releaseLock(ctx.db, lockKeyOf(row), id);
      await auditVerify(ctx.db, row, 'success', { summary: plan.summary });
    }
    return toOperation(await loadRow(ctx.db, id));
  }
  if (!stable && exec.stableAt) {
    // A stable rollout that is no longer stable restarts the bake.
    delete exec.stableAt;
    delete exec.bakeUntil;
  }
  await patchOperation(ctx.db, id, { triggers, rollout, execution: exec, steps }, ['verifying', 'paused']);
  return toOperation(await loadRow(ctx.db, id));
}

async function trip(
  ctx: OpsContext,
  row: OperationRow,
  policy: EnvironmentPolicy,
  r: { triggers: TriggerReading[]; rollout: Operation['rollout']; exec: ExecutionState; what: string; rolledBackByEcs?: string | null },
): Promise<Operation> {
  const undoable = (row.kind === 'deploy' || row.kind === 'switch-traffic') && !r.rolledBackByEcs;
  const action = undoable ? policy.onTrigger : 'notify';
  const ecsNote = r.rolledBackByEcs ? ` ECS's deployment circuit breaker already rolled the service back to ${r.rolledBackByEcs.slice(r.rolledBackByEcs.lastIndexOf('/') + 1)}; there is nothing left to roll back.` : '';
  const steps = withStep(row.steps, 'verify', 'failed', `trigger tripped: ${r.what} → ${r.rolledBackByEcs ? 'already rolled back by ECS' : action}`);
  const status: OperationStatus = action === 'rollback' ? 'rolled_back' : 'failed';
  const error = `Rollback trigger tripped: ${r.what}.${action === 'propose' ? ' A rollback is proposed.' : action === 'rollback' ? ' Rolling back automatically.' : ecsNote}`;
  const done = await patchOperation(
    ctx.db,
    row.id,
    { status, error, triggers: r.triggers, rollout: r.rollout, execution: r.exec, steps, rollbackProposed: action === 'propose', fencingToken: null },
    ['verifying', 'paused'],
  );
  if (!done) return toOperation(await loadRow(ctx.db, row.id)); // another replica got there first
  await releaseLock(ctx.db, lockKeyOf(row), row.id);
  await auditVerify(ctx.db, row, 'failure', { tripped: r.what, action });
  if (action === 'rollback') await startFollowUpRollback(ctx, done, `trigger tripped: ${r.what}`);
  return toOperation(await loadRow(ctx.db, row.id));
}


/** Heartbeats the lock, or re-takes it after a restart; null (and the operation failed) when another operation holds it. */
async function keepLock(ctx: OpsContext, row: OperationRow): Promise<number | null> {
  if (row.fencingToken !== null && (await heartbeatLock(ctx.db, lockKeyOf(row), row.id, row.fencingToken, ctx.policy.lockTtlSeconds))) return row.fencingToken;
  try {
    const grant = await acquireLock(ctx.db, { ...lockKeyOf(row), operationId: row.id, holderSubject: row.requestedBySubject, holderName: row.requestedByName, ttlSeconds: ctx.policy.lockTtlSeconds });
    await patchOperation(ctx.db, row.id, { fencingToken: grant.token });
    return grant.token;
  } catch (e) {
    await finish(ctx.db, row.id, { status: 'failed', error: `lost the lock on ${row.service}: ${isAppError(e) ? e.message : 'unknown'}` });
    return null;
  }
}

/**
 * An alarms operation is verified by reading the alarms back: done when CloudWatch shows every
 * change, failed (saying which alarm differs and how) when it still does not at the deadline.
 * Nothing rolls out, so there is no bake and no trigger.
 */
async function verifyAlarms(ctx: OpsContext, row: OperationRow, policy: EnvironmentPolicy): Promise<Operation> {
  const target = row.plan.target?.alarms;
  let off: string[];
  try {
    off = target ? await alarmsNotApplied(ctx, target) : ['the plan names no alarms'];
  } catch (e) {
    if (isAppError(e) && (e.code === 'rate_limited' || e.code === 'unavailable')) return toOperation(row); // try again next step
    throw e;
  }
  const now = await ctx.awsNow();
  const deadline = row.execution.deadline ? Date.parse(row.execution.deadline) : now + policy.verifyDeadlineSeconds * 1000;
  if (off.length === 0) {
    const done = await finish(ctx.db, row.id, { status: 'succeeded', steps: withStep(row.steps, 'verify', 'done', 'CloudWatch shows every change') }, ['verifying']);
    if (done) {
      await releaseLock(ctx.db, lockKeyOf(row), row.id);
      await auditVerify(ctx.db, row, 'success', { summary: row.plan.summary });
    }
  } else if (now > deadline) {
    const why = `CloudWatch does not show the change: ${off.join('; ')}`;
    const done = await finish(ctx.db, row.id, { status: 'failed', error: why, steps: withStep(row.steps, 'verify', 'failed', why) }, ['verifying']);
    if (done) {
      await releaseLock(ctx.db, lockKeyOf(row), row.id);
      await auditVerify(ctx.db, row, 'failure', { notApplied: off });
    }
  }
  return toOperation(await loadRow(ctx.db, row.id));
}

/** Whether the operation's change is visible in AWS; a traffic switch is read from its listener, alarms from CloudWatch. */
async function landedIn(ctx: OpsContext, row: OperationRow, service: Service): Promise<boolean> {
  if (row.kind === 'alarms') return !!row.plan.target?.alarms && (await alarmsNotApplied(ctx, row.plan.target.alarms)).length === 0;
  if (row.kind !== 'switch-traffic') return appliedIn(row, service);
  const listenerArn = row.plan.target?.listenerArn;
  const targetGroupArn = row.plan.target?.targetGroupArn;
  if (!listenerArn || !targetGroupArn) return false;
  const loadBalancerArn = listenerArn.replace(':listener/', ':loadbalancer/').replace(/\/[^/]+$/, '');
  const listener = (await describeListeners(ctx.aws, loadBalancerArn)).find((l) => l.arn === listenerArn);
  return !!listener && listener.forwards.every((f) => (f.targetGroupArn === targetGroupArn ? f.weight > 0 : f.weight === 0));
}

async function pausedDeployment(ctx: OpsContext, cluster: string, service: string): Promise<string | null> {
  const records = await listServiceDeployments(ctx.aws, cluster, service);
  const active = records.filter((r) => r.status === 'IN_PROGRESS' || r.status === 'PENDING').map((r) => r.arn);
  if (active.length === 0) return null;
  const described = await describeServiceDeployments(ctx.aws, active);
  return described.find((d) => d.pausedAtHook)?.arn ?? null;
}

function round(v: number | null): number | null {
  return v === null ? null : Math.round(v * 10) / 10;
}
