/**
 * What the database recorded against a sandbox world that was since reset: operations still
 * running are failed and every lock released, and everything recorded is marked — on PGlite and,
 * when TEST_DATABASE_URL reaches a server, PostgreSQL.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'drizzle-orm';
import { describeTargets } from '../db/test-targets';
import { queryRows } from '../db/query-rows';
import type { Db } from '../db/client';
import { reconcileSandboxWorld, WORLD_RESET_ERROR } from './world-reset';

async function operation(db: Db, service: string, status: string): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`insert into operations (kind, cluster, service, environment, status, request, plan, fingerprint, reason, requested_by_issuer, requested_by_subject, requested_by_name, fencing_token)
        values ('deploy', 'codeflow-cluster', ${service}, 'production', ${status}, '{}'::jsonb, '{}'::jsonb, 'f', 'ship it', 'sandbox', 'olga', 'Olga Operator', 1) returning id`,
  );
  return row!.id;
}

async function lock(db: Db, service: string, operationId: string): Promise<void> {
  await db.execute(sql`insert into service_locks (cluster, service, operation_id, holder_subject, holder_name, acquired_at, expires_at, fencing_token)
    values ('codeflow-cluster', ${service}, ${operationId}, 'olga', 'Olga Operator', now(), now() + interval '1 hour', 1)`);
}

async function incident(db: Db): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`insert into incidents (title, severity, status, source_kind, opened_at, opened_by_issuer, opened_by_subject, clock_started_at)
        values ('5xx on codeflow-service', 'P1', 'open', 'manual', now(), 'sandbox', 'rita', now()) returning id`,
  );
  return row!.id;
}

describeTargets('sandbox world reset', (target) => {
  it('records the first world, and does nothing while the world stays the same', async () => {
    const { db } = await target.fresh({ migrated: true });
    const first = await reconcileSandboxWorld(db, 'world-a');
    assert.deepEqual({ previous: first.previous, changed: first.changed }, { previous: null, changed: false });
    const verifying = await operation(db, 'codeflow-service', 'verifying');
    await lock(db, 'codeflow-service', verifying);
    const again = await reconcileSandboxWorld(db, 'world-a');
    assert.equal(again.changed, false);
    const [op] = await queryRows<{ status: string }>(db, sql`select status from operations where id = ${verifying}`);
    assert.equal(op!.status, 'verifying');
    const [held] = await queryRows<{ operation_id: string | null }>(db, sql`select operation_id from service_locks where service = 'codeflow-service'`);
    assert.equal(held!.operation_id, verifying);
  });

  it('fails running operations, releases every lock and marks incidents when the world was reset', async () => {
    const { db } = await target.fresh({ migrated: true });
    await reconcileSandboxWorld(db, 'world-a');
    const verifying = await operation(db, 'codeflow-service', 'verifying');
    const awaiting = await operation(db, 'payments-api', 'awaiting_approval');
    const done = await operation(db, 'reports-worker', 'succeeded');
    await lock(db, 'codeflow-service', verifying);
    await lock(db, 'payments-api', awaiting);
    const incidentId = await incident(db);

    const result = await reconcileSandboxWorld(db, 'world-b');
    assert.equal(result.previous, 'world-a');
    assert.equal(result.changed, true);
    assert.deepEqual(new Set(result.failedOperations), new Set([verifying, awaiting]));
    assert.equal(result.releasedLocks, 2);
    assert.equal(result.markedIncidents, 1);

    const ops = await queryRows<{ id: string; status: string; error: string | null; fencing_token: string | null; execution: Record<string, unknown> }>(db, sql`select id, status, error, fencing_token, execution from operations`);
    for (const op of ops) {
      assert.ok(op.execution.sandboxWorldReset, `operation ${op.id} is marked`);
      if (op.id === done) assert.equal(op.status, 'succeeded');
      else assert.deepEqual([op.status, op.error, op.fencing_token], ['failed', WORLD_RESET_ERROR, null]);
    }
    const locks = await queryRows<{ operation_id: string | null; fencing_token: string }>(db, sql`select operation_id, fencing_token from service_locks`);
    assert.equal(locks.length, 2);
    for (const l of locks) {
      assert.equal(l.operation_id, null, 'no lock is held');
      assert.equal(Number(l.fencing_token), 1, 'the fencing token is kept: it only ever grows');
    }
    const events = await queryRows<{ kind: string; text: string }>(db, sql`select kind, text from incident_events where incident_id = ${incidentId}`);
    assert.ok(events.some((e) => e.kind === 'note' && /sandbox world .* was reset/.test(e.text)));
    const audit = await queryRows<{ action: string }>(db, sql`select action from audit_log where action = 'sandbox.world_reset'`);
    assert.equal(audit.length, 1);

    // Once recorded, the new world is the one: a second start changes nothing.
    assert.equal((await reconcileSandboxWorld(db, 'world-b')).changed, false);
  });

  it('treats a database from before world ids, holding records, as recorded against a world that is gone', async () => {
    const { db } = await target.fresh({ migrated: true });
    const executing = await operation(db, 'codeflow-service', 'executing');
    await lock(db, 'codeflow-service', executing);
    const result = await reconcileSandboxWorld(db, 'world-new');
    assert.equal(result.changed, true);
    assert.deepEqual(result.failedOperations, [executing]);
    assert.equal(result.releasedLocks, 1);
  });
});
