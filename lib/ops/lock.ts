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

/** Which service a lock is on: its account and Region as well as its cluster and name. */
export interface ServiceKey {
  account: string;
  region: string;
  cluster: string;
  service: string;
}

/** An operation row's (or any record's) service key. */
export const lockKeyOf = (r: ServiceKey): ServiceKey => ({ account: r.account, region: r.region, cluster: r.cluster, service: r.service });

export async function acquireLock(
  db: Db,
  input: ServiceKey & { operationId: string; holderSubject: string; holderName: string | null; ttlSeconds: number },
): Promise<LockGrant> {
  const rows = await queryRows<{ fencing_token: string | number }>(
    db,
    sql`insert into service_locks (account, region, cluster, service, operation_id, holder_subject, holder_name, acquired_at, expires_at, fencing_token)
        values (${input.account}, ${input.region}, ${input.cluster}, ${input.service}, ${input.operationId}, ${input.holderSubject}, ${input.holderName}, now(), now() + make_interval(secs => ${input.ttlSeconds}), 1)
        on conflict (account, region, cluster, service) do update set
          operation_id = excluded.operation_id, holder_subject = excluded.holder_subject, holder_name = excluded.holder_name,
          acquired_at = now(), expires_at = excluded.expires_at, fencing_token = service_locks.fencing_token + 1
        where service_locks.operation_id is null or service_locks.expires_at < now() or service_locks.operation_id = excluded.operation_id
        returning fencing_token`,
  );
  const row = rows[0];
  if (row) return { token: Number(row.fencing_token) };
  const [held] = await db.select().from(serviceLocks).where(keyIs(input));
  const who = held?.holderName || held?.holderSubject || 'another operator';
  const since = held?.acquiredAt ? held.acquiredAt.toISOString() : 'a moment ago';
  throw new AppError(
    'conflict',
    `${input.service} is locked by ${who} since ${since} (operation ${held?.operationId ?? 'unknown'}); wait for it to finish or cancel it.`,
    { subCode: 'locked' },
  );
}

/** Extends the lock while its operation still holds it with this token; false when it was lost. */
export async function heartbeatLock(db: Db, key: ServiceKey, operationId: string, token: number, ttlSeconds: number): Promise<boolean> {
  const { account, region, cluster, service } = key;
  const rows = await queryRows<{ ok: number }>(
    db,
    sql`update service_locks set expires_at = now() + make_interval(secs => ${ttlSeconds})
        where account = ${account} and region = ${region} and cluster = ${cluster} and service = ${service}
          and operation_id = ${operationId} and fencing_token = ${token} and expires_at >= now()
        returning 1 as ok`,
  );
  return rows.length > 0;
}

/** Throws unless `operationId` still holds the lock with `token` and it has not expired: checked before every AWS write. */
export async function assertFence(db: Db, key: ServiceKey, operationId: string, token: number): Promise<void> {
  const { account, region, cluster, service } = key;
  const rows = await queryRows<{ ok: number }>(
    db,
    sql`select 1 as ok from service_locks where account = ${account} and region = ${region} and cluster = ${cluster} and service = ${service}
        and operation_id = ${operationId} and fencing_token = ${token} and expires_at >= now()`,
  );
  if (rows.length === 0) {
    throw new AppError('conflict', `The lock on ${service} was lost (fencing token ${token} is no longer current); nothing was sent to AWS.`);
  }
}

/** Frees the lock if this operation holds it (any token). */
export async function releaseLock(db: Db, key: ServiceKey, operationId: string): Promise<void> {
  await db
    .update(serviceLocks)
    .set({ operationId: null, holderSubject: null, holderName: null, acquiredAt: null, expiresAt: null })
    .where(and(keyIs(key), eq(serviceLocks.operationId, operationId)));
}

export async function lockHolder(db: Db, key: ServiceKey): Promise<{ operationId: string; holder: string; since: string } | null> {
  const { account, region, cluster, service } = key;
  const rows = await queryRows<{ operation_id: string; holder_name: string | null; holder_subject: string | null; acquired_at: Date | string }>(
    db,
    sql`select operation_id, holder_name, holder_subject, acquired_at from service_locks
        where account = ${account} and region = ${region} and cluster = ${cluster} and service = ${service}
          and operation_id is not null and expires_at >= now()`,
  );
  const r = rows[0];
  if (!r) return null;
  return { operationId: r.operation_id, holder: r.holder_name || r.holder_subject || 'someone', since: new Date(r.acquired_at).toISOString() };
}

function keyIs(key: ServiceKey) {
  return and(eq(serviceLocks.account, key.account), eq(serviceLocks.region, key.region), eq(serviceLocks.cluster, key.cluster), eq(serviceLocks.service, key.service));
}
