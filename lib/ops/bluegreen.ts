/**
 * Blue/green by listener switch — the guide's §3.3 (`update-service`, `wait services-stable`,
 * `elbv2 modify-listener`) for services that do not use ECS's native BLUE_GREEN strategy but sit
 * behind a listener forwarding to one of two target groups.
 *
 * One operation, in this order:
 *  1. execute: register the new revision; UpdateService with it and `loadBalancers` pointing at the
 *     idle group (ECS starts a deployment whose tasks register there).
 *  2. stage 1: wait until the new deployment runs its desired count and that many targets are
 *     healthy in the idle group (DescribeTargetHealth), before a deadline. The listener does not move.
 *  3. switch: ModifyListener → 100 % to the idle group, re-reading its health right before; a group
 *     with no healthy targets is never switched to. Fenced and audited like every write.
 *  4. stage 2: the rollout settles (the old group drains) and the rollback triggers are watched on
 *     the new group for the bake time (5xx rate, p95 latency, failed deployment, circuit breaker).
 *  5. on failure: restore — UpdateService back to the old revision and the old group, wait until the
 *     old group's targets are healthy, then switch the listener back. Before the switch a failure
 *     always restores (ECS would otherwise drain the live group into the idle one); after the
 *     switch the policy decides (rollback: restore now; propose: one-click; notify: report).
 *
 * Why stage 1 does not wait for `services-stable` before switching: ECS's rolling scheduler stops
 * the old tasks the moment the new ones are healthy, so "stable" means the old group is already
 * empty while the listener still sends it everything. Switching as soon as the new targets are
 * healthy keeps traffic on a group with healthy targets; stage 2 then waits for "stable".
 */
import { withAudit } from '../audit/with-audit';
import { updateService } from '../aws/ecs';
import { describeListeners, describeTargetGroups, describeTargetHealth, modifyListenerForward } from '../aws/elbv2';
import type { Deployment, Listener, Service, TargetGroup } from '../aws/types';
import { AppError, invalidField, isAppError } from '../errors';
import { placeIn, type OpsContext } from './context';
import { assertFence, releaseLock, lockKeyOf } from './lock';
import { policyFor } from './policy-config';
import { finish, loadRow, patchOperation, toOperation, withStep, type ExecutionState, type OperationRow } from './store';
import type { ListenerSwitchPlan, Operation, OperationStatus, Plan, PlanChange, PlanGuard, TriggerReading } from './types';
import { auditVerify, completeDanglingIntents } from './op-audit';
import { readGroupMetrics } from './readings';
import { auditTargetOf } from './audit-target';

const MINUTE = 60_000;
const nameOfTd = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

// ---- planning ------------------------------------------------------------------------------

export interface ListenerPair {
  listener: Listener;
  /** The group the service's tasks register in now. */
  bound: TargetGroup;
  /** The listener's other group. */
  other: TargetGroup;
  /** The group receiving all traffic, or null when the listener splits it. */
  active: string | null;
  containerName: string;
  containerPort: number;
}

/** The service's two-group listener, or why listener switching does not apply to it. */
export async function listenerPairOf(ctx: OpsContext, service: Service): Promise<ListenerPair | { reason: string }> {
  if (service.deploymentStrategy === 'BLUE_GREEN') return { reason: `${service.name} uses ECS's native blue/green strategy: deploy it normally and ECS shifts the traffic itself` };
  if (service.loadBalancers.length !== 1) return { reason: service.loadBalancers.length === 0 ? `${service.name} is not behind a load balancer` : `${service.name} registers in ${service.loadBalancers.length} target groups; listener switching needs exactly one` };
  const binding = service.loadBalancers[0]!;
  if (!binding.containerName || binding.containerPort === null) return { reason: `${service.name}'s load balancer binding names no container and port` };
  const [bound] = await describeTargetGroups(ctx.aws, { arns: [binding.targetGroupArn] });
  const lbArn = bound?.loadBalancerArns[0];
  if (!bound || !lbArn) return { reason: `${service.name}'s target group is not attached to a load balancer` };
  const listeners = await describeListeners(ctx.aws, lbArn);
  const listener = listeners.find((l) => l.forwards.length === 2 && l.forwards.some((f) => f.targetGroupArn === bound.arn));
  if (!listener) return { reason: `no listener forwards ${service.name}'s traffic to one of two target groups (blue/green)` };
  const otherArn = listener.forwards.find((f) => f.targetGroupArn !== bound.arn)!.targetGroupArn;
  const [other] = await describeTargetGroups(ctx.aws, { arns: [otherArn] });
  if (!other) return { reason: `target group ${otherArn} was not found` };
  const live = listener.forwards.filter((f) => f.weight > 0);
  return { listener, bound, other, active: live.length === 1 ? live[0]!.targetGroupArn : null, containerName: binding.containerName, containerPort: binding.containerPort };
}

