import { desc, sql } from 'drizzle-orm';
import { ADVISORY_LOCKS } from '../db/advisory-locks';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';
import { noteAuditAppended } from './anchoring';
import { getAuditKey } from './audit-key';
import { entryFromRow, GENESIS_HASH, hashEntry, toJsonValue, type HashedFields } from './hash';
import type { AuditEntry, AuditOutcome, NewAuditEntry } from './types';

/**
 * Appends one entry to the chain and returns it as stored. Replicas serialise on an advisory lock
 * held for the transaction, so each entry links to the one before it and no two share a parent.
 * The hash is keyed with the process's audit key (lib/audit/audit-key.ts) unless `options.key`
 * is given; the new head is anchored outside the database shortly after (lib/audit/anchoring.ts).
 */
export async function appendAudit(db: Db, entry: NewAuditEntry, options: { key?: string } = {}): Promise<AuditEntry> {
  if (!entry.action) throw new Error('an audit entry needs an action');
  const key = options.key ?? getAuditKey();
  const appended = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ADVISORY_LOCKS.auditAppend})`);
    const [last] = await tx.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    const fields: HashedFields = {
      // Milliseconds, UTC: timestamptz keeps microseconds, so a JS Date round-trips exactly.
      at: new Date().toISOString(),
      actor: entry.actor ? { issuer: entry.actor.issuer, subject: entry.actor.subject, name: entry.actor.name ?? null, role: entry.actor.role ?? null } : null,
      action: entry.action,
      target: entry.target ?? null,
      params: toJsonValue(entry.params),
      reason: entry.reason ?? null,
      outcome: entry.outcome,
      intentSeq: entry.intentSeq ?? null,
      requestId: entry.requestId ?? null,
      awsRequestIds: [...(entry.awsRequestIds ?? [])],
    };
    const prevHash = last?.hash ?? GENESIS_HASH;
    const [row] = await tx
      .insert(auditLog)
      .values({
        // Explicit rather than the sequence's nextval: a failed insert would burn a value, and
        // the verifier reads any gap in seq as a deleted entry.
        seq: (last?.seq ?? 0) + 1,
        at: new Date(fields.at),
        actorIssuer: fields.actor?.issuer ?? null,
        actorSubject: fields.actor?.subject ?? null,
        actorName: fields.actor?.name ?? null,
        actorRole: fields.actor?.role ?? null,
        action: fields.action,
        target: fields.target,
        params: fields.params,
        reason: fields.reason,
        outcome: fields.outcome,
        intentSeq: fields.intentSeq,
        requestId: fields.requestId,
        awsRequestIds: fields.awsRequestIds,
        prevHash,
        hash: hashEntry(prevHash, fields, key),
      })
      .returning();
    return entryFromRow(row!);
  });
  noteAuditAppended();
  return appended;
}

export type IntentEntry = Omit<NewAuditEntry, 'outcome' | 'intentSeq'>;

/** Written before an AWS call: what is about to happen, by whom, why. */
export function recordIntent(db: Db, entry: IntentEntry): Promise<AuditEntry> {
  return appendAudit(db, { ...entry, outcome: 'intent', intentSeq: null });
}

export interface OutcomeDetails {
  outcome: Exclude<AuditOutcome, 'intent'>;
  awsRequestIds?: string[];
  /** What came of it (e.g. the new task definition, the error); the intent already holds the inputs. */
  params?: unknown;
  reason?: string | null;
}

/** Written after the AWS call; points at its intent and repeats who and what, so either reads alone. */
export function recordOutcome(db: Db, intent: AuditEntry, details: OutcomeDetails): Promise<AuditEntry> {
  if (intent.outcome !== 'intent') throw new Error(`audit entry ${intent.seq} is an outcome, not an intent`);
  return appendAudit(db, {
    actor: intent.actor,
    action: intent.action,
    target: intent.target,
    params: details.params,
    reason: details.reason ?? null,
    outcome: details.outcome,
    intentSeq: intent.seq,
    requestId: intent.requestId,
    awsRequestIds: details.awsRequestIds,
  });
}
