/**
 * Migration 0009 and the start-time adoption of rows from before accounts and Regions were
 * recorded, on PGlite and PostgreSQL: existing operations and locks move to the home account and
 * Region, locks become per account × Region (two accounts' codeflow-service lock independently),
 * and rolling the migration back returns to one lock per cluster and service.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'drizzle-orm';
import { loadMigrations, migrateUp, rollbackLast } from '../db/migrate';
import { queryRows } from '../db/query-rows';
import { describeTargets } from '../db/test-targets';
import { acquireLock, lockHolder } from '../ops/lock';
import { adoptUnplacedRows } from './adopt-rows';

const HOME = { accountId: '123456789012', region: 'us-east-1' };
const before0009 = loadMigrations().filter((m) => m.version < 9);

describeTargets('accounts and Regions in the database', (target) => {
  it('moves the operations and locks from before to the home account and Region, once', async () => {
    const { db } = await target.fresh();
    await migrateUp(db, { migrations: before0009 });
    await db.execute(sql`insert into operations (id, kind, cluster, service, environment, status, request, plan, fingerprint, reason, requested_by_issuer, requested_by_subject)
      values ('00000000-0000-4000-8000-000000000009', 'deploy', 'codeflow-cluster', 'codeflow-service', 'production', 'verifying', '{}'::jsonb, '{}'::jsonb, 'f', 'ship it', 'sso', 'olga')`);
    await db.execute(sql`insert into service_locks (cluster, service, operation_id, holder_subject, acquired_at, expires_at, fencing_token)
      values ('codeflow-cluster', 'codeflow-service', '00000000-0000-4000-8000-000000000009', 'olga', now(), now() + interval '1 hour', 7)`);

    await db.execute(sql`insert into incidents (title, severity, status, services, source_kind, opened_at, opened_by_issuer, opened_by_subject, clock_started_at, playbook)
      values ('5xx on checkout', 'P2', 'open', ${JSON.stringify([{ cluster: 'codeflow-cluster', service: 'codeflow-service' }, { cluster: 'codeflow-staging', service: 'checkout-api' }])}::jsonb, 'manual', now(), 'sso', 'olga', now(), '[]'::jsonb)`);

    await migrateUp(db);
    assert.deepEqual(await queryRows(db, sql`select account, region from operations`), [{ account: '', region: '' }], 'SQL cannot know the configuration');
    assert.deepEqual(await adoptUnplacedRows(db, HOME), { operations: 1, locks: 1, incidents: 1 });
    const [incident] = await queryRows<{ services: unknown }>(db, sql`select services from incidents`);
    assert.deepEqual(incident!.services, [
      { account: HOME.accountId, region: 'us-east-1', cluster: 'codeflow-cluster', service: 'codeflow-service' },
      { account: HOME.accountId, region: 'us-east-1', cluster: 'codeflow-staging', service: 'checkout-api' },
    ]);
    assert.deepEqual(await queryRows(db, sql`select account, region, cluster, service from operations`), [{ account: HOME.accountId, region: 'us-east-1', cluster: 'codeflow-cluster', service: 'codeflow-service' }]);
    const [lock] = await queryRows<{ account: string; region: string; fencing_token: string | number }>(db, sql`select account, region, fencing_token from service_locks`);
    assert.deepEqual({ ...lock, fencing_token: Number(lock!.fencing_token) }, { account: HOME.accountId, region: 'us-east-1', fencing_token: 7 }, 'the fencing token is kept: it only ever grows');
    assert.equal((await lockHolder(db, { account: HOME.accountId, region: 'us-east-1', cluster: 'codeflow-cluster', service: 'codeflow-service' }))?.operationId, '00000000-0000-4000-8000-000000000009');
    assert.deepEqual(await adoptUnplacedRows(db, HOME), { operations: 0, locks: 0, incidents: 0 }, 'a second start finds nothing to move');
  });

  it('locks per account and Region: the same cluster and service in two accounts lock independently', async () => {
    const { db } = await target.fresh({ migrated: true });
    const ids = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'];
    for (const [i, account] of ['123456789012', '210987654321'].entries()) {
      await db.execute(sql`insert into operations (id, kind, account, region, cluster, service, environment, status, request, plan, fingerprint, reason, requested_by_issuer, requested_by_subject)
        values (${ids[i]}, 'deploy', ${account}, 'us-east-1', 'codeflow-cluster', 'codeflow-service', 'production', 'executing', '{}'::jsonb, '{}'::jsonb, 'f', 'ship it', 'sso', 'olga')`);
    }
    const key = (account: string) => ({ account, region: 'us-east-1', cluster: 'codeflow-cluster', service: 'codeflow-service' });
    const a = await acquireLock(db, { ...key('123456789012'), operationId: ids[0]!, holderSubject: 'olga', holderName: 'Olga', ttlSeconds: 60 });
    const b = await acquireLock(db, { ...key('210987654321'), operationId: ids[1]!, holderSubject: 'olga', holderName: 'Olga', ttlSeconds: 60 });
    assert.equal(a.token, 1);
    assert.equal(b.token, 1);
    await assert.rejects(acquireLock(db, { ...key('210987654321'), operationId: ids[0]!, holderSubject: 'ivan', holderName: 'Ivan', ttlSeconds: 60 }), /locked by Olga/);
    // Another Region of the same account is another service again.
    assert.equal(await lockHolder(db, { ...key('210987654321'), region: 'us-west-2' }), null);
  });

  it('rolls back to one lock per cluster and service, keeping the highest fencing token', async () => {
    const { db } = await target.fresh({ migrated: true });
    await db.execute(sql`insert into service_locks (account, region, cluster, service, fencing_token) values
      ('123456789012', 'us-east-1', 'codeflow-cluster', 'codeflow-service', 3),
      ('210987654321', 'us-east-1', 'codeflow-cluster', 'codeflow-service', 9)`);
    while ((await rollbackLast(db))?.version !== 9) {
      // down to 0009
    }
    const rows = await queryRows<{ fencing_token: string | number }>(db, sql`select fencing_token from service_locks`);
    assert.deepEqual(rows.map((r) => Number(r.fencing_token)), [9]);
    assert.deepEqual((await migrateUp(db)).map((m) => m.version).includes(9), true);
  });
});
