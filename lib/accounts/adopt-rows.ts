import { sql } from 'drizzle-orm';
import type { Db } from '../db/db';
import { queryRows } from '../db/query-rows';
import type { PlaceRef } from './places';

/**
 * Migration 0009 gave every operation and lock an account and Region, '' for the rows that existed
 * before. SQL cannot know the configuration, so at start those rows move to the home account and
 * Region — where a single-account Codeflow always worked. Idempotent: a second run finds nothing.
 */
export async function adoptUnplacedRows(db: Db, home: PlaceRef): Promise<{ operations: number; locks: number }> {
  return db.transaction(async (tx) => {
    const ops = await queryRows(tx as Db, sql`update operations set account = ${home.accountId}, region = ${home.region} where account = '' returning id`);
    // A lock row already at home for the same service (none in practice) keeps its place; the old one goes.
    const locks = await queryRows(tx as Db, sql`
      update service_locks old set account = ${home.accountId}, region = ${home.region}
      where old.account = '' and not exists (
        select 1 from service_locks h where h.account = ${home.accountId} and h.region = ${home.region} and h.cluster = old.cluster and h.service = old.service)
      returning cluster`);
    await tx.execute(sql`delete from service_locks where account = '' and operation_id is null`);
    return { operations: ops.length, locks: locks.length };
  });
}
