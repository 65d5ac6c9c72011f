import { asc, gt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';
import { entryFromRow, GENESIS_HASH, hashEntry } from './hash';

export type ChainBreak = 'hash mismatch' | 'broken link' | 'missing entry';

export type ChainVerification =
  | { ok: true; checked: number; head: { seq: number; hash: string } | null }
  | { ok: false; checked: number; firstBroken: { seq: number; reason: ChainBreak } };

/**
 * Walks the log in seq order, in batches, and recomputes every hash. An edited entry fails its own
 * hash; a deleted one leaves a gap in seq (or, if seqs were rewritten, a broken link); a forged one
 * fails its hash or breaks the link of the entry after it. `head` is worth recording elsewhere:
 * rewriting the whole chain from some point on, or dropping its newest entries, is only visible
 * against a head kept outside this database.
 */
export async function verifyAuditChain(db: Db, options: { batchSize?: number } = {}): Promise<ChainVerification> {
  const batchSize = options.batchSize ?? 1000;
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  let head: { seq: number; hash: string } | null = null;
  for (;;) {
    const rows = await db.select().from(auditLog).where(gt(auditLog.seq, expectedSeq - 1)).orderBy(asc(auditLog.seq)).limit(batchSize);
    for (const row of rows) {
      const broken = (reason: ChainBreak, seq = row.seq) => ({ ok: false as const, checked, firstBroken: { seq, reason } });
      if (row.seq !== expectedSeq) return broken('missing entry', expectedSeq);
      if (row.prevHash !== prevHash) return broken('broken link');
      const entry = entryFromRow(row);
      if (hashEntry(row.prevHash, entry) !== row.hash) return broken('hash mismatch');
      checked++;
      prevHash = row.hash;
      expectedSeq++;
      head = { seq: row.seq, hash: row.hash };
    }
    if (rows.length < batchSize) return { ok: true, checked, head };
  }
}
