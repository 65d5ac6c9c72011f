import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';
import { asSuperuser, describeTargets } from '../db/test-targets';
import { anchorAuditHead, fileAnchorStore, type AuditAnchor } from './anchors';
import { appendAudit } from './append';
import { hashEntry, hashEntryUnkeyed, type HashedFields } from './hash';
import type { AuditEntry } from './types';
import { verifyAuditChain } from './verify';

const actor = { issuer: 'https://idp.example', subject: 'alice', name: 'Alice', role: 'operator' as const };
const KEY = 'test-audit-key-0123456789abcdefghijklmnopqrstuvwxyz';
const noAnchors = { count: 0, latestSeq: null };

async function chainOf(db: Db, n: number, from = 1): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (let i = from; i < from + n; i++) entries.push(await appendAudit(db, { actor, action: 'service.scale', target: `svc-${i}`, params: { desired: i }, outcome: 'success' }, { key: KEY }));
  return entries;
}

/** The row as someone with database access would forge it: plausible fields, and a hash of their choosing. */
function forgedRow(seq: number, prevHash: string, base: AuditEntry, hash: (prevHash: string, fields: HashedFields) => string) {
  const fields = { ...base, target: 'svc-forged', reason: 'nothing to see here' };
  return {
    seq,
    at: new Date(fields.at),
    actorIssuer: actor.issuer,
    actorSubject: actor.subject,
    actorName: actor.name,
    actorRole: actor.role,
    action: fields.action,
    target: fields.target,
    params: fields.params,
    reason: fields.reason,
    outcome: fields.outcome,
    prevHash,
    hash: hash(prevHash, fields),
  };
}

/** Rewrites entries from `fromSeq` on (fields changed, hashes recomputed and relinked) with `hash`, as an attacker holding `hash` could. */
async function rewriteSuffix(db: Db, entries: AuditEntry[], fromSeq: number, hash: (prevHash: string, fields: HashedFields) => string) {
  await asSuperuser(db, async (tx) => {
    let prev = entries[fromSeq - 2]!.hash;
    for (const e of entries.slice(fromSeq - 1)) {
      const fields = { ...e, reason: 'rewritten' };
      const h = hash(prev, fields);
      await tx.execute(sql`update audit_log set reason = 'rewritten', prev_hash = ${prev}, hash = ${h} where seq = ${e.seq}`);
      prev = h;
    }
  });
}

const anchorOf = (e: AuditEntry): AuditAnchor => ({ seq: e.seq, hash: e.hash, at: new Date().toISOString() });

