import { asc, gt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';
import type { AuditAnchor } from './anchors';
import { getAuditKey } from './audit-key';
import { entryFromRow, GENESIS_HASH, hashEntry, hashEntryUnkeyed } from './hash';

/**
 * - `hash mismatch`: the entry's hash is not what the key gives (edited, or forged without the key);
 * - `broken link`: its prev_hash is not the hash of the entry before it;
 * - `missing entry`: a seq is absent, or an anchor names a seq past the newest row (a truncated tail);
 * - `unkeyed entry`: an entry hashed without the key where only keyed ones may be (after a keyed
 *   entry, or past the newest anchor): a forgery made with the old unkeyed hash;
 * - `differs from anchor`: the row at an anchored seq has another hash than the anchor recorded (a
 *   rewritten suffix, even one rewritten with the key).
 */
export type ChainBreak = 'hash mismatch' | 'broken link' | 'missing entry' | 'unkeyed entry' | 'differs from anchor';

export interface AnchorSummary {
  /** How many anchors were compared. */
  count: number;
  /** The highest anchored seq, or null when nothing is anchored yet. */
  latestSeq: number | null;
}

export type ChainVerification =
  | {
      ok: true;
      checked: number;
      head: { seq: number; hash: string } | null;
      /** Entries hashed before the audit key existed (seq 1..legacy), vouched for by an anchor. */
      legacy: number;
      anchors: AnchorSummary;
    }
  | { ok: false; checked: number; firstBroken: { seq: number; reason: ChainBreak }; anchors: AnchorSummary };

export interface VerifyOptions {
  batchSize?: number;
  /** The audit key; this process's key when absent. */
  key?: string;
  /** Anchors read from outside the database (lib/audit/anchors.ts); none when absent. */
  anchors?: readonly AuditAnchor[];
}

/**
 * Walks the log in seq order, in batches, recomputing every hash and comparing each anchored seq
 * with its anchor; the first problem found is reported. An edited entry fails its own hash; a
 * deleted one leaves a gap in seq (or, if seqs were rewritten, a broken link); a forged one fails
 * its hash, since it was made without the key; dropping the newest entries leaves an anchored seq
 * the database no longer has; rewriting a suffix (even with the key) changes an anchored hash.
 *
 * Entries written before the key existed carry the old unkeyed hash (version 1, lib/audit/hash.ts).
 * They pass only as a prefix: before the first keyed entry, and not past the newest anchor, which
 * the first anchoring after the upgrade placed on them (a re-anchored genesis). Anyone can compute
 * an unkeyed hash, so an unkeyed entry anywhere else is reported.
 */
export async function verifyAuditChain(db: Db, options: VerifyOptions = {}): Promise<ChainVerification> {
  const batchSize = options.batchSize ?? 1000;
  const key = options.key ?? getAuditKey();
  const anchored = new Map<number, Set<string>>();
  for (const a of options.anchors ?? []) anchored.set(a.seq, (anchored.get(a.seq) ?? new Set()).add(a.hash));
  const latestAnchored = anchored.size > 0 ? Math.max(...anchored.keys()) : null;
  const anchors: AnchorSummary = { count: options.anchors?.length ?? 0, latestSeq: latestAnchored };

  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  let legacy = 0;
  let keyedSeen = false;
  let head: { seq: number; hash: string } | null = null;
  const broken = (seq: number, reason: ChainBreak): ChainVerification => ({ ok: false, checked, firstBroken: { seq, reason }, anchors });
  for (;;) {
    const rows = await db.select().from(auditLog).where(gt(auditLog.seq, expectedSeq - 1)).orderBy(asc(auditLog.seq)).limit(batchSize);
    for (const row of rows) {
      if (row.seq !== expectedSeq) return broken(expectedSeq, 'missing entry');
      if (row.prevHash !== prevHash) return broken(row.seq, 'broken link');
      const entry = entryFromRow(row);
      if (hashEntry(row.prevHash, entry, key) === row.hash) keyedSeen = true;
      else if (hashEntryUnkeyed(row.prevHash, entry) === row.hash) {
        if (keyedSeen || latestAnchored === null || row.seq > latestAnchored) return broken(row.seq, 'unkeyed entry');
        legacy++;
      } else return broken(row.seq, 'hash mismatch');
      const expected = anchored.get(row.seq);
      if (expected && (expected.size > 1 || !expected.has(row.hash))) return broken(row.seq, 'differs from anchor');
      checked++;
      prevHash = row.hash;
      expectedSeq++;
      head = { seq: row.seq, hash: row.hash };
    }
    if (rows.length < batchSize) break;
  }
  // The database ends before the newest anchor: its tail was cut off.
  if (latestAnchored !== null && latestAnchored >= expectedSeq) return broken(expectedSeq, 'missing entry');
  return { ok: true, checked, head, legacy, anchors };
}
