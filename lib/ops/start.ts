import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { operations } from '../db/schema';
import { AppError, invalidField, isAppError } from '../errors';
import { kickDelivery } from '../notify/webhook-outbox';
import type { Actor } from './actor';
import { ACTION_FOR_KIND } from './authorize';
import { atPlace, placeIn, type OpsContext } from './context';
import { executeOperation } from './execute';
import { enqueueApprovalNotice } from './approval-notice';
import { acquireLock, releaseLock, lockKeyOf } from './lock';
import { auditOperation } from './op-audit';
import { basisOfFingerprint, describeDrift, normalizeRequest, planOperation } from './plan';
import { policyFor } from './policy-config';
import { currentRoleOf, roleShortfall } from './roles-now';
import { finish, initialSteps, patchOperation, withStep, type ExecutionState, type OperationRow } from './store';
import type { Plan, PlanRequest } from './types';

export interface StartInput {
  /** The service's account (id or name) and Region; home when absent. */
  account?: string;
  region?: string;
  cluster: string;
  service: string;
  request: PlanRequest;
  fingerprint: string;
  reason: string;
  incidentId?: string | null;
}

export interface StartOptions {
  parentOperationId?: string;
  /** Follow-ups (automatic rollback) may find the service already on the target revision. */
  allowSame?: boolean;
  /**
   * The plan made moments ago in this same request (a one-click rollback plans once): executed as
   * is, without reading AWS again. Without it the request is planned here and must match `fingerprint`.
   */
  plan?: Plan;
  /** Plan here but skip the fingerprint comparison (a follow-up plans and executes at once). */
  trustPlan?: boolean;
}

const GUARD_FIELD: Record<string, string> = {
  bounds: 'desiredCount',
  same_image: 'image',
  image_registry: 'image',
  image_tag: 'image',
  same: 'request',
  family: 'revision',
  inactive: 'revision',
  healthy_targets: 'targetGroup',
  role: 'role',
};

/** A heartbeat this old (wall time) means the process executing the operation is gone. */
export const EXECUTION_HEARTBEAT_MS = 5_000;
export const EXECUTION_STALE_MS = 20_000;

/** Plans (once), checks the fingerprint and guards, records the operation, and (unless it needs approval) locks and executes it. */
export async function createAndStart(ctx: OpsContext, actor: Actor, input: StartInput, opts: StartOptions = {}): Promise<OperationRow> {
  const where = placeIn(ctx, { account: input.account, region: input.region });
  const place = { account: where.accountId, region: where.region };
  const plan = opts.plan ?? (await planOperation(ctx, input.cluster, input.service, input.request, { role: actor.role ?? undefined, place }));
  if (!opts.plan && !opts.trustPlan && plan.fingerprint !== input.fingerprint) {
    const planned = basisOfFingerprint(input.fingerprint);
    throw new AppError('conflict', `the service changed since you planned: ${planned ? describeDrift(planned, plan.basis) : 'the plan you confirmed is not the current one'}. Review the new plan and confirm again.`, { subCode: 'stale_plan' });
  }
  for (const g of plan.guards) {
    if (g.status !== 'blocked' || g.id === 'lock' || g.id === 'read_only') continue;
    if (opts.allowSame && g.id === 'same') continue;
    throw invalidField(GUARD_FIELD[g.id] ?? g.id, g.detail);
  }
  const { policy, environment } = policyFor(ctx.policy, input.cluster, where.environment);
  const now = new Date();
  const needsApproval = plan.requiresApproval;
  const values: typeof operations.$inferInsert = {
    kind: input.request.kind,
    ...place,
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
    steps: initialSteps(now.toISOString(), needsApproval),
    parentOperationId: opts.parentOperationId ?? null,
  };
  if (needsApproval) {
    // The approval request is queued with the operation it announces: both or neither.
    const row = await ctx.db.transaction(async (tx) => {
      const [created] = await tx.insert(operations).values(values).returning();
      await enqueueApprovalNotice(tx as Db, ctx.notify, created!);
      return created!;
    });
    kickDelivery();
    await auditOperation(ctx.db, actor, 'ops.request', row, { plan: plan.summary, status: 'awaiting_approval' }, 'success');
    return row;
  }
  // The operation exists only if it got the lock: 20 racing requests leave one operation, 19 × 409.
  const row = await ctx.db.transaction(async (tx) => {
    const [created] = await tx.insert(operations).values(values).returning();
    const grant = await acquireLock(tx as Db, { ...place, cluster: input.cluster, service: plan.service, operationId: created!.id, holderSubject: actor.subject, holderName: actor.name, ttlSeconds: ctx.policy.lockTtlSeconds });
    const [locked] = await tx
      .update(operations)
      .set({ fencingToken: grant.token, steps: withStep(created!.steps, 'lock', 'done', `fencing token ${grant.token}`) })
      .where(eq(operations.id, created!.id))
      .returning();
    return locked!;
  });
  await auditOperation(ctx.db, actor, 'ops.request', row, { plan: plan.summary, status: 'executing', fencingToken: row.fencingToken }, 'success');
  return runExecution(ctx, row, actor);
}

