import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';
import { asSuperuser, describeTargets } from '../db/test-targets';
import { appendAudit } from './append';
import { hashEntry } from './hash';
import type { AuditEntry } from './types';
import { verifyAuditChain } from './verify';

const actor = { issuer: 'https://idp.example', subject: 'alice', name: 'Alice', role: 'operator' as const };

async function chainOf(db: Db, n: number): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (let i = 1; i <= n; i++) entries.push(await appendAudit(db, { actor, action: 'service.scale', target: `svc-${i}`, params: { desired: i }, outcome: 'success' }));
  return entries;
}

/** The row as a superuser would forge it: plausible fields, a hash that is either junk or recomputed. */
function forgedRow(seq: number, prevHash: string, base: AuditEntry, hash?: string) {
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
    hash: hash ?? hashEntry(prevHash, fields),
  };
}

describeTargets('verifyAuditChain', (target) => {
  it('accepts an empty log and an intact one, across batch boundaries', async () => {
    const { db } = await target.fresh({ migrated: true });
    assert.deepEqual(await verifyAuditChain(db), { ok: true, checked: 0, head: null });
    const entries = await chainOf(db, 10);
    for (const batchSize of [1, 3, 10, 1000]) {
      assert.deepEqual(await verifyAuditChain(db, { batchSize }), { ok: true, checked: 10, head: { seq: 10, hash: entries[9]!.hash } });
    }
  });

  it('finds an edited entry (triggers disabled with ALTER TABLE … DISABLE TRIGGER ALL)', async () => {
    const { db } = await target.fresh({ migrated: true });
    await chainOf(db, 6);
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger all`);
      await tx.execute(sql`update audit_log set params = '{"desired": 60}' where seq = 4`);
      await tx.execute(sql`alter table audit_log enable trigger all`);
    });
    assert.deepEqual(await verifyAuditChain(db, { batchSize: 4 }), { ok: false, checked: 3, firstBroken: { seq: 4, reason: 'hash mismatch' } });
  });

  it('finds a deleted entry (session_replication_role = replica)', async () => {
    const { db } = await target.fresh({ migrated: true });
    await chainOf(db, 6);
    await asSuperuser(db, (tx) => tx.execute(sql`delete from audit_log where seq = 3`));
    assert.deepEqual(await verifyAuditChain(db), { ok: false, checked: 2, firstBroken: { seq: 3, reason: 'missing entry' } });
  });

  it('finds a deletion hidden by renumbering the entries after it', async () => {
    const { db } = await target.fresh({ migrated: true });
    await chainOf(db, 6);
    await asSuperuser(db, async (tx) => {
      await tx.execute(sql`delete from audit_log where seq = 3`);
      for (const seq of [4, 5, 6]) await tx.execute(sql`update audit_log set seq = ${seq - 1} where seq = ${seq}`);
    });
    assert.deepEqual(await verifyAuditChain(db), { ok: false, checked: 2, firstBroken: { seq: 3, reason: 'broken link' } });
  });

  it('finds a forged entry appended with a made-up hash', async () => {
    const { db } = await target.fresh({ migrated: true });
    const entries = await chainOf(db, 4);
    await asSuperuser(db, (tx) => tx.insert(auditLog).values(forgedRow(5, entries[3]!.hash, entries[3]!, 'f'.repeat(64))));
    assert.deepEqual(await verifyAuditChain(db), { ok: false, checked: 4, firstBroken: { seq: 5, reason: 'hash mismatch' } });
  });

  it('finds a forged entry slipped into the middle even when its own hash is computed correctly', async () => {
    const { db } = await target.fresh({ migrated: true });
    const entries = await chainOf(db, 5);
    // Make room at seq 3 by moving 3..5 up one, then insert a self-consistent forgery linked to entry 2.
    await asSuperuser(db, async (tx) => {
      for (const seq of [5, 4, 3]) await tx.execute(sql`update audit_log set seq = ${seq + 1} where seq = ${seq}`);
      await tx.insert(auditLog).values(forgedRow(3, entries[1]!.hash, entries[2]!));
    });
    assert.deepEqual(await verifyAuditChain(db), { ok: false, checked: 3, firstBroken: { seq: 4, reason: 'broken link' } });
  });
});