export async function healthyCount(ctx: OpsContext, groupArn: string): Promise<{ healthy: number; total: number }> {
  const targets = await describeTargetHealth(ctx.aws, groupArn);
  return { healthy: targets.filter((t) => t.state === 'healthy').length, total: targets.length };
}

const split = (l: Listener, name: (arn: string) => string) => l.forwards.map((f) => `${name(f.targetGroupArn)} ${f.weight}`).join(' / ');

/** What a listener-switch deploy or rollback adds to a plan: the listener change, its guards, and the target. */
export interface SwitchDraftPart {
  changes: PlanChange[];
  guards: PlanGuard[];
  listenerSwitch: ListenerSwitchPlan;
  listenerForwards: { targetGroupArn: string; weight: number }[];
}

export async function planListenerSwitch(ctx: OpsContext, service: Service, kind: 'deploy' | 'rollback', toRevision: string): Promise<SwitchDraftPart> {
  const pair = await listenerPairOf(ctx, service);
  if ('reason' in pair) throw invalidField('trafficSwitch', pair.reason);
  const { listener, bound, other } = pair;
  const name = (arn: string) => (arn === bound.arn ? bound.name : arn === other.arn ? other.name : arn);
  const [fromHealth, toHealth] = await Promise.all([healthyCount(ctx, bound.arn), healthyCount(ctx, other.arn)]);
  const want = Math.max(1, service.desiredCount);
  const port = listener.port === null ? '' : `:${listener.port}`;
  const guards: PlanGuard[] = [];
  guards.push({
    id: 'listener_switch',
    label: 'Blue/green',
    status: 'ok',
    detail: `${toRevision} is deployed to the idle group ${other.name}; listener ${port} moves 100 % to it only once ${want} target(s) there are healthy (never to a group with no healthy targets); on failure ${service.name} returns to ${nameOfTd(service.taskDefinitionArn)} in ${bound.name} and the listener back once its targets are healthy`,
  });
  if (service.desiredCount === 0) guards.push({ id: 'desired_zero', label: 'Desired count', status: 'blocked', detail: `${service.name} runs 0 tasks: nothing could become healthy in ${other.name}; scale it up first` });
  if (pair.active === null) {
    guards.push({ id: 'traffic_split', label: 'Listener', status: 'blocked', detail: `listener ${port} splits traffic (${split(listener, name)}); send 100 % to one group first (Switch traffic)` });
  } else if (kind === 'deploy' && pair.active !== bound.arn) {
    guards.push({ id: 'traffic_binding', label: 'Listener', status: 'blocked', detail: `traffic goes to ${name(pair.active)} but ${service.name}'s tasks register in ${bound.name}; roll back first (it restores them where the traffic is)` });
  } else {
    guards.push({ id: 'live_group', label: 'Live group', status: 'ok', detail: `${name(pair.active)} has ${pair.active === bound.arn ? fromHealth.healthy : toHealth.healthy} healthy target(s) and keeps all traffic until the switch` });
  }
  const after = listener.forwards.map((f) => ({ targetGroupArn: f.targetGroupArn, weight: f.targetGroupArn === other.arn ? 100 : 0 }));
  const listenerSwitch: ListenerSwitchPlan = {
    listenerArn: listener.arn,
    listenerPort: listener.port,
    loadBalancerArn: listener.loadBalancerArn,
    from: { arn: bound.arn, name: bound.name },
    to: { arn: other.arn, name: other.name },
    containerName: pair.containerName,
    containerPort: pair.containerPort,
    fromTaskDefinitionArn: service.taskDefinitionArn,
    stages: [
      `${kind === 'deploy' ? 'Register the new revision, then UpdateService' : 'UpdateService'} to ${toRevision} with its tasks in ${other.name}`,
      `Wait for ${want} healthy target(s) in ${other.name} (the listener stays on ${name(pair.active ?? bound.arn)})`,
      `ModifyListener ${port}: 100 % to ${other.name}`,
      `Wait for ${bound.name} to drain, then bake while 5xx rate and p95 latency are watched on ${other.name}`,
      `On failure: UpdateService back to ${nameOfTd(service.taskDefinitionArn)} in ${bound.name}, wait for its targets, switch the listener back`,
    ],
  };
  return {
    changes: [
      { label: 'Tasks register in', from: bound.name, to: other.name },
      { label: `Listener ${port}`.trim(), from: split(listener, name), to: after.map((f) => `${name(f.targetGroupArn)} ${f.weight}`).join(' / ') },
    ],
    guards,
    listenerSwitch,
    listenerForwards: listener.forwards.map((f) => ({ targetGroupArn: f.targetGroupArn, weight: f.weight })),
  };
}

