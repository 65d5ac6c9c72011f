import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { appendAudit } from '../audit/append';
import { can, minimumRole } from '../auth/can';
import { actorOf, type CurrentUser } from '../auth/identity';
import type { Db } from '../db/client';
import { idempotencyKeys, operationApprovals, operations } from '../db/schema';
import { AppError, isAppError } from '../errors';
import { recordOperationOutcome } from '../observability/hooks';
import { continueServiceDeployment, describeServices } from '../aws/ecs';
import type { OpsContext } from './context';
import { executeOperation, type Actor } from './execute';
import { acquireLock, assertFence, releaseLock } from './lock';
import { ACTION_FOR_KIND, basisOfFingerprint, describeDrift, normalizeRequest, planOperation } from './plan';
import { policyFor } from './policy-config';
import { assertWritable } from './settings';
import { initialSteps, loadRow, patchOperation, toOperation, withStep, type ExecutionState, type OperationRow } from './store';
import { ACTIVE_STATUSES, type Operation, type Plan, type PlanRequest } from './types';

export interface SubmitInput {
  cluster: string;
  service: string;
  request: PlanRequest;
  fingerprint: string;
  confirmName: string;
  reason: string;
  incidentId?: string | null;
}

export interface SubmitResult {
  operation: Operation;
  /** True when the idempotency key replayed an earlier submission. */
  replayed: boolean;
}

const GUARD_FIELD: Record<string, string> = {
  bounds: 'desiredCount',
  same_image: 'image',
  same: 'request',
  family: 'revision',
  inactive: 'revision',
  healthy_targets: 'targetGroup',
  role: 'role',
};

/**
 * POST /api/operations: confirm → (idempotency) → authorize → re-plan and compare fingerprints →
 * either wait for approval, or lock → execute. Verification continues in the background runner.
 */
export async function submitOperation(ctx: OpsContext, user: CurrentUser, input: SubmitInput, idempotencyKey: string): Promise<SubmitResult> {
  if (input.confirmName !== input.service) throw new AppError('invalid', `confirmName: type the service name exactly ("${input.service}") to confirm`);
  if (!input.reason.trim()) throw new AppError('invalid', 'reason: say why (it goes into the audit log)');
  // Who may comes before whether anyone may: a role denial is audited even while read-only.
  await assertMay(ctx.db, user, input.request.kind, { path: '/api/operations', cluster: input.cluster, service: input.service });
  try {
    await assertWritable(ctx.db);
  } catch (e) {
    recordOperationOutcome(input.request.kind, 'refused');
    throw e;
  }

  const scope = `${user.issuer}|${user.subject}`;
  const requestHash = hashOf({ ...input, request: normalizeRequest(input.request), reason: input.reason.trim() });
  const claim = await claimKey(ctx.db, scope, idempotencyKey, requestHash);
  if (claim.replay) return { operation: await toOperationById(ctx.db, claim.replay), replayed: true };
  try {
    const row = await createAndStart(ctx, actorFrom(user), input, { user });
    await ctx.db.update(idempotencyKeys).set({ operationId: row.id }).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, idempotencyKey)));
    return { operation: toOperation(row), replayed: false };
  } catch (e) {
    // Nothing happened under this key (or it failed clearly): the same key may be tried again.
    await ctx.db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, idempotencyKey)));
    throw e;
  }
}

/**
 * The role check for the operation's kind (the routes only require fleet.read). A denial is
 * audited exactly as withUser audits one (lib/api/with-user.ts#recordDenial: action auth.denied,
 * the API path as target, what was attempted, outcome denied), plus which service and operation.
 */
async function assertMay(db: Db, user: CurrentUser, kind: PlanRequest['kind'], where: { path: string; cluster: string; service: string; operationId?: string }): Promise<void> {
  const action = ACTION_FOR_KIND[kind];
  if (can(user, action)) return;
  await recordDenial(db, user, action, where, `role ${user.role} lacks ${action}`, kind);
  recordOperationOutcome(kind, 'refused');
  throw new AppError('forbidden', `Your role (${user.role}) may not ${kind}: ${action} needs ${minimumRole(action)} or above.`);
}

