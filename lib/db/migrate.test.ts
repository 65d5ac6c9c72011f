import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'drizzle-orm';
import { getMigrationStatus, loadMigrations, migrateUp, rollbackLast, type Migration } from './migrate';
import { queryRows } from './query-rows';
import type { Db } from './client';
import { describeTargets } from './test-targets';

const TABLES = ['users', 'api_tokens', 'audit_log', 'saved_queries', 'operations', 'service_locks', 'idempotency_keys', 'operation_approvals', 'settings', 'maintenance_completions'];
const NAMES = loadMigrations().map((m) => m.name);

async function existingTables(db: Db): Promise<string[]> {
  const rows = await queryRows<{ name: string | null }>(db, sql`select unnest(array[${sql.join(TABLES.map((t) => sql`to_regclass(${t})::text`), sql`, `)}]) as name`);
  return rows.map((r) => r.name).filter((n): n is string => n !== null);
}

describeTargets('migrations', (target) => {
  it('applies every migration to an empty database, then finds nothing to do', async () => {
    const { db } = await target.fresh();
    const applied = await migrateUp(db);
    assert.deepEqual(applied.map((m) => m.version), loadMigrations().map((m) => m.version));
    assert.deepEqual(await existingTables(db), TABLES);
    assert.deepEqual(await migrateUp(db), []);
    const status = await getMigrationStatus(db);
    assert.deepEqual(status.pending, []);
    assert.deepEqual(status.applied.map((m) => m.name), NAMES);
    assert.ok(status.applied[0]!.appliedAt instanceof Date);
  });

  it('rolls back the last migration, then applies it again', async () => {
    const { db } = await target.fresh({ migrated: true });
    const rolledBack = await rollbackLast(db);
    assert.equal(rolledBack?.name, NAMES.at(-1));
    while (await rollbackLast(db)) {
      // down to nothing, newest first
    }
    assert.deepEqual(await existingTables(db), []);
    assert.equal(await rollbackLast(db), null, 'nothing left to roll back');
    assert.deepEqual((await migrateUp(db)).map((m) => m.name), NAMES);
    assert.deepEqual(await existingTables(db), TABLES);
  });

  it('runs each migration in a transaction: a failing one leaves no trace and stops the run', async () => {
    const { db } = await target.fresh({ migrated: true });
    const broken: Migration = {
      version: 9001,
      name: 'broken',
      up: 'CREATE TABLE half_done (id int);\nSELECT 1 / 0;',
      down: 'DROP TABLE half_done;',
    };
    await assert.rejects(migrateUp(db, { migrations: [...loadMigrations(), broken] }), /migration 9001_broken\.up\.sql failed, nothing of it was applied: division by zero\n  in: SELECT 1 \/ 0/);
    const [row] = await queryRows<{ t: string | null }>(db, sql`select to_regclass('half_done')::text as t`);
    assert.equal(row?.t, null);
    assert.deepEqual((await getMigrationStatus(db, { migrations: [...loadMigrations(), broken] })).pending.map((m) => m.version), [9001]);
  });

  it('refuses to roll back a migration this build does not know', async () => {
    const { db } = await target.fresh({ migrated: true });
    await assert.rejects(rollbackLast(db, { migrations: [] }), /no \d{4}_[a-z0-9_]+\.down\.sql/);
  });

  if (target.kind === 'postgres') {
    it('two replicas migrating at once: each migration is applied once, the others wait and find it done', async () => {
      const first = await target.fresh();
      const second = await target.connectAgain(first);
      const results = await Promise.all([migrateUp(first.db), migrateUp(second.db), migrateUp(first.db)]);
      // Each migration is its own transaction, so replicas may share the work: each applied exactly once.
      const applied = results.flat().map((m) => m.name);
      assert.deepEqual([...applied].sort(), [...NAMES].sort());
      const rows = await queryRows<{ n: number }>(first.db, sql`select count(*)::int as n from schema_migrations`);
      assert.equal(rows[0]?.n, NAMES.length);
    });
  }
});