/** The binding UpdateService gets for a group. */
export function bindingFor(ts: ListenerSwitchPlan, groupArn: string) {
  return [{ targetGroupArn: groupArn, containerName: ts.containerName, containerPort: ts.containerPort }];
}

export const boundGroupOf = (service: Service) => service.loadBalancers[0]?.targetGroupArn ?? null;

// ---- verifying -----------------------------------------------------------------------------

export interface BlueGreenProgress {
  phase: 'deploying' | 'switched' | 'restoring';
  /** AWS time of the switch to the new group. */
  switchedAt?: string;
  restore?: {
    why: string;
    /** AWS time. */
    startedAt: string;
    deadline: string;
    /** The status once restored. */
    outcome: 'rolled_back' | 'failed';
    updateSent: boolean;
    switchedBackAt?: string;
  };
}

export type BlueGreenExecution = ExecutionState & { bg?: BlueGreenProgress };

export function isListenerSwitch(row: OperationRow): boolean {
  return !!row.plan.target?.trafficSwitch;
}

interface Reads {
  now: number;
  service: Service;
  listener: Listener;
  from: { healthy: number; total: number };
  to: { healthy: number; total: number };
}

/** One step of a listener-switch operation (called by verifyStep with the lock held under `token`). */
export async function listenerSwitchStep(ctx: OpsContext, row: OperationRow, service: Service, token: number): Promise<Operation> {
  const ts = row.plan.target!.trafficSwitch!;
  const exec: BlueGreenExecution = { ...((row.execution ?? {}) as BlueGreenExecution) };
  const bg: BlueGreenProgress = exec.bg ? { ...exec.bg } : { phase: 'deploying' };
  exec.bg = bg;
  let reads: Reads;
  try {
    const [now, listener, from, to] = await Promise.all([ctx.awsNow(), readListener(ctx, ts), healthyCount(ctx, ts.from.arn), healthyCount(ctx, ts.to.arn)]);
    reads = { now, service, listener, from, to };
  } catch (e) {
    if (isAppError(e) && (e.code === 'rate_limited' || e.code === 'unavailable')) return toOperation(row); // next step
    throw e;
  }
  const step = new Step(ctx, row, token, ts, exec, bg, reads);
  // A ModifyListener written down as in flight: a live process is still waiting for its answer
  // (leave it be), or the process died mid-call (reconcile from the listener AWS shows, never resend).
  const pending = exec.pendingCall;
  if (pending?.action === 'ModifyListener' && pending.targetGroupArn) {
    if (Date.now() - Date.parse(pending.since) < pendingCallStaleMs(ctx)) return toOperation(row);
    return step.reconcileSwitch(pending.targetGroupArn);
  }
  if (bg.phase === 'restoring') return step.restore();
  if (bg.phase === 'deploying') return step.deploying();
  return step.switched();
}

