import { and, eq } from 'drizzle-orm';
import { withAudit } from '../audit/with-audit';
import { actorOf as auditActorOfUser, type CurrentUser } from '../auth/identity';
import { continueServiceDeployment, describeServices, listServiceDeployments, stopServiceDeployment } from '../aws/ecs';
import type { Db } from '../db/client';
import { operationApprovals, operations } from '../db/schema';
import { AppError } from '../errors';
import type { Actor } from './actor';
import { ACTION_FOR_KIND, assertMay, operationPath, recordDenial } from './authorize';
import { atPlace, type OpsContext } from './context';
import { startFollowUpRollback } from './follow-up';
import { acquireLock, assertFence, releaseLock, lockKeyOf } from './lock';
import { auditOperation } from './op-audit';
import { describeDrift, planOperation, shortTd } from './plan';
import { currentRoleOf, roleShortfall } from './roles-now';
import { assertWritable } from './settings';
import { runExecution } from './start';
import { finish, loadRow, patchOperation, toOperation, withStep } from './store';
import type { Operation } from './types';
import { auditTargetOf } from './audit-target';

const asActor = (user: CurrentUser): Actor => ({ issuer: user.issuer, subject: user.subject, name: user.name, role: user.role });
const who = (user: CurrentUser) => user.name || user.subject;

/**
 * A second operator approves: different person, both still holding the role, in time, for the
 * exact plan; then lock → execute (which checks both roles once more).
 */
export async function approveOperation(ctx: OpsContext, user: CurrentUser, id: string, reason?: string): Promise<Operation> {
  await assertWritable(ctx.db);
  const row = await loadRow(ctx.db, id);
  await assertMay(ctx.db, user, row.kind, { path: operationPath(id, 'approve'), cluster: row.cluster, service: row.service, operationId: id });
  if (row.requestedBySubject === user.subject && row.requestedByIssuer === user.issuer) {
    await auditOperation(ctx.db, asActor(user), 'ops.approve', row, {}, 'denied', 'the requester tried to approve their own operation');
    throw new AppError('forbidden', 'You requested this operation, so you cannot approve it: another operator must.');
  }
  if (row.status !== 'awaiting_approval') throw new AppError('conflict', `Operation ${id} is ${row.status}, not awaiting approval.`);
  if (row.approvalDeadline && row.approvalDeadline.getTime() < Date.now()) {
    await finish(ctx.db, id, { status: 'expired', error: `the approval window closed at ${row.approvalDeadline.toISOString()}`, steps: withStep(row.steps, 'approve', 'failed', 'expired') });
    throw new AppError('conflict', `This operation's approval window closed at ${row.approvalDeadline.toISOString()}; the requester must plan it again.`);
  }
  // The requester may have been demoted since the request: their operation is not approvable any more.
  const requester = { issuer: row.requestedByIssuer, subject: row.requestedBySubject, name: row.requestedByName };
  const requesterRole = await currentRoleOf(ctx.db, requester);
  const shortfall = roleShortfall(requester, requesterRole, ACTION_FOR_KIND[row.kind], 'requester');
  if (shortfall) {
    await auditOperation(ctx.db, asActor(user), 'ops.approve', row, { refused: shortfall, requesterRole }, 'denied', `refused at approval: ${shortfall}`);
    await finish(ctx.db, id, { status: 'failed', error: `Refused at approval: ${shortfall}. Nothing was sent to AWS; someone who holds the role must plan it again.`, steps: withStep(row.steps, 'approve', 'failed', `refused: ${shortfall}`) }, ['awaiting_approval']);
    throw new AppError('forbidden', `Refused: ${shortfall}. The operation is closed; someone who holds the role must plan it again.`);
  }
  // Bound to the exact plan: the service must still be as it was planned.
  const plan = await planOperation(ctx, row.cluster, row.service, row.request, { place: row });
  if (plan.fingerprint !== row.fingerprint) {
    const drift = describeDrift(row.plan.basis, plan.basis);
    await finish(ctx.db, id, { status: 'failed', error: `the service changed since it was planned: ${drift}`, steps: withStep(row.steps, 'approve', 'failed', 'plan is stale') });
    throw new AppError('conflict', `the service changed since you planned: ${drift}. The requester must plan it again.`, { subCode: 'stale_plan' });
  }
  try {
    await ctx.db.insert(operationApprovals).values({ operationId: id, decision: 'approved', fingerprint: row.fingerprint, byIssuer: user.issuer, bySubject: user.subject, byName: user.name, reason: reason ?? null });
  } catch {
    throw new AppError('conflict', `Operation ${id} was already decided by someone else.`);
  }
  await auditOperation(ctx.db, asActor(user), 'ops.approve', row, { fingerprint: row.fingerprint }, 'success', reason);
  const locked = await ctx.db.transaction(async (tx) => {
    const grant = await acquireLock(tx as Db, { ...lockKeyOf(row), operationId: id, holderSubject: row.requestedBySubject, holderName: row.requestedByName, ttlSeconds: ctx.policy.lockTtlSeconds });
    let steps = withStep(row.steps, 'approve', 'done', `approved by ${who(user)}`);
    steps = withStep(steps, 'lock', 'done', `fencing token ${grant.token}`);
    const [r] = await tx
      .update(operations)
      .set({ status: 'executing', approvedByIssuer: user.issuer, approvedBySubject: user.subject, approvedByName: user.name, fencingToken: grant.token, steps, updatedAt: new Date() })
      .where(and(eq(operations.id, id), eq(operations.status, 'awaiting_approval')))
      .returning();
    if (!r) throw new AppError('conflict', `Operation ${id} is no longer awaiting approval.`);
    return r;
  });
  return toOperation(await runExecution(ctx, locked, { ...requester, role: requesterRole }));
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
  await auditOperation(ctx.db, asActor(user), 'ops.reject', row, {}, 'success', reason);
  const done = await finish(ctx.db, id, { status: 'rejected', error: `rejected by ${who(user)}: ${reason}`, steps: withStep(row.steps, 'approve', 'failed', `rejected by ${who(user)}`) });
  return toOperation(done!);
}