/**
 * The role check at execution: the requester (and the approver, if any) must still hold the role
 * the kind needs. A demotion after the request refuses the operation before anything reaches AWS;
 * the refusal is audited with the role the person holds now.
 */
async function assertStillAllowed(ctx: OpsContext, row: OperationRow, actor: Actor): Promise<Actor> {
  const action = ACTION_FOR_KIND[row.kind];
  const requester = { issuer: row.requestedByIssuer, subject: row.requestedBySubject, name: row.requestedByName };
  const requesterRole = await currentRoleOf(ctx.db, requester);
  let why = roleShortfall(requester, requesterRole, action, 'requester');
  if (!why && row.approvedBySubject && row.approvedByIssuer) {
    const approver = { issuer: row.approvedByIssuer, subject: row.approvedBySubject, name: row.approvedByName };
    why = roleShortfall(approver, await currentRoleOf(ctx.db, approver), action, 'approver');
  }
  const now = { ...actor, role: requesterRole };
  if (!why) return now;
  await auditOperation(ctx.db, now, 'ops.execute', row, { refused: why }, 'denied', `refused at execution: ${why}`);
  await finish(ctx.db, row.id, { status: 'failed', error: `Refused at execution: ${why}. Nothing was sent to AWS; someone who holds the role must plan it again.`, steps: withStep(row.steps, 'execute', 'failed', `refused: ${why}`) });
  await releaseLock(ctx.db, lockKeyOf(row), row.id);
  throw new AppError('forbidden', `Refused: ${why}. Nothing was sent to AWS; someone who holds the role must plan it again.`);
}

/**
 * Executes a locked operation; on a clear failure the lock is released and the error rethrown.
 * An operation whose plan needs a second operator runs only once one approved it, whoever calls.
 */
export async function runExecution(ctx: OpsContext, row: OperationRow, actor: Actor): Promise<OperationRow> {
  if (row.status === 'awaiting_approval' || (row.plan.requiresApproval && !row.approvedBySubject)) {
    // Still waiting: it stays so. Executing without the approval its plan needs: closed, lock freed.
    const closed = await finish(ctx.db, row.id, { status: 'failed', error: "Refused at execution: its plan needs a second operator's approval and has none. Nothing was sent to AWS.", steps: withStep(row.steps, 'execute', 'failed', 'refused: not approved') }, ['executing']);
    if (closed) await releaseLock(ctx.db, lockKeyOf(row), row.id);
    throw new AppError('conflict', `Operation ${row.id} needs a second operator's approval before it runs; nothing was sent to AWS.`, { subCode: 'approval_required' });
  }
  const acting = await assertStillAllowed(ctx, row, actor);
  let steps = withStep(row.steps, 'execute', 'running');
  const startedAt = new Date().toISOString();
  await patchOperation(ctx.db, row.id, { steps, execution: { ...row.execution, startedAt } });
  // While this process executes, it says so; the runner takes over an execution whose heartbeat stopped.
  const heartbeat = setInterval(() => {
    patchOperation(ctx.db, row.id, {}, ['executing']).catch(() => undefined);
  }, ctx.execution?.heartbeatMs ?? EXECUTION_HEARTBEAT_MS);
  heartbeat.unref();
  try {
    // The write goes out with the requester's own session in a member account (its CloudTrail names them).
    const result = await executeOperation(atPlace(ctx, row, acting.name ?? acting.subject), { ...row, execution: { ...row.execution, startedAt } }, acting, row.fencingToken!);
    clearInterval(heartbeat);
    const awsNow = await ctx.awsNow();
    const { policy } = policyFor(ctx.policy, row.cluster, placeIn(ctx, row).environment);
    const { pendingCall: _answered, ...answered } = result.execution;
    const execution: ExecutionState = {
      ...(result.outcome === 'done' ? answered : result.execution),
      verifyStartedAt: new Date(awsNow).toISOString(),
      deadline: new Date(awsNow + policy.verifyDeadlineSeconds * 1000).toISOString(),
    };
    steps = withStep(steps, 'execute', result.outcome === 'done' ? 'done' : 'running', result.detail);
    if (result.outcome === 'done') steps = withStep(steps, 'verify', 'running', row.kind === 'alarms' ? 'reading the alarms back from CloudWatch' : 'waiting for the rollout to become stable');
    const updated = await patchOperation(ctx.db, row.id, { status: result.outcome === 'done' ? 'verifying' : 'outcome_unknown', execution, steps });
    return updated!;
  } catch (e) {
    clearInterval(heartbeat);
    const message = isAppError(e) ? e.message : 'unexpected error while executing';
    const retryable = isAppError(e) && (e.code === 'rate_limited' || e.code === 'unavailable');
    await finish(ctx.db, row.id, { status: 'failed', error: retryable ? `${message} (nothing changed; the lock is released: try again)` : message, steps: withStep(steps, 'execute', 'failed', message) });
    await releaseLock(ctx.db, lockKeyOf(row), row.id);
    if (isAppError(e) && retryable) {
      throw new AppError(e.code, `${message}. Nothing was changed and the lock on ${row.service} is released; it is safe to try again.`, { requestId: e.requestId, cause: e });
    }
    throw e;
  }
}