/**
 * How old an in-flight AWS write must be before its process is taken for gone: a live process has
 * its answer (or gives up) within the call's deadline.
 */
function pendingCallStaleMs(ctx: OpsContext): number {
  return Math.max(20_000, ctx.aws.deadlineMs + 5_000);
}

async function readListener(ctx: OpsContext, ts: ListenerSwitchPlan): Promise<Listener> {
  const listener = (await describeListeners(ctx.aws, ts.loadBalancerArn)).find((l) => l.arn === ts.listenerArn);
  if (!listener) throw new AppError('not_found', `listener ${ts.listenerArn} is gone`);
  return listener;
}

/** Where the listener sends all of its traffic, or null when it splits it. */
function activeOf(listener: Listener): string | null {
  const live = listener.forwards.filter((f) => f.weight > 0);
  return live.length === 1 ? live[0]!.targetGroupArn : null;
}

class Step {
  private readonly policy;
  private steps: Operation['steps'];

  constructor(
    private readonly ctx: OpsContext,
    private readonly row: OperationRow,
    private readonly token: number,
    private readonly ts: ListenerSwitchPlan,
    private readonly exec: BlueGreenExecution,
    private readonly bg: BlueGreenProgress,
    private readonly r: Reads,
  ) {
    this.policy = policyFor(ctx.policy, row.cluster, placeIn(ctx, row).environment).policy;
    this.steps = row.steps;
  }

  private get ours(): Deployment | undefined {
    return this.exec.deploymentId ? this.r.service.deployments.find((d) => d.id === this.exec.deploymentId) : undefined;
  }

  private get rollout(): Operation['rollout'] {
    const d = this.ours ?? this.r.service.deployments[0];
    return d ? { state: d.rolloutState ?? 'UNKNOWN', running: d.runningCount, desired: d.desiredCount, pending: d.pendingCount, failedTasks: d.failedTasks } : null;
  }

  private get want(): number {
    return Math.max(1, this.ours?.desiredCount ?? this.r.service.desiredCount);
  }

  private get port(): string {
    return this.ts.listenerPort === null ? 'the listener' : `listener :${this.ts.listenerPort}`;
  }

  private deadlinePassed(): boolean {
    return !!this.exec.deadline && this.r.now > Date.parse(this.exec.deadline);
  }

  /** Our deployment failed, or something replaced it (ECS's circuit breaker rollback, another UpdateService). */
  private rolloutFailure(): string | null {
    const primary = this.r.service.deployments[0];
    if (this.ours?.rolloutState === 'FAILED') return /circuit breaker/i.test(this.ours.rolloutStateReason ?? '') ? 'ECS circuit breaker: tasks failed to start' : `deployment failed: ${this.ours.rolloutStateReason ?? 'FAILED'}`;
    if (this.exec.deploymentId && primary?.id !== this.exec.deploymentId) return /circuit breaker/i.test(primary?.rolloutStateReason ?? '') ? 'ECS circuit breaker: tasks failed to start (ECS started its own rollback)' : 'another deployment replaced this one';
    return null;
  }

  private triggers(metrics: { errorRate: number | null; p95: number | null } | null, failed: string | null, extra: { label?: string } = {}): TriggerReading[] {
    const t = this.policy.thresholds;
    const er = metrics?.errorRate ?? null;
    const p95 = metrics?.p95 ?? null;
    const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
    const cb = !!failed && /circuit breaker/i.test(failed);
    return [
      { id: '5xx_rate', label: `5xx rate on ${this.ts.to.name} (worst minute)`, value: round(er), threshold: t.errorRatePercent, unit: '%', tripped: er !== null && er > t.errorRatePercent },
      { id: 'p95_latency', label: `p95 latency on ${this.ts.to.name} (worst minute)`, value: round(p95), threshold: t.p95LatencyMs, unit: 'ms', tripped: p95 !== null && p95 > t.p95LatencyMs },
      { id: 'deployment_failed', label: extra.label ?? (failed && !cb ? failed : 'Deployment failed'), value: null, threshold: null, unit: null, tripped: !!failed && !cb },
      { id: 'circuit_breaker', label: 'Circuit breaker', value: this.ours?.failedTasks ?? null, threshold: null, unit: null, tripped: cb },
    ];
  }