/**
 * Cancel is a write: the kind's permission, the requester or an admin, never in read-only mode.
 * Before execution it withdraws the request. During a rolling deploy it stops the rollout in place
 * with StopServiceDeployment (ROLLBACK), as the ECS console does; a listener-switch deploy is
 * switched back by a follow-up rollback. Otherwise it stops watching.
 */
export async function cancelOperation(ctx: OpsContext, user: CurrentUser, id: string): Promise<Operation> {
  const row = await loadRow(ctx.db, id);
  // Stopping the rollout is this person's write, in the service's account.
  ctx = atPlace(ctx, row, user.name ?? user.subject);
  const where = { path: operationPath(id, 'cancel'), cluster: row.cluster, service: row.service, operationId: id };
  await assertMay(ctx.db, user, row.kind, where);
  const own = row.requestedBySubject === user.subject && row.requestedByIssuer === user.issuer;
  if (!own && user.role !== 'admin') {
    await recordDenial(ctx.db, user, 'ops.cancel', where, `${user.role} ${who(user)} is neither the requester nor an admin`, row.kind);
    throw new AppError('forbidden', 'Only the requester or an admin may cancel this operation.');
  }
  await assertWritable(
    ctx.db,
    row.status === 'awaiting_approval'
      ? `Cancelling is a change too; this request expires by itself${row.approvalDeadline ? ` at ${row.approvalDeadline.toISOString()}` : ''}, or an admin can turn read-only off first.`
      : `Cancelling is a change too (it would stop the rollout in AWS); ask an admin to turn read-only off first, or let the verification finish: a tripped trigger still rolls back by policy.`,
  );
  if (row.status === 'awaiting_approval') {
    const done = await finish(ctx.db, id, { status: 'cancelled', steps: withStep(row.steps, 'approve', 'skipped', `cancelled by ${who(user)}`) }, ['awaiting_approval']);
    if (!done) throw new AppError('conflict', `Operation ${id} was decided meanwhile; nothing to cancel.`);
    await auditOperation(ctx.db, asActor(user), 'ops.cancel', row, { at: 'awaiting_approval' }, 'success');
    return toOperation(done);
  }
  if (!['verifying', 'paused', 'outcome_unknown'].includes(row.status)) throw new AppError('conflict', `Operation ${id} is ${row.status}; there is nothing to cancel.`);

  let stopped: string | null = null;
  let followUp = false;
  if (row.kind === 'deploy') {
    const [service] = await describeServices(ctx.aws, row.cluster, [row.service]);
    const rolling = service?.deployments[0]?.rolloutState === 'IN_PROGRESS' && service.taskDefinitionArn !== row.plan.basis.taskDefinitionArn;
    if (rolling && row.plan.target?.trafficSwitch) followUp = true;
    else if (rolling) {
      const records = await listServiceDeployments(ctx.aws, row.cluster, row.service);
      stopped = records.find((r) => r.status === 'IN_PROGRESS' || r.status === 'PENDING')?.arn ?? null;
    }
  }
  await auditOperation(ctx.db, asActor(user), 'ops.cancel', row, { at: row.status, ...(stopped ? { stopServiceDeployment: stopped } : {}) }, 'success');
  if (stopped) {
    // Under the operation's own lock (re-taken if its holder crashed), like every AWS write.
    const grant = await acquireLock(ctx.db, { ...lockKeyOf(row), operationId: id, holderSubject: row.requestedBySubject, holderName: row.requestedByName, ttlSeconds: ctx.policy.lockTtlSeconds });
    await assertFence(ctx.db, lockKeyOf(row), id, grant.token);
    await withAudit(
      ctx.db,
      { actor: auditActorOfUser(user), action: 'ops.cancel.stop-service-deployment', target: auditTargetOf(row), params: { operationId: id, account: row.account, region: row.region, fencingToken: grant.token, serviceDeploymentArn: stopped, stopType: 'ROLLBACK' }, reason: row.reason },
      () => stopServiceDeployment(ctx.aws, stopped!, { stopType: 'ROLLBACK' }),
    );
  }
  const note = stopped ? `cancelled during the rollout: ECS rolls back to ${shortTd(row.plan.basis.taskDefinitionArn)} in place (StopServiceDeployment)` : followUp ? 'cancelled during the rollout: switching back' : null;
  const done = await finish(ctx.db, id, { status: 'cancelled', error: note, steps: withStep(row.steps, 'verify', 'skipped', `cancelled by ${who(user)}`) });
  await releaseLock(ctx.db, lockKeyOf(row), row.id);
  if (followUp) await startFollowUpRollback(ctx, done!, 'cancelled during the rollout');
  return toOperation(await loadRow(ctx.db, id));
}

