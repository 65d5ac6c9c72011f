import { bigint, bigserial, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { ROLES } from '../auth/roles';
import { users } from './schema-users';

/*
 * The typed mirror of lib/db/migrations. The SQL files are the source of truth (they carry the
 * checks and the append-only triggers); schema.test.ts checks that the columns here match them.
 */

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const schemaMigrations = pgTable('schema_migrations', {
  version: integer('version').primaryKey(),
  name: text('name').notNull(),
  appliedAt: tstz('applied_at').notNull().defaultNow(),
});


export const apiTokens = pgTable('api_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  /** sha256 hex of the secret; the secret itself is never stored. */
  tokenHash: text('token_hash').notNull().unique(),
  role: text('role', { enum: ROLES }).notNull(),
  createdAt: tstz('created_at').notNull().defaultNow(),
  expiresAt: tstz('expires_at').notNull(),
  revokedAt: tstz('revoked_at'),
  lastUsedAt: tstz('last_used_at'),
});

/** Server-side sessions (migration 0007): the cookie names a row; lib/auth/sessions.ts checks it on every request. */
export const sessions = pgTable('sessions', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** sha256 hex of the random session id in the cookie. */
  idHash: text('id_hash').notNull().unique(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdAt: tstz('created_at').notNull().defaultNow(),
  lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
  /** The absolute end of the session. */
  expiresAt: tstz('expires_at').notNull(),
  endedAt: tstz('ended_at'),
  endedReason: text('ended_reason'),
  /** Encrypted (lib/auth/sealed.ts); lets the owner's API tokens re-confirm the owner's role at the IdP. */
  idpAccessToken: text('idp_access_token'),
  idpAccessTokenExpiresAt: tstz('idp_access_token_expires_at'),
});

export type SessionRow = typeof sessions.$inferSelect;

export const AUDIT_OUTCOMES = ['intent', 'success', 'failure', 'denied'] as const;

/** Append-only: the database refuses UPDATE, DELETE and TRUNCATE. Write through lib/audit only. */
export const auditLog = pgTable('audit_log', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  at: tstz('at').notNull().defaultNow(),
  actorIssuer: text('actor_issuer'),
  actorSubject: text('actor_subject'),
  actorName: text('actor_name'),
  actorRole: text('actor_role', { enum: ROLES }),
  action: text('action').notNull(),
  target: text('target'),
  params: jsonb('params').$type<unknown>(),
  reason: text('reason'),
  outcome: text('outcome', { enum: AUDIT_OUTCOMES }).notNull(),
  intentSeq: bigint('intent_seq', { mode: 'number' }),
  requestId: text('request_id'),
  awsRequestIds: jsonb('aws_request_ids').$type<string[]>().notNull().default([]),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull().unique(),
});

export type UserRow = typeof users.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type AuditLogRow = typeof auditLog.$inferSelect;
export * from './schema-users';
export * from './schema-incidents';
export * from './schema-maintenance';
export * from './schema-telemetry';
export * from './schema-ops';