  private async write<T>(action: string, params: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
    await assertFence(this.ctx.db, lockKeyOf(this.row), this.row.id, this.token);
    return withAudit(
      this.ctx.db,
      {
        actor: { issuer: this.row.requestedByIssuer, subject: this.row.requestedBySubject, name: this.row.requestedByName, role: 'operator' },
        action: `ops.${this.row.kind}.${action}`,
        target: auditTargetOf(this.row),
        params: { operationId: this.row.id, account: this.row.account, region: this.row.region, fencingToken: this.token, ...params },
        reason: this.row.reason,
      },
      fn,
    );
  }

  /**
   * ModifyListener: 100 % to `groupArn`, after re-reading that it has healthy targets. False when it
   * has none. Written down before it is sent, as execution's writes are: a process killed mid-call
   * leaves the operation saying so, and another one reconciles it (reconcileSwitch).
   */
  private async switchTo(groupArn: string, action: 'modify-listener' | 'restore-modify-listener'): Promise<boolean> {
    const fresh = await healthyCount(this.ctx, groupArn);
    if (fresh.healthy === 0) return false;
    const forwards = this.r.listener.forwards.map((f) => ({ targetGroupArn: f.targetGroupArn, weight: f.targetGroupArn === groupArn ? 100 : 0 }));
    await assertFence(this.ctx.db, lockKeyOf(this.row), this.row.id, this.token);
    this.exec.pendingCall = { action: 'ModifyListener', since: new Date().toISOString(), targetGroupArn: groupArn };
    if (!(await patchOperation(this.ctx.db, this.row.id, { execution: this.exec }, ['verifying', 'paused']))) throw new AppError('conflict', `operation ${this.row.id} moved on while switching ${this.port}; nothing was sent`);
    try {
      await this.write(action, { listenerArn: this.ts.listenerArn, forwards, healthyTargets: fresh.healthy }, () => modifyListenerForward(this.ctx.aws, this.ts.listenerArn, forwards));
    } catch (e) {
      // Unanswered (the outcome is unknown): left in flight for reconcileSwitch to read back. Any other answer is an answer.
      if (!(isAppError(e) && e.code === 'unavailable')) {
        delete this.exec.pendingCall;
        await patchOperation(this.ctx.db, this.row.id, { execution: this.exec }, ['verifying', 'paused']);
      }
      throw e;
    }
    delete this.exec.pendingCall;
    this.r.listener = { ...this.r.listener, forwards };
    return true;
  }

  /**
   * After a ModifyListener that never answered (its process was killed, or AWS did not answer in
   * time): the listener AWS shows decides, and nothing is sent again. Switched → the operation goes
   * on (stage 2, or the rest of the restore); not switched → the switch failed: a deploy restores
   * the old revision (its tasks must not stay bound to a group without traffic) and ends failed
   * with that reason. The dangling audit intent gets its outcome either way.
   */
  async reconcileSwitch(groupArn: string): Promise<Operation> {
    delete this.exec.pendingCall;
    const name = groupArn === this.ts.to.arn ? this.ts.to.name : this.ts.from.name;
    const restoring = this.bg.phase === 'restoring';
    if (activeOf(this.r.listener) === groupArn) {
      await completeDanglingIntents(this.ctx.db, this.row, 'success', `reconciled from AWS state after its process stopped or AWS did not answer: ${this.port} forwards 100 % to ${name}`);
      if (restoring) {
        this.bg.restore!.switchedBackAt = new Date(this.r.now).toISOString();
        return this.save({}, `reconciled from AWS state: ${this.port} forwards 100 % to ${name} again; restoring goes on`);
      }
      this.bg.phase = 'switched';
      this.bg.switchedAt = new Date(this.r.now).toISOString();
      return this.save(
        { triggers: this.triggers(null, null) },
        `reconciled from AWS state (the process switching the listener stopped mid-call): ${this.port} forwards 100 % to ${name} (${this.r.to.healthy} healthy target(s)). Stage 2: waiting for ${this.ts.from.name} to drain, then baking ${this.policy.bakeSeconds} s while the triggers are watched on ${name}`,
      );
    }
    const why = `ModifyListener to ${name} was never confirmed (its process stopped or AWS did not answer) and ${this.port} does not forward to it; nothing was retried`;
    await completeDanglingIntents(this.ctx.db, this.row, 'failure', why);
    if (restoring) return this.save({}, `restoring: ${why}; switching back is tried again once ${this.ts.from.name} can carry the traffic`);
    return this.beginRestore(why, 'failed', this.triggers(null, why, { label: 'Listener switch not confirmed' }));
  }

