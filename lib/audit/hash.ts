import { createHash, createHmac } from 'node:crypto';
import type { AuditLogRow } from '../db/schema';
import type { AuditEntry, JsonValue } from './types';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields an entry's hash covers: everything but seq (assigned by the database) and the hashes. */
export type HashedFields = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

/**
 * How entries are hashed. Version 2 (every entry written since the audit key exists) is
 * HMAC-SHA256 under the audit key (lib/audit/audit-key.ts), over prev_hash + the canonical JSON of
 * the entry with `v: 2`: without the key, nobody can compute a hash the verifier accepts, however
 * much of the database they control. Version 1 (entries written before) is plain SHA-256 over the
 * same text with `v: 1`; the verifier still accepts it, but only for the entries before the first
 * keyed one and only where an anchor outside the database vouches for them (lib/audit/verify.ts).
 */
export type HashVersion = 1 | 2;

export function hashEntry(prevHash: string, fields: HashedFields, key: string): string {
  return createHmac('sha256', key).update(prevHash + canonicalFields(2, fields), 'utf8').digest('hex');
}

/** The version-1 hash (no key), for verifying entries written before the audit key existed. */
export function hashEntryUnkeyed(prevHash: string, fields: HashedFields): string {
  return createHash('sha256').update(prevHash + canonicalFields(1, fields), 'utf8').digest('hex');
}

function canonicalFields(v: HashVersion, fields: HashedFields): string {
  return canonicalJson({
    v,
    at: fields.at,
    actor: fields.actor,
    action: fields.action,
    target: fields.target,
    params: fields.params,
    reason: fields.reason,
    outcome: fields.outcome,
    intentSeq: fields.intentSeq,
    requestId: fields.requestId,
    awsRequestIds: fields.awsRequestIds,
  });
}

/** JSON with object keys sorted at every depth, so jsonb's reordering cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** What jsonb will hand back: Dates become strings, undefined keys vanish, NaN becomes null. */
export function toJsonValue(value: unknown): JsonValue | null {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue | null;
}

export function entryFromRow(row: AuditLogRow): AuditEntry {
  const actor =
    row.actorIssuer !== null && row.actorSubject !== null
      ? { issuer: row.actorIssuer, subject: row.actorSubject, name: row.actorName, role: row.actorRole }
      : null;
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    actor,
    action: row.action,
    target: row.target,
    params: (row.params ?? null) as JsonValue | null,
    reason: row.reason,
    outcome: row.outcome,
    intentSeq: row.intentSeq,
    requestId: row.requestId,
    awsRequestIds: row.awsRequestIds,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
