import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { queryRows } from '../db/query-rows';
import { serviceLocks } from '../db/schema';
import { AppError } from '../errors';

/**
 * One active operation per service, across every replica: a row per service in service_locks,
 * taken with one atomic upsert. Each acquisition bumps the service's fencing token; every AWS
 * write first checks that its operation still holds the token it was given.
 */
export interface LockGrant {
  token: number;
}

export async function acquireLock(
  db: Db,
  input: { cluster: string; service: string; operationId: string; holderSubject: string; holderName: string | null; ttlSeconds: number },
): Promise<LockGrant> {
  const rows = await queryRows<{ fencing_token: string | number }>(
    db,
    sql`insert into service_locks (cluster, service, operation_id, holder_subject, holder_name, acquired_at, expires_at, fencing_token)
        values (${input.cluster}, ${input.service}, ${input.operationId}, ${input.holderSubject}, ${input.holderName}, now(), now() + make_interval(secs => ${input.ttlSeconds}), 1)
        on conflict (cluster, service) do update set
          operation_id = excluded.operation_id, holder_subject = excluded.holder_subject, holder_name = excluded.holder_name,
          acquired_at = now(), expires_at = excluded.expires_at, fencing_token = service_locks.fencing_token + 1
        where service_locks.operation_id is null or service_locks.expires_at < now() or service_locks.operation_id = excluded.operation_id
        returning fencing_token`,
  );
  const row = rows[0];
  if (row) return { token: Number(row.fencing_token) };
  const [held] = await db.select().from(serviceLocks).where(and(eq(serviceLocks.cluster, input.cluster), eq(serviceLocks.service, input.service)));
  const who = held?.holderName || held?.holderSubject || 'another operator';
  const since = held?.acquiredAt ? held.acquiredAt.toISOString() : 'a moment ago';
  throw new AppError(
    'conflict',
    `${input.service} is locked by ${who} since ${since} (operation ${held?.operationId ?? 'unknown'}); wait for it to finish or cancel it.`,
    { subCode: 'locked' },
  );
}

/** Extends the lock while its operation still holds it with this token; false when it was lost. */
export async function heartbeatLock(db: Db, cluster: string, service: string, operationId: string, token: number, ttlSeconds: number): Promise<boolean> {
  const rows = await queryRows<{ ok: number }>(
    db,
    sql`update service_locks set expires_at = now() + make_interval(secs => ${ttlSeconds})
        where cluster = ${cluster} and service = ${service} and operation_id = ${operationId} and fencing_token = ${token} and expires_at >= now()
        returning 1 as ok`,
  );
  return rows.length > 0;
}

/** Throws unless `operationId` still holds the lock with `token` and it has not expired: checked before every AWS write. */
export async function assertFence(db: Db, cluster: string, service: string, operationId: string, token: number): Promise<void> {
  const rows = await queryRows<{ ok: number }>(
    db,
    sql`select 1 as ok from service_locks where cluster = ${cluster} and service = ${service} and operation_id = ${operationId}
        and fencing_token = ${token} and expires_at >= now()`,
  );
  if (rows.length === 0) {
    throw new AppError('conflict', `The lock on ${service} was lost (fencing token ${token} is no longer current); nothing was sent to AWS.`);
  }
}

/** Frees the lock if this operation holds it (any token). */
export async function releaseLock(db: Db, cluster: string, service: string, operationId: string): Promise<void> {
  await db
    .update(serviceLocks)
    .set({ operationId: null, holderSubject: null, holderName: null, acquiredAt: null, expiresAt: null })
    .where(and(eq(serviceLocks.cluster, cluster), eq(serviceLocks.service, service), eq(serviceLocks.operationId, operationId)));
}

export async function lockHolder(db: Db, cluster: string, service: string): Promise<{ operationId: string; holder: string; since: string } | null> {
  const rows = await queryRows<{ operation_id: string; holder_name: string | null; holder_subject: string | null; acquired_at: Date | string }>(
    db,
    sql`select operation_id, holder_name, holder_subject, acquired_at from service_locks
        where cluster = ${cluster} and service = ${service} and operation_id is not null and expires_at >= now()`,
  );
  const r = rows[0];
  if (!r) return null;
  return { operationId: r.operation_id, holder: r.holder_name || r.holder_subject || 'someone', since: new Date(r.acquired_at).toISOString() };
}
