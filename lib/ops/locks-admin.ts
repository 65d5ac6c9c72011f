import { and, eq } from 'drizzle-orm';
import { appendAudit } from '../audit/append';
import { can, minimumRole } from '../auth/can';
import { actorOf, type CurrentUser } from '../auth/identity';
import type { Db } from '../db/client';
import { operations, serviceLocks } from '../db/schema';
import { AppError } from '../errors';
import type { ServiceKey } from './lock';
import { finish, isFinishedStatus } from './store';
import { auditTargetOf } from './audit-target';

/**
 * An admin frees a service's lock whose operation is stuck (its process gone and the runner
 * unable to reconcile it): the operation, if still unfinished, is closed as failed with the
 * admin's reason, the lock is freed, and both are audited. Nothing is sent to AWS.
 */
export async function forceReleaseLock(db: Db, user: CurrentUser, input: ServiceKey & { reason: string }): Promise<{ operationId: string | null }> {
  if (!can(user, 'locks.force-release')) {
    await appendAudit(db, { actor: actorOf(user), action: 'auth.denied', target: auditTargetOf(input), params: { attempted: 'locks.force-release' }, reason: `role ${user.role} lacks locks.force-release`, outcome: 'denied' });
    throw new AppError('forbidden', `Only an admin may force-release a lock: locks.force-release needs ${minimumRole('locks.force-release')} (your role: ${user.role}).`);
  }
  const reason = input.reason.trim();
  if (!reason) throw new AppError('invalid', 'reason: say why the lock is released (it goes into the audit log)', { subCode: 'invalid', fields: [{ path: 'reason', message: 'say why the lock is released' }] });
  const key = and(eq(serviceLocks.account, input.account), eq(serviceLocks.region, input.region), eq(serviceLocks.cluster, input.cluster), eq(serviceLocks.service, input.service));
  const [lock] = await db.select().from(serviceLocks).where(key);
  if (!lock?.operationId) throw new AppError('not_found', `${input.service} in ${input.cluster} is not locked; nothing to release.`);
  const operationId = lock.operationId;
  const [op] = await db.select({ status: operations.status }).from(operations).where(eq(operations.id, operationId));
  if (op && !isFinishedStatus(op.status)) {
    await finish(db, operationId, { status: 'failed', error: `The lock was force-released by ${user.name || user.subject}: ${reason}. Check the service in AWS before planning again.` });
  }
  await db
    .update(serviceLocks)
    .set({ operationId: null, holderSubject: null, holderName: null, acquiredAt: null, expiresAt: null })
    .where(and(key, eq(serviceLocks.operationId, operationId)));
  await appendAudit(db, {
    actor: actorOf(user),
    action: 'ops.lock.force-release',
    target: auditTargetOf(input),
    params: { operationId, account: input.account, region: input.region, previousStatus: op?.status ?? null, fencingToken: lock.fencingToken },
    reason,
    outcome: 'success',
  });
  return { operationId };
}