/** A PAUSE lifecycle hook: ContinueServiceDeployment, fenced and audited. */
export async function continueOperation(ctx: OpsContext, user: CurrentUser, id: string): Promise<Operation> {
  await assertWritable(ctx.db);
  const row = await loadRow(ctx.db, id);
  await assertMay(ctx.db, user, row.kind, { path: operationPath(id, 'continue'), cluster: row.cluster, service: row.service, operationId: id });
  ctx = atPlace(ctx, row, user.name ?? user.subject);
  const exec = row.execution;
  if (row.status === 'awaiting_approval') {
    throw new AppError('conflict', `Operation ${id} still awaits a second operator's approval: it has not started, so there is no deployment to continue. Another operator must approve it first.`, { subCode: 'approval_required' });
  }
  if (row.status !== 'paused' || !exec.serviceDeploymentArn) throw new AppError('conflict', `Operation ${id} is ${row.status}, not paused at a lifecycle hook.`);
  await assertFence(ctx.db, lockKeyOf(row), row.id, row.fencingToken ?? -1);
  await withAudit(ctx.db, { actor: auditActorOfUser(user), action: 'ops.continue-service-deployment', target: auditTargetOf(row), params: { operationId: id, account: row.account, region: row.region, serviceDeploymentArn: exec.serviceDeploymentArn }, reason: row.reason }, () =>
    continueServiceDeployment(ctx.aws, exec.serviceDeploymentArn!),
  );
  const updated = await patchOperation(ctx.db, id, { status: 'verifying', steps: withStep(row.steps, 'verify', 'running', `continued by ${who(user)}`) }, ['paused']);
  return toOperation(updated ?? row);
}