describeTargets('verifyAuditChain', (target) => {
  it('accepts an empty log and an intact one, across batch boundaries', async () => {
    const { db } = await target.fresh({ migrated: true });
    assert.deepEqual(await verifyAuditChain(db, { key: KEY }), { ok: true, checked: 0, head: null, legacy: 0, anchors: noAnchors });
    const entries = await chainOf(db, 10);
    for (const batchSize of [1, 3, 10, 1000]) {
      assert.deepEqual(await verifyAuditChain(db, { batchSize, key: KEY, anchors: [anchorOf(entries[4]!), anchorOf(entries[9]!)] }), {
        ok: true,
        checked: 10,
        head: { seq: 10, hash: entries[9]!.hash },
        legacy: 0,
        anchors: { count: 2, latestSeq: 10 },
      });
    }
  });

  it('the hash is keyed: the same chain under another key fails at its first entry', async () => {
    const { db } = await target.fresh({ migrated: true });
    await chainOf(db, 3);
    assert.deepEqual(await verifyAuditChain(db, { key: `${KEY}-other` }), { ok: false, checked: 0, firstBroken: { seq: 1, reason: 'hash mismatch' }, anchors: noAnchors });
  });

  it('finds an edited entry (triggers disabled with ALTER TABLE … DISABLE TRIGGER ALL)', async () => {
    const { db } = await target.fresh({ migrated: true });
    await chainOf(db, 6);
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger all`);
      await tx.execute(sql`update audit_log set params = '{"desired": 60}' where seq = 4`);
      await tx.execute(sql`alter table audit_log enable trigger all`);
    });
    assert.deepEqual(await verifyAuditChain(db, { batchSize: 4, key: KEY }), { ok: false, checked: 3, firstBroken: { seq: 4, reason: 'hash mismatch' }, anchors: noAnchors });
  });

  it('finds a deleted entry (session_replication_role = replica)', async () => {
    const { db } = await target.fresh({ migrated: true });
    await chainOf(db, 6);
    await asSuperuser(db, (tx) => tx.execute(sql`delete from audit_log where seq = 3`));
    assert.deepEqual(await verifyAuditChain(db, { key: KEY }), { ok: false, checked: 2, firstBroken: { seq: 3, reason: 'missing entry' }, anchors: noAnchors });
  });

  it('finds a deletion hidden by renumbering the entries after it', async () => {
    const { db } = await target.fresh({ migrated: true });
    await chainOf(db, 6);
    await asSuperuser(db, async (tx) => {
      await tx.execute(sql`delete from audit_log where seq = 3`);
      for (const seq of [4, 5, 6]) await tx.execute(sql`update audit_log set seq = ${seq - 1} where seq = ${seq}`);
    });
    assert.deepEqual(await verifyAuditChain(db, { key: KEY }), { ok: false, checked: 2, firstBroken: { seq: 3, reason: 'broken link' }, anchors: noAnchors });
  });

  it('finds a truncated tail: the newest 3 rows deleted with the triggers disabled, against the anchor', async () => {
    const { db } = await target.fresh({ migrated: true });
    const entries = await chainOf(db, 6);
    const anchors = [anchorOf(entries[5]!)];
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger all`);
      await tx.execute(sql`delete from audit_log where seq > 3`);
      await tx.execute(sql`alter table audit_log enable trigger all`);
    });
    assert.deepEqual(await verifyAuditChain(db, { key: KEY, anchors }), { ok: false, checked: 3, firstBroken: { seq: 4, reason: 'missing entry' }, anchors: { count: 1, latestSeq: 6 } });
    // Writing on after the cut does not hide it: the new seq 6 is not the anchored one.
    await chainOf(db, 3, 4);
    assert.deepEqual(await verifyAuditChain(db, { key: KEY, anchors }), { ok: false, checked: 5, firstBroken: { seq: 6, reason: 'differs from anchor' }, anchors: { count: 1, latestSeq: 6 } });
  });

  it('finds a forged append: a plain INSERT (triggers on) hashed with lib/audit/hash.ts but without the key', async () => {
    const { db } = await target.fresh({ migrated: true });
    const entries = await chainOf(db, 4);
    const last = entries[3]!;
    // The old unkeyed hash, which anyone can compute…
    await db.insert(auditLog).values(forgedRow(5, last.hash, last, hashEntryUnkeyed));
    assert.deepEqual(await verifyAuditChain(db, { key: KEY }), { ok: false, checked: 4, firstBroken: { seq: 5, reason: 'unkeyed entry' }, anchors: noAnchors });
    // …and the keyed one under a guessed key.
    await asSuperuser(db, (tx) => tx.execute(sql`delete from audit_log where seq = 5`));
    await db.insert(auditLog).values(forgedRow(5, last.hash, last, (p, f) => hashEntry(p, f, 'a-guess-at-the-key-that-is-long-enough-0123')));
    assert.deepEqual(await verifyAuditChain(db, { key: KEY }), { ok: false, checked: 4, firstBroken: { seq: 5, reason: 'hash mismatch' }, anchors: noAnchors });
  });

  it('finds a rewritten suffix: without the key at its first entry, with the key at the anchor it contradicts', async () => {
    const { db } = await target.fresh({ migrated: true });
    const entries = await chainOf(db, 6);
    const anchors = [anchorOf(entries[1]!), anchorOf(entries[5]!)];
    await rewriteSuffix(db, entries, 4, hashEntryUnkeyed);
    assert.deepEqual(await verifyAuditChain(db, { key: KEY, anchors }), { ok: false, checked: 3, firstBroken: { seq: 4, reason: 'unkeyed entry' }, anchors: { count: 2, latestSeq: 6 } });
    // Someone who also stole the key makes every hash check out; the anchor outside still does not.
    await rewriteSuffix(db, entries, 4, (p, f) => hashEntry(p, f, KEY));
    assert.deepEqual(await verifyAuditChain(db, { key: KEY, anchors }), { ok: false, checked: 5, firstBroken: { seq: 6, reason: 'differs from anchor' }, anchors: { count: 2, latestSeq: 6 } });
  });

  it('finds a forged entry slipped into the middle even when its own hash is computed with the key', async () => {
    const { db } = await target.fresh({ migrated: true });
    const entries = await chainOf(db, 5);
    // Make room at seq 3 by moving 3..5 up one, then insert a self-consistent forgery linked to entry 2.
    await asSuperuser(db, async (tx) => {
      for (const seq of [5, 4, 3]) await tx.execute(sql`update audit_log set seq = ${seq + 1} where seq = ${seq}`);
      await tx.insert(auditLog).values(forgedRow(3, entries[1]!.hash, entries[2]!, (p, f) => hashEntry(p, f, KEY)));
    });
    assert.deepEqual(await verifyAuditChain(db, { key: KEY }), { ok: false, checked: 3, firstBroken: { seq: 4, reason: 'broken link' }, anchors: noAnchors });
  });

  it('migrates an unkeyed chain honestly: old entries verify as legacy once anchored, and only as a prefix', async () => {
    const { db } = await target.fresh({ migrated: true });
    // A chain written before the audit key existed (version-1 hashes), as it is in the database.
    const legacy: AuditEntry[] = [];
    await asSuperuser(db, async (tx) => {
      let prev = '0'.repeat(64);
      for (let seq = 1; seq <= 3; seq++) {
        const base = { seq, at: new Date(Date.UTC(2025, 0, seq)).toISOString(), actor, action: 'service.scale', target: `old-${seq}`, params: null, reason: null, outcome: 'success' as const, intentSeq: null, requestId: null, awsRequestIds: [], prevHash: prev, hash: '' };
        const row = forgedRow(seq, prev, base, hashEntryUnkeyed);
        await tx.insert(auditLog).values({ ...row, target: base.target, reason: null });
        const hash = hashEntryUnkeyed(prev, { ...base, target: base.target });
        await tx.execute(sql`update audit_log set hash = ${hash}, reason = null where seq = ${seq}`);
        legacy.push({ ...base, hash });
        prev = hash;
      }
    });
    // Before any anchor vouches for them, unkeyed entries are indistinguishable from a forgery.
    assert.deepEqual(await verifyAuditChain(db, { key: KEY }), { ok: false, checked: 0, firstBroken: { seq: 1, reason: 'unkeyed entry' }, anchors: noAnchors });

    // The first anchoring after the upgrade re-anchors the chain on its legacy head; keyed entries follow.
    const dir = mkdtempSync(join(tmpdir(), 'codeflow-anchors-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const store = fileAnchorStore(dir);
    const { anchor } = await anchorAuditHead(db, [store]);
    assert.deepEqual({ seq: anchor?.seq, hash: anchor?.hash }, { seq: 3, hash: legacy[2]!.hash });
    const keyed = await chainOf(db, 2, 4);
    assert.equal(keyed[0]!.prevHash, legacy[2]!.hash, 'the keyed chain links on from the legacy one');
    const anchors = await store.readAll();
    assert.deepEqual(await verifyAuditChain(db, { key: KEY, anchors }), { ok: true, checked: 5, head: { seq: 5, hash: keyed[1]!.hash }, legacy: 3, anchors: { count: 1, latestSeq: 3 } });

    // An unkeyed entry after the keyed ones is a forgery, whatever the anchors say.
    await db.insert(auditLog).values(forgedRow(6, keyed[1]!.hash, keyed[1]!, hashEntryUnkeyed));
    assert.deepEqual(await verifyAuditChain(db, { key: KEY, anchors }), { ok: false, checked: 5, firstBroken: { seq: 6, reason: 'unkeyed entry' }, anchors: { count: 1, latestSeq: 3 } });
  });
});