  private async save(patch: Partial<OperationRow>, detail: string, stepStatus: 'running' | 'done' | 'failed' = 'running'): Promise<Operation> {
    this.steps = withStep(this.steps, 'verify', stepStatus, detail);
    const status = patch.status;
    const finished = status && status !== 'verifying';
    const body = { ...patch, execution: this.exec, steps: this.steps, rollout: this.rollout };
    const saved = finished ? await finish(this.ctx.db, this.row.id, body) : await patchOperation(this.ctx.db, this.row.id, body, ['verifying', 'paused']);
    if (finished && saved) await releaseLock(this.ctx.db, lockKeyOf(this.row), this.row.id);
    return toOperation(saved ?? (await loadRow(this.ctx.db, this.row.id)));
  }

  // stage 1: the new revision comes up in the idle group; the listener does not move.
  async deploying(): Promise<Operation> {
    const { from, to, now } = this.r;
    const failed = this.rolloutFailure() ?? (this.deadlinePassed() ? `${this.ts.to.name} did not have ${this.want} healthy target(s) before the deadline` : null);
    if (failed) {
      const triggers = this.triggers(null, failed, this.deadlinePassed() ? { label: 'Not healthy before the deadline' } : {});
      // Before the switch a failure always restores: no traffic moved, and a service left bound to
      // the idle group would have ECS drain the live group into it.
      return this.beginRestore(`${failed}; the listener was never switched`, this.row.kind === 'deploy' ? 'rolled_back' : 'failed', triggers);
    }
    const ours = this.ours;
    const active = activeOf(this.r.listener);
    const ready = !!ours && ours.runningCount >= this.want && to.healthy >= this.want;
    // ECS already drained the live group (e.g. Codeflow was down for a while): follow the healthy targets now.
    const stranded = active !== this.ts.to.arn && from.healthy === 0 && to.healthy > 0;
    if (ready || stranded) {
      const switched = active === this.ts.to.arn || (await this.switchTo(this.ts.to.arn, 'modify-listener'));
      if (switched) {
        this.bg.phase = 'switched';
        this.bg.switchedAt = new Date(now).toISOString();
        return this.save(
          { triggers: this.triggers(null, null) },
          `switched: ${this.port} forwards 100 % to ${this.ts.to.name} (${to.healthy} healthy target(s)). Stage 2: waiting for ${this.ts.from.name} to drain, then baking ${this.policy.bakeSeconds} s while the triggers are watched on ${this.ts.to.name}`,
        );
      }
    }
    return this.save(
      { triggers: this.triggers(null, null) },
      `stage 1: deploying ${nameOfTd(ours?.taskDefinitionArn ?? this.r.service.taskDefinitionArn)} to ${this.ts.to.name}: ${to.healthy}/${this.want} target(s) healthy (rollout ${ours?.rolloutState ?? 'starting'}, ${ours?.runningCount ?? 0} running); ${this.port} stays on ${this.ts.from.name} (${from.healthy} healthy) until then`,
    );
  }

