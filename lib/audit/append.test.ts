import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Db } from '../db/client';
import { describeTargets, type TestDb } from '../db/test-targets';
import { appendAudit, recordIntent, recordOutcome } from './append';
import { getAuditKey } from './audit-key';
import { GENESIS_HASH, canonicalJson, hashEntry } from './hash';
import { listAudit } from './list';
import type { Actor } from './types';
import { verifyAuditChain } from './verify';

const alice: Actor = { issuer: 'https://idp.example', subject: 'alice', name: 'Alice', role: 'operator' };

it('canonicalJson sorts keys at every depth and drops undefined like JSON does', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: 'é' }], c: null } }), '{"a":{"c":null,"d":[1,{"x":"é","z":1}]},"b":1}');
  assert.equal(canonicalJson([undefined]), '[null]');
});

describeTargets('appendAudit', (target) => {
  let testDb: TestDb;
  let db: Db;
  before(async () => {
    testDb = await target.fresh({ migrated: true, maxConnections: 10 });
    db = testDb.db;
  });

  it('chains entries from the genesis hash and reads them back hashing the same', async () => {
    const first = await appendAudit(db, { actor: alice, action: 'auth.sign_in', outcome: 'success', params: { groups: ['ops'] } });
    assert.equal(first.seq, 1);
    assert.equal(first.prevHash, GENESIS_HASH);
    assert.match(first.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const second = await appendAudit(db, {
      actor: alice,
      action: 'service.scale',
      target: 'codeflow-cluster/codeflow-service',
      // Key order, Dates, undefined and non-ASCII all change in a jsonb round trip; the hash must not.
      params: { to: 6, from: 3, when: new Date('2025-01-02T03:04:05.678Z'), note: 'café ☕ "quoted"', skip: undefined, nested: { b: [1.5, -0], a: true } },
      reason: 'Black Friday',
      requestId: 'req-1',
      outcome: 'success',
      awsRequestIds: ['aws-1'],
    });
    assert.equal(second.prevHash, first.hash);
    assert.deepEqual(second.params, { to: 6, from: 3, when: '2025-01-02T03:04:05.678Z', note: 'café ☕ "quoted"', nested: { b: [1.5, 0], a: true } });

    const { entries } = await listAudit(db, {});
    assert.deepEqual(entries, [second, first], 'what was returned is exactly what is stored');
    for (const e of entries) assert.equal(hashEntry(e.prevHash, e, getAuditKey()), e.hash, 'keyed with the process key');
    assert.deepEqual(await verifyAuditChain(db), { ok: true, checked: 2, head: { seq: 2, hash: second.hash }, legacy: 0, anchors: { count: 0, latestSeq: null } });
  });

  it('records an anonymous denied attempt with no actor', async () => {
    const denied = await appendAudit(db, { actor: null, action: 'auth.denied', target: '/api/services', reason: 'no session', outcome: 'denied' });
    assert.equal(denied.actor, null);
    const roleless = await appendAudit(db, { actor: { ...alice, role: null }, action: 'auth.sign_in', reason: 'not in any Codeflow group', outcome: 'denied' });
    assert.deepEqual(roleless.actor, { ...alice, role: null });
    assert.equal((await verifyAuditChain(db)).ok, true);
  });

  it('links an outcome to its intent', async () => {
    const intent = await recordIntent(db, { actor: alice, action: 'service.scale', target: 'prod/api', params: { desired: 4 }, reason: 'load', requestId: 'req-2' });
    assert.equal(intent.outcome, 'intent');
    const outcome = await recordOutcome(db, intent, { outcome: 'success', awsRequestIds: ['a', 'b'] });
    assert.deepEqual(
      { seq: outcome.intentSeq, actor: outcome.actor, action: outcome.action, target: outcome.target, requestId: outcome.requestId, aws: outcome.awsRequestIds, params: outcome.params },
      { seq: intent.seq, actor: alice, action: 'service.scale', target: 'prod/api', requestId: 'req-2', aws: ['a', 'b'], params: null },
    );
    assert.throws(() => recordOutcome(db, outcome, { outcome: 'success' }), /is an outcome, not an intent/);
  });

  it('a rejected entry leaves no gap in the chain', async () => {
    await assert.rejects(appendAudit(db, { actor: { ...alice, role: 'root' as Actor['role'] }, action: 'x.y', outcome: 'success' }));
    await appendAudit(db, { actor: alice, action: 'x.y', outcome: 'success' });
    assert.equal((await verifyAuditChain(db)).ok, true);
  });

  it('concurrent appends still form one valid chain', async () => {
    const before = await verifyAuditChain(db);
    // On PostgreSQL, two pools stand for two replicas: 50 appends spread over up to 20 connections.
    const dbs = target.kind === 'postgres' ? [db, (await target.connectAgain(testDb, { maxConnections: 10 })).db] : [db];
    const n = 50;
    const appended = await Promise.all(
      Array.from({ length: n }, (_, i) => appendAudit(dbs[i % dbs.length]!, { actor: alice, action: 'test.concurrent', target: `t${i}`, outcome: 'success' })),
    );
    assert.equal(new Set(appended.map((e) => e.seq)).size, n);
    assert.equal(new Set(appended.map((e) => e.prevHash)).size, n, 'no two entries share a parent');
    const after = await verifyAuditChain(db, { batchSize: 7 });
    assert.deepEqual(after.ok && after.checked, before.checked + n);
  });
});