async function recordDenial(db: Db, user: CurrentUser, attempted: string, where: { path: string; cluster: string; service: string; operationId?: string }, reason: string, kind: PlanRequest['kind']): Promise<void> {
  await appendAudit(db, {
    actor: actorOf(user),
    action: 'auth.denied',
    target: where.path,
    params: { attempted, method: 'POST', kind, cluster: where.cluster, service: where.service, ...(where.operationId ? { operationId: where.operationId } : {}) },
    reason,
    outcome: 'denied',
  });
}

const operationPath = (id: string, verb: string) => `/api/operations/${id}/${verb}`;

function actorFrom(user: CurrentUser): Actor {
  return { issuer: user.issuer, subject: user.subject, name: user.name, role: user.role };
}

function hashOf(v: unknown): string {
  return createHash('sha256').update(JSON.stringify(v)).digest('hex');
}

async function toOperationById(db: Db, id: string) {
  return toOperation(await loadRow(db, id));
}

/** Claims (scope, key); a replay returns the operation it made; another payload is 422. Concurrent duplicates wait for the first. */
async function claimKey(db: Db, scope: string, key: string, requestHash: string): Promise<{ replay?: string }> {
  const started = Date.now();
  for (;;) {
    const inserted = await db.insert(idempotencyKeys).values({ scope, key, requestHash }).onConflictDoNothing().returning();
    if (inserted.length) return {};
    const [row] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    if (!row) continue; // the first attempt failed and let the key go: claim it again
    if (row.requestHash !== requestHash) {
      throw new AppError('unprocessable', 'Idempotency-Key: this key was already used for a different request; use a new key for a new request');
    }
    if (row.operationId) return { replay: row.operationId };
    if (Date.now() - started > 30_000) throw new AppError('conflict', 'Idempotency-Key: the first request with this key is still being processed; try again shortly');
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface StartOptions {
  user?: CurrentUser;
  parentOperationId?: string;
  /** Follow-ups (automatic rollback) may find the service already on the target revision. */
  allowSame?: boolean;
  /** Skip the fingerprint comparison (follow-ups plan and execute at once). */
  trustPlan?: boolean;
}

/** Re-plans, checks the fingerprint, records the operation, and (unless it needs approval) locks and executes it. */
export async function createAndStart(ctx: OpsContext, actor: Actor, input: SubmitInput, opts: StartOptions = {}): Promise<OperationRow> {
  const plan = await planOperation(ctx, input.cluster, input.service, input.request, { role: actor.role ?? undefined });
  if (!opts.trustPlan && plan.fingerprint !== input.fingerprint) {
    const planned = basisOfFingerprint(input.fingerprint);
    throw new AppError('conflict', `the service changed since you planned: ${planned ? describeDrift(planned, plan.basis) : 'the plan you confirmed is not the current one'}. Review the new plan and confirm again.`);
  }
  for (const g of plan.guards) {
    if (g.status !== 'blocked' || g.id === 'lock' || g.id === 'read_only') continue;
    if (opts.allowSame && g.id === 'same') continue;
    throw new AppError('invalid', `${GUARD_FIELD[g.id] ?? g.id}: ${g.detail}`);
  }
  const { policy, environment } = policyFor(ctx.policy, input.cluster);
  const now = new Date();
  const at = now.toISOString();
  const needsApproval = plan.requiresApproval;
  const values: typeof operations.$inferInsert = {
    kind: input.request.kind,
    cluster: input.cluster,
    service: plan.service,
    environment,
    status: needsApproval ? 'awaiting_approval' : 'executing',
    request: normalizeRequest(input.request),
    plan,
    fingerprint: plan.fingerprint,
    reason: input.reason.trim(),
    incidentId: input.incidentId ?? null,
    requestedByIssuer: actor.issuer,
    requestedBySubject: actor.subject,
    requestedByName: actor.name,
    approvalDeadline: needsApproval ? new Date(now.getTime() + policy.approvalTimeoutSeconds * 1000) : null,
    steps: initialSteps(at, needsApproval),
    parentOperationId: opts.parentOperationId ?? null,
  };
  if (needsApproval) {
    const [row] = await ctx.db.insert(operations).values(values).returning();
    await audit(ctx.db, actor, 'ops.request', row!, { plan: plan.summary, status: 'awaiting_approval' }, 'success');
    return row!;
  }
  // The operation exists only if it got the lock: 20 racing requests leave one operation, 19 × 409.
  const row = await ctx.db.transaction(async (tx) => {
    const [created] = await tx.insert(operations).values(values).returning();
    const grant = await acquireLock(tx as Db, { cluster: input.cluster, service: plan.service, operationId: created!.id, holderSubject: actor.subject, holderName: actor.name, ttlSeconds: ctx.policy.lockTtlSeconds });
    const [locked] = await tx
      .update(operations)
      .set({ fencingToken: grant.token, steps: withStep(created!.steps as never, 'lock', 'done', `fencing token ${grant.token}`) })
      .where(eq(operations.id, created!.id))
      .returning();
    return locked!;
  });
  await audit(ctx.db, actor, 'ops.request', row, { plan: plan.summary, status: 'executing', fencingToken: row.fencingToken }, 'success');
  return runExecution(ctx, row, actor);
}

/** Executes a locked operation; on a clear failure the lock is released and the error rethrown. */
async function runExecution(ctx: OpsContext, row: OperationRow, actor: Actor): Promise<OperationRow> {
  let steps = withStep(row.steps as never, 'execute', 'running');
  await patchOperation(ctx.db, row.id, { steps });
  try {
    const result = await executeOperation(ctx, row, actor, row.fencingToken!);
    const awsNow = await ctx.awsNow();
    const { policy } = policyFor(ctx.policy, row.cluster);
    const execution: ExecutionState = {
      ...result.execution,
      verifyStartedAt: new Date(awsNow).toISOString(),
      deadline: new Date(awsNow + policy.verifyDeadlineSeconds * 1000).toISOString(),
    };
    steps = withStep(steps, 'execute', result.outcome === 'done' ? 'done' : 'running', result.detail);
    if (result.outcome === 'done') steps = withStep(steps, 'verify', 'running', 'waiting for the rollout to become stable');
    const updated = await patchOperation(ctx.db, row.id, { status: result.outcome === 'done' ? 'verifying' : 'outcome_unknown', execution, steps });
    return updated!;
  } catch (e) {
    const message = isAppError(e) ? e.message : 'unexpected error while executing';
    const retryable = isAppError(e) && (e.code === 'rate_limited' || e.code === 'unavailable');
    await finish(ctx.db, row.id, { status: 'failed', error: retryable ? `${message} (nothing changed; the lock is released: try again)` : message, steps: withStep(steps, 'execute', 'failed', message) });
    await releaseLock(ctx.db, row.cluster, row.service, row.id);
    if (isAppError(e) && retryable) {
      throw new AppError(e.code, `${message}. Nothing was changed and the lock on ${row.service} is released; it is safe to try again.`, { requestId: e.requestId, cause: e });
    }
    throw e;
  }
}

export async function finish(db: Db, id: string, patch: Partial<OperationRow>): Promise<OperationRow | null> {
  return patchOperation(db, id, { fencingToken: null, ...patch });
}

async function audit(db: Db, actor: Actor, action: string, row: OperationRow, params: Record<string, unknown>, outcome: 'success' | 'failure' | 'denied', reason?: string) {
  await appendAudit(db, {
    actor: { issuer: actor.issuer, subject: actor.subject, name: actor.name, role: actor.role ?? null },
    action,
    target: `${row.cluster}/${row.service}`,
    params: { operationId: row.id, kind: row.kind, ...params },
    reason: reason ?? row.reason,
    outcome,
  });
}

/** A second operator approves: different person, in time, for the exact plan; then lock → execute. */
export async function approveOperation(ctx: OpsContext, user: CurrentUser, id: string, reason?: string): Promise<Operation> {
  await assertWritable(ctx.db);
  const row = await loadRow(ctx.db, id);
  await assertMay(ctx.db, user, row.kind, { path: operationPath(id, 'approve'), cluster: row.cluster, service: row.service, operationId: id });
  if (row.requestedBySubject === user.subject && row.requestedByIssuer === user.issuer) {
    await audit(ctx.db, actorFrom(user), 'ops.approve', row, {}, 'denied', 'the requester tried to approve their own operation');
    throw new AppError('forbidden', 'You requested this operation, so you cannot approve it: another operator must.');
  }
  if (row.status !== 'awaiting_approval') throw new AppError('conflict', `Operation ${id} is ${row.status}, not awaiting approval.`);
  if (row.approvalDeadline && row.approvalDeadline.getTime() < Date.now()) {
    await finish(ctx.db, id, { status: 'expired', error: `the approval window closed at ${row.approvalDeadline.toISOString()}`, steps: withStep(row.steps as never, 'approve', 'failed', 'expired') });
    throw new AppError('conflict', `This operation's approval window closed at ${row.approvalDeadline.toISOString()}; the requester must plan it again.`);
  }
  // Bound to the exact plan: the service must still be as it was planned.
  const plan = await planOperation(ctx, row.cluster, row.service, row.request as PlanRequest);
  if (plan.fingerprint !== row.fingerprint) {
    const drift = describeDrift((row.plan as Plan).basis, plan.basis);
    await finish(ctx.db, id, { status: 'failed', error: `the service changed since it was planned: ${drift}`, steps: withStep(row.steps as never, 'approve', 'failed', 'plan is stale') });
    throw new AppError('conflict', `the service changed since you planned: ${drift}. The requester must plan it again.`);
  }
  try {
    await ctx.db.insert(operationApprovals).values({ operationId: id, decision: 'approved', fingerprint: row.fingerprint, byIssuer: user.issuer, bySubject: user.subject, byName: user.name, reason: reason ?? null });
  } catch {
    throw new AppError('conflict', `Operation ${id} was already decided by someone else.`);
  }
  await audit(ctx.db, actorFrom(user), 'ops.approve', row, { fingerprint: row.fingerprint }, 'success', reason);
  const locked = await ctx.db.transaction(async (tx) => {
    const grant = await acquireLock(tx as Db, { cluster: row.cluster, service: row.service, operationId: id, holderSubject: row.requestedBySubject, holderName: row.requestedByName, ttlSeconds: ctx.policy.lockTtlSeconds });
    let steps = withStep(row.steps as never, 'approve', 'done', `approved by ${user.name || user.subject}`);
    steps = withStep(steps, 'lock', 'done', `fencing token ${grant.token}`);
    const [r] = await tx
      .update(operations)
      .set({ status: 'executing', approvedByIssuer: user.issuer, approvedBySubject: user.subject, approvedByName: user.name, fencingToken: grant.token, steps, updatedAt: new Date() })
      .where(and(eq(operations.id, id), eq(operations.status, 'awaiting_approval')))
      .returning();
    if (!r) throw new AppError('conflict', `Operation ${id} is no longer awaiting approval.`);
    return r;
  });
  const requester: Actor = { issuer: row.requestedByIssuer, subject: row.requestedBySubject, name: row.requestedByName, role: 'operator' };
  return toOperation(await runExecution(ctx, locked, requester));
}

export async function rejectOperation(ctx: OpsContext, user: CurrentUser, id: string, reason: string): Promise<Operation> {
  const row = await loadRow(ctx.db, id);
  await assertMay(ctx.db, user, row.kind, { path: operationPath(id, 'reject'), cluster: row.cluster, service: row.service, operationId: id });
  if (row.status !== 'awaiting_approval') throw new AppError('conflict', `Operation ${id} is ${row.status}, not awaiting approval.`);
  try {
    await ctx.db.insert(operationApprovals).values({ operationId: id, decision: 'rejected', fingerprint: row.fingerprint, byIssuer: user.issuer, bySubject: user.subject, byName: user.name, reason });
  } catch {
    throw new AppError('conflict', `Operation ${id} was already decided by someone else.`);
  }
  await audit(ctx.db, actorFrom(user), 'ops.reject', row, {}, 'success', reason);
  const done = await finish(ctx.db, id, { status: 'rejected', error: `rejected by ${user.name || user.subject}: ${reason}`, steps: withStep(row.steps as never, 'approve', 'failed', `rejected by ${user.name || user.subject}`) });
  return toOperation(done!);
}

/** Requester or admin: before execution it withdraws; while verifying it stops watching (a deploy still rolling out is rolled back). */
export async function cancelOperation(ctx: OpsContext, user: CurrentUser, id: string): Promise<Operation> {
  const row = await loadRow(ctx.db, id);
  const own = row.requestedBySubject === user.subject && row.requestedByIssuer === user.issuer;
  if (!own && user.role !== 'admin') {
    await recordDenial(ctx.db, user, 'ops.cancel', { path: operationPath(id, 'cancel'), cluster: row.cluster, service: row.service, operationId: id }, `${user.role} ${user.name || user.subject} is neither the requester nor an admin`, row.kind);
    throw new AppError('forbidden', 'Only the requester or an admin may cancel this operation.');
  }
  if (row.status === 'awaiting_approval') {
    const done = await finish(ctx.db, id, { status: 'cancelled', steps: withStep(row.steps as never, 'approve', 'skipped', `cancelled by ${user.name || user.subject}`) }, );
    await audit(ctx.db, actorFrom(user), 'ops.cancel', row, { at: 'awaiting_approval' }, 'success');
    return toOperation(done!);
  }
  if (!['verifying', 'paused', 'outcome_unknown'].includes(row.status)) throw new AppError('conflict', `Operation ${id} is ${row.status}; there is nothing to cancel.`);
  await audit(ctx.db, actorFrom(user), 'ops.cancel', row, { at: row.status }, 'success');
  let rollingBack = false;
  if (row.kind === 'deploy') {
    const [service] = await describeServices(ctx.aws, row.cluster, [row.service]);
    rollingBack = service?.deployments[0]?.rolloutState === 'IN_PROGRESS' && service.taskDefinitionArn !== (row.plan as Plan).basis.taskDefinitionArn;
  }
  const done = await finish(ctx.db, id, { status: 'cancelled', error: rollingBack ? 'cancelled during the rollout: rolling back' : null, steps: withStep(row.steps as never, 'verify', 'skipped', `cancelled by ${user.name || user.subject}`) });
  await releaseLock(ctx.db, row.cluster, row.service, row.id);
  if (rollingBack) await startFollowUpRollback(ctx, done!, 'cancelled during the rollout');
  return toOperation((await loadRow(ctx.db, id)));
}

/** A PAUSE lifecycle hook: ContinueServiceDeployment, fenced and audited. */
export async function continueOperation(ctx: OpsContext, user: CurrentUser, id: string): Promise<Operation> {
  await assertWritable(ctx.db);
  const row = await loadRow(ctx.db, id);
  await assertMay(ctx.db, user, row.kind, { path: operationPath(id, 'continue'), cluster: row.cluster, service: row.service, operationId: id });
  const exec = (row.execution ?? {}) as ExecutionState;
  if (row.status !== 'paused' || !exec.serviceDeploymentArn) throw new AppError('conflict', `Operation ${id} is ${row.status}, not paused at a lifecycle hook.`);
  await assertFence(ctx.db, row.cluster, row.service, row.id, row.fencingToken ?? -1);
  const { withAudit } = await import('../audit/with-audit');
  await withAudit(ctx.db, { actor: actorOf(user), action: 'ops.continue-service-deployment', target: `${row.cluster}/${row.service}`, params: { operationId: id, serviceDeploymentArn: exec.serviceDeploymentArn }, reason: row.reason }, () =>
    continueServiceDeployment(ctx.aws, exec.serviceDeploymentArn!),
  );
  const updated = await patchOperation(ctx.db, id, { status: 'verifying', steps: withStep(row.steps as never, 'verify', 'running', `continued by ${user.name || user.subject}`) }, ['paused']);
  return toOperation(updated ?? row);
}

/** The request that undoes `row` (deploy/restart/rollback → back to its basis revision; switch-traffic → back to the previous split). */
export function undoRequest(row: OperationRow): PlanRequest | null {
  const plan = row.plan as Plan;
  if (row.kind === 'switch-traffic') {
    const previous = [...(plan.basis.listenerForwards ?? [])].sort((a, b) => b.weight - a.weight)[0];
    return previous ? { kind: 'switch-traffic', targetGroup: previous.targetGroupArn } : null;
  }
  if (row.kind === 'scale') return null;
  // A listener-switch (blue/green) deploy is undone the same way: back to the old group by listener switch.
  return { kind: 'rollback', revision: plan.basis.taskDefinitionArn, ...(plan.target?.trafficSwitch ? { trafficSwitch: true } : {}) };
}

/** One-click rollback proposed by a tripped trigger: a new (idempotent, confirmed) operation to the basis. */
export async function rollbackFromProposal(ctx: OpsContext, user: CurrentUser, id: string, body: { confirmName: string; reason: string }, idempotencyKey: string): Promise<SubmitResult> {
  const row = await loadRow(ctx.db, id);
  const request = undoRequest(row);
  if (!request) throw new AppError('conflict', `A ${row.kind} operation has no one-click rollback; plan a new ${row.kind} instead.`);
  if (!row.rollbackProposed && (ACTIVE_STATUSES as readonly string[]).includes(row.status)) throw new AppError('conflict', `Operation ${id} is still ${row.status}; cancel it first.`);
  const plan = await planOperation(ctx, row.cluster, row.service, request, { role: user.role });
  const result = await submitOperation(ctx, user, { cluster: row.cluster, service: row.service, request, fingerprint: plan.fingerprint, confirmName: body.confirmName, reason: body.reason }, idempotencyKey);
  if (!result.replayed) {
    await ctx.db.update(operations).set({ parentOperationId: id }).where(eq(operations.id, result.operation.id));
    await patchOperation(ctx.db, id, { followUpOperationId: result.operation.id, rollbackProposed: false });
  }
  return { ...result, operation: await toOperationById(ctx.db, result.operation.id) };
}

/** Policy "rollback" (or a cancelled rollout): a follow-up operation on behalf of the requester. */
export async function startFollowUpRollback(ctx: OpsContext, row: OperationRow, why: string): Promise<string | null> {
  const request = undoRequest(row);
  if (!request) return null;
  const actor: Actor = { issuer: row.requestedByIssuer, subject: row.requestedBySubject, name: row.requestedByName, role: 'operator' };
  try {
    const followUp = await createAndStart(
      ctx,
      actor,
      { cluster: row.cluster, service: row.service, request, fingerprint: '', confirmName: row.service, reason: `automatic rollback of operation ${row.id}: ${why}` },
      { parentOperationId: row.id, allowSame: true, trustPlan: true },
    );
    await patchOperation(ctx.db, row.id, { followUpOperationId: followUp.id });
    return followUp.id;
  } catch (e) {
    await patchOperation(ctx.db, row.id, { error: `${row.error ?? ''} The automatic rollback could not start: ${isAppError(e) ? e.message : 'unexpected error'}`.trim(), rollbackProposed: true });
    return null;
  }
}