  // stage 2: traffic is on the new group; the old one drains; bake with the triggers.
  async switched(): Promise<Operation> {
    const { service, now, to, from } = this.r;
    const primary = service.deployments[0];
    const stable = service.deployments.length === 1 && primary?.id === this.exec.deploymentId && service.runningCount === service.desiredCount;
    const watchFrom = Math.floor(Date.parse(this.bg.switchedAt ?? new Date(now).toISOString()) / MINUTE) * MINUTE;
    const metrics = now > watchFrom ? await readGroupMetrics(this.ctx, [this.ts.to.arn], watchFrom, now).catch(() => null) : null;
    const failed =
      this.rolloutFailure() ??
      (to.healthy === 0 ? `${this.ts.to.name} has no healthy targets` : null) ??
      (!stable && this.deadlinePassed() ? 'not stable before the deadline' : null);
    const triggers = this.triggers(metrics, failed);
    const tripped = triggers.filter((t) => t.tripped);
    if (tripped.length > 0) {
      const what = tripped.map((t) => (t.value !== null && t.threshold !== null ? `${t.label} ${t.value}${t.unit ?? ''} > ${t.threshold}${t.unit ?? ''}` : t.label)).join(', ');
      const action = to.healthy === 0 ? 'rollback' : this.row.kind === 'deploy' ? this.policy.onTrigger : 'notify';
      await auditVerify(this.ctx.db, this.row, 'failure', { tripped: what, action, stage: 'after the listener switch' });
      if (action === 'rollback') return this.beginRestore(`rollback trigger tripped after the switch: ${what}`, 'rolled_back', triggers, true);
      const error = `Rollback trigger tripped after the switch: ${what}. ${this.port} still forwards to ${this.ts.to.name} (${to.healthy} healthy).${action === 'propose' ? ' A rollback (back to the old group by listener switch) is proposed.' : ''}`;
      return this.save({ status: 'failed', error, triggers, rollbackProposed: action === 'propose' }, `trigger tripped: ${what} → ${action}`, 'failed');
    }
    if (stable && !this.exec.stableAt) {
      this.exec.stableAt = new Date(now).toISOString();
      this.exec.bakeUntil = new Date(now + this.policy.bakeSeconds * 1000).toISOString();
    }
    if (stable && this.exec.bakeUntil && now >= Date.parse(this.exec.bakeUntil)) {
      const done = await this.save(
        { status: 'succeeded', triggers },
        `done: ${this.port} forwards 100 % to ${this.ts.to.name} (${to.healthy} healthy); ${this.ts.from.name} drained (${from.healthy} healthy); no trigger tripped during the ${this.policy.bakeSeconds} s bake`,
        'done',
      );
      if (done.status === 'succeeded') await auditVerify(this.ctx.db, this.row, 'success', { summary: this.row.plan.summary, listener: this.ts.to.name });
      return done;
    }
    if (!stable && this.exec.stableAt) {
      delete this.exec.stableAt;
      delete this.exec.bakeUntil;
    }
    return this.save(
      { triggers },
      stable
        ? `stage 2: ${this.port} on ${this.ts.to.name}; ${this.ts.from.name} drained; baking until ${this.exec.bakeUntil} while the triggers are watched`
        : `stage 2: ${this.port} on ${this.ts.to.name} (${to.healthy} healthy); waiting for ${this.ts.from.name} to drain (${service.deployments.length} deployment(s), ${service.runningCount}/${service.desiredCount} running)`,
    );
  }

  private async beginRestore(why: string, outcome: 'rolled_back' | 'failed', triggers: TriggerReading[], audited = false): Promise<Operation> {
    if (!audited) await auditVerify(this.ctx.db, this.row, 'failure', { tripped: why, action: 'restore', stage: 'before the listener switch' });
    this.bg.phase = 'restoring';
    this.bg.restore = {
      why,
      startedAt: new Date(this.r.now).toISOString(),
      deadline: new Date(this.r.now + this.policy.verifyDeadlineSeconds * 1000).toISOString(),
      outcome,
      updateSent: false,
    };
    const saved = await patchOperation(
      this.ctx.db,
      this.row.id,
      { triggers, error: `${capitalize(why)}. Restoring ${nameOfTd(this.ts.fromTaskDefinitionArn)} in ${this.ts.from.name}.`, execution: this.exec },
      ['verifying', 'paused'],
    );
    if (!saved) return toOperation(await loadRow(this.ctx.db, this.row.id)); // another replica moved it on
    return this.restore();
  }

