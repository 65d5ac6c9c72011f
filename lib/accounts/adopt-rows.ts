import { sql } from 'drizzle-orm';
import type { Db } from '../db/db';
import { queryRows } from '../db/query-rows';
import type { PlaceRef } from './places';

/**
 * Migration 0009 gave every operation and lock an account and Region, '' for the rows that existed
 * before; incidents' affected services (JSON) name theirs from now on. SQL cannot know the configuration, so at start those rows move to the home account and
 * Region — where a single-account Codeflow always worked. Idempotent: a second run finds nothing.
 */
export async function adoptUnplacedRows(db: Db, home: PlaceRef): Promise<{ operations: number; locks: number; incidents: number }> {
  return db.transaction(async (tx) => {
    const ops = await queryRows(tx as Db, sql`update operations set account = ${home.accountId}, region = ${home.region} where account = '' returning id`);
    // A lock row already at home for the same service (none in practice) keeps its place; the old one goes.
    const locks = await queryRows(tx as Db, sql`
      update service_locks old set account = ${home.accountId}, region = ${home.region}
      where old.account = '' and not exists (
        select 1 from service_locks h where h.account = ${home.accountId} and h.region = ${home.region} and h.cluster = old.cluster and h.service = old.service)
      returning cluster`);
    await tx.execute(sql`delete from service_locks where account = '' and operation_id is null`);
    // An incident's affected services are JSON: each one without an account gets home's.
    const affected = await queryRows(
      tx as Db,
      sql`update incidents set services = (
            select coalesce(jsonb_agg(case when e ? 'account' then e else e || jsonb_build_object('account', ${home.accountId}::text, 'region', ${home.region}::text) end order by n), '[]'::jsonb)
            from jsonb_array_elements(services) with ordinality as t(e, n))
          where exists (select 1 from jsonb_array_elements(services) e where not (e ? 'account'))
          returning id`,
    );
    return { operations: ops.length, locks: locks.length, incidents: affected.length };
  });
}
