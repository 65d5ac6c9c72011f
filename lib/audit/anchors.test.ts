import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { readLogStream } from '../aws/logs';
import { testClients } from '../aws/testing/fixtures';
import { describeTargets } from '../db/test-targets';
import { ANCHOR_FILE, cloudWatchAnchorStore, fileAnchorStore, readAnchors, type AnchorStore } from './anchors';
import { anchorStoresFromEnv, settleAuditAnchoring, startAuditAnchoring, stopAuditAnchoring, verifyAuditChainWithAnchors } from './anchoring';
import { appendAudit } from './append';
import { resolveAuditKey } from './audit-key';

// The process key for this file, so nothing is generated into the working directory.
process.env.CODEFLOW_AUDIT_KEY = 'anchors-test-key-0123456789abcdefghijklmnopqrstuvwxyz';
const actor = { issuer: 'https://idp.example', subject: 'alice', name: 'Alice', role: 'operator' as const };
const hash = (c: string) => c.repeat(64);

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'codeflow-anchors-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('audit anchor stores', () => {
  it('the file store appends JSON lines, private to the owner, and reads them back (a torn last line is skipped)', async () => {
    const dir = tempDir();
    const store = fileAnchorStore(dir);
    assert.deepEqual(await store.readAll(), []);
    await store.write({ seq: 1, hash: hash('a'), at: '2026-01-01T00:00:00.000Z' });
    await store.write({ seq: 4, hash: hash('b'), at: '2026-01-01T00:01:00.000Z' });
    assert.equal(statSync(join(dir, ANCHOR_FILE)).mode & 0o777, 0o600);
    appendFileSync(join(dir, ANCHOR_FILE), '{"type":"codeflow.audit.anc');
    assert.deepEqual((await store.readAll()).map((a) => a.seq), [1, 4]);
    // Damage anywhere but the end is not silently skipped.
    const text = readFileSync(join(dir, ANCHOR_FILE), 'utf8');
    rmSync(join(dir, ANCHOR_FILE));
    appendFileSync(join(dir, ANCHOR_FILE), `garbage\n${text}`);
    await assert.rejects(store.readAll(), /line 1 is not an audit anchor/);
  });

  it('the audit key comes from CODEFLOW_AUDIT_KEY (refused when weak) or is generated once into the data directory, mode 0600', () => {
    const dir = tempDir();
    assert.throws(() => resolveAuditKey({ CODEFLOW_AUDIT_KEY: 'changeme' }, dir), /too weak/);
    assert.equal(resolveAuditKey({ CODEFLOW_AUDIT_KEY: process.env.CODEFLOW_AUDIT_KEY }, dir), process.env.CODEFLOW_AUDIT_KEY);
    const generated = resolveAuditKey({}, dir);
    assert.ok(generated.length >= 32);
    assert.equal(statSync(join(dir, 'audit.key')).mode & 0o777, 0o600);
    assert.equal(resolveAuditKey({}, dir), generated, 'the same key on the next start');
  });
});

describe('audit anchors in CloudWatch Logs (the sandbox, through lib/aws/logs)', () => {
  let running: RunningSandbox;
  before(async () => {
    running = await startSandbox({ port: 0, seed: 42, speed: 0 });
  });
  after(() => running?.close());

  it('writes anchors to a stream it creates, and reads back only anchors', async () => {
    const aws = testClients(running.url);
    const store = cloudWatchAnchorStore(aws, '/ecs/codeflow', 'codeflow-audit-anchors');
    assert.deepEqual(await store.readAll(), [], 'no stream yet: no anchors');
    await store.write({ seq: 7, hash: hash('c'), at: new Date().toISOString() });
    await store.write({ seq: 9, hash: hash('d'), at: new Date().toISOString() });
    assert.deepEqual((await store.readAll()).map((a) => [a.seq, a.hash]), [[7, hash('c')], [9, hash('d')]]);
    const raw = await readLogStream(aws, { logGroup: '/ecs/codeflow', stream: 'codeflow-audit-anchors' });
    assert.equal(raw?.length, 2);
  });

  it('configured from the environment: the data directory file, plus the stream when a group is named', async () => {
    const dir = tempDir();
    const aws = testClients(running.url);
    const fileOnly = await anchorStoresFromEnv({ CODEFLOW_DATA_DIR: dir });
    assert.deepEqual(fileOnly.map((s) => s.name), [`${ANCHOR_FILE} in the data directory`]);
    await fileOnly[0]!.write({ seq: 1, hash: hash('e'), at: new Date().toISOString() });
    assert.equal(statSync(join(dir, ANCHOR_FILE)).isFile(), true, 'in CODEFLOW_DATA_DIR');
    const both = await anchorStoresFromEnv({ CODEFLOW_DATA_DIR: dir, CODEFLOW_AUDIT_ANCHOR_LOG_GROUP: '/ecs/codeflow' }, async () => cloudWatchAnchorStore(aws, '/ecs/codeflow', 'audit-anchors'));
    assert.equal(both.length, 2);
  });
});

describeTargets('audit anchoring worker', (target) => {
  let running: RunningSandbox;
  before(async () => {
    running = await startSandbox({ port: 0, seed: 42, speed: 0 });
  });
  after(async () => {
    stopAuditAnchoring();
    await running?.close();
  });

  it('anchors the head at start and after each write burst, to the file and the stream; the verifier then finds a cut tail in either', async () => {
    const { db } = await target.fresh({ migrated: true });
    const file = fileAnchorStore(tempDir());
    const stream = cloudWatchAnchorStore(testClients(running.url), '/ecs/codeflow', `anchors-${target.kind}`);
    const stores: AnchorStore[] = [file, stream];
    for (let i = 1; i <= 3; i++) await appendAudit(db, { actor, action: 'service.scale', target: `svc-${i}`, outcome: 'success' });

    startAuditAnchoring({ db: async () => db, stores: async () => stores, intervalMs: 60_000, burstDelayMs: 1_000 });
    await waitFor(async () => (await file.readAll()).length === 1);
    await settleAuditAnchoring();
    assert.deepEqual((await stream.readAll()).map((a) => a.seq), [3], 'the head at start, in both stores');

    // A burst of writes is anchored shortly after, once (twice at most on a machine slow enough to
    // spread three appends over more than the one-second delay): fewer anchors than writes.
    await Promise.all([4, 5, 6].map((i) => appendAudit(db, { actor, action: 'service.scale', target: `svc-${i}`, outcome: 'success' })));
    await waitFor(async () => (await file.readAll()).some((a) => a.seq === 6));
    await settleAuditAnchoring();
    const seqs = (await stream.readAll()).map((a) => a.seq);
    assert.equal(seqs[0], 3);
    assert.equal(seqs.at(-1), 6);
    assert.ok(seqs.length <= 3, `one anchor per burst, not per write: ${seqs.join(', ')}`);
    stopAuditAnchoring();

    const intact = await verifyAuditChainWithAnchors(db, stores);
    assert.equal(intact.ok, true);
    assert.deepEqual(intact.anchorSources.map((s) => s.anchors), [seqs.length, seqs.length]);

    // The newest three rows deleted with the triggers off: each store alone gives it away.
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger all`);
      await tx.execute(sql`delete from audit_log where seq > 3`);
      await tx.execute(sql`alter table audit_log enable trigger all`);
    });
    for (const only of [[file], [stream]]) {
      const cut = await verifyAuditChainWithAnchors(db, only);
      assert.deepEqual(cut.ok === false && cut.firstBroken, { seq: 4, reason: 'missing entry' });
    }
    const { sources } = await readAnchors(stores);
    assert.equal(sources.length, 2);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