  /** Back to the old revision in the old group, then the listener back: traffic only ever goes to a group with healthy targets. */
  async restore(): Promise<Operation> {
    const rs = this.bg.restore!;
    const { service, now, from, to } = this.r;
    const active = () => activeOf(this.r.listener);
    const fromTd = this.ts.fromTaskDefinitionArn;
    const want = Math.max(1, service.desiredCount);

    // 1. Traffic first: back to the old group as soon as it can carry it (or the new one has nothing healthy left).
    if (active() !== this.ts.from.arn && from.healthy > 0 && (from.healthy >= want || to.healthy === 0)) {
      if (await this.switchTo(this.ts.from.arn, 'restore-modify-listener')) rs.switchedBackAt = new Date(now).toISOString();
    }
    // 2. The service back to the old revision and the old group. UpdateService to a declared state is
    //    idempotent: after an unanswered call it is read back first, and sent again only if not applied.
    const restored = service.taskDefinitionArn === fromTd && boundGroupOf(service) === this.ts.from.arn;
    if (!rs.updateSent && restored) rs.updateSent = true;
    if (!rs.updateSent) {
      try {
        const after = await this.write('restore-update-service', { taskDefinition: fromTd, targetGroupArn: this.ts.from.arn }, () =>
          updateService(this.ctx.aws, { cluster: this.row.cluster, service: this.row.service, taskDefinition: fromTd, loadBalancers: bindingFor(this.ts, this.ts.from.arn) }),
        );
        rs.updateSent = true;
        this.exec.deploymentId = after.deployments[0]?.id;
      } catch (e) {
        if (!isAppError(e) || (e.code !== 'unavailable' && e.code !== 'rate_limited')) throw e;
        return this.save({}, `restoring: UpdateService to ${nameOfTd(fromTd)} in ${this.ts.from.name} did not get an answer (${e.message}); reading the service back before anything is sent again`);
      }
    }
    // 3. Done once the listener is on the old group, it has healthy targets, and the rollout back is stable.
    const primary = service.deployments[0];
    const stable = restored && service.deployments.length === 1 && primary?.rolloutState === 'COMPLETED' && service.runningCount === service.desiredCount;
    if (active() === this.ts.from.arn && from.healthy > 0 && stable) {
      const detail = `restored: ${nameOfTd(fromTd)} runs in ${this.ts.from.name} (${from.healthy} healthy) and ${this.port} forwards 100 % to it`;
      return this.save({ status: rs.outcome as OperationStatus, error: `${capitalize(rs.why)}. Restored: ${nameOfTd(fromTd)} runs in ${this.ts.from.name} and ${this.port} forwards to it.` }, detail, 'failed');
    }
    if (now > Date.parse(rs.deadline)) {
      const where = active() ?? 'both groups';
      const whereName = where === this.ts.from.arn ? this.ts.from.name : where === this.ts.to.arn ? this.ts.to.name : where;
      return this.save(
        { status: 'failed', error: `${capitalize(rs.why)}. The restore did not finish before its deadline: ${this.port} forwards to ${whereName}; ${this.ts.from.name} has ${from.healthy} healthy target(s), ${this.ts.to.name} ${to.healthy}. Check the service.` },
        `restore did not finish before ${rs.deadline}`,
        'failed',
      );
    }
    return this.save(
      {},
      `restoring (${rs.why}): ${nameOfTd(fromTd)} back in ${this.ts.from.name}: ${from.healthy}/${want} healthy; ${this.port} ${active() === this.ts.from.arn ? `on ${this.ts.from.name}` : `stays on ${this.ts.to.name} (${to.healthy} healthy) until then`}`,
    );
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
