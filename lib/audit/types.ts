import type { Role } from '../auth/roles';

export type AuditOutcome = 'intent' | 'success' | 'failure' | 'denied';

/** Who acted. `role` is null when they had none (a denied sign-in). */
export interface Actor {
  issuer: string;
  subject: string;
  name: string | null;
  role: Role | null;
}

/** A JSON value as it survives a round trip through jsonb. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface NewAuditEntry {
  /** null for an anonymous attempt. */
  actor: Actor | null;
  /** Dotted verb, e.g. 'auth.sign_in', 'service.scale'. */
  action: string;
  /** What was acted on, e.g. 'prod/codeflow-service'. */
  target?: string | null;
  params?: unknown;
  /** The reason the person typed, or why access was denied. */
  reason?: string | null;
  outcome: AuditOutcome;
  /** On an outcome entry: the seq of its intent. */
  intentSeq?: number | null;
  /** Codeflow's own request id, to find the request in the logs. */
  requestId?: string | null;
  awsRequestIds?: string[];
}

export interface AuditEntry {
  seq: number;
  /** ISO 8601 with milliseconds, UTC: exactly what was hashed. */
  at: string;
  actor: Actor | null;
  action: string;
  target: string | null;
  params: JsonValue | null;
  reason: string | null;
  outcome: AuditOutcome;
  intentSeq: number | null;
  requestId: string | null;
  awsRequestIds: string[];
  prevHash: string;
  hash: string;
}

export interface AuditFilters {
  /** Substring of the actor's name or subject, case-insensitive. */
  actor?: string;
  /** Exact action, or a prefix ending in '*': 'auth.*'. */
  action?: string;
  /** Substring of the target, case-insensitive. */
  target?: string;
  outcome?: AuditOutcome;
  /** Inclusive. */
  from?: Date | string;
  /** Exclusive. */
  to?: Date | string;
}
