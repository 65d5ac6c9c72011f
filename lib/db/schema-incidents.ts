import { bigint, bigserial, boolean, integer, jsonb, pgTable, serial, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import type { EscalationRole, IncidentStatus, PlaybookStep, ServiceRef, Severity } from '../incidents/types';
import { users } from './schema-users';

/* Typed mirror of migrations/0004_incidents.up.sql (the SQL carries the checks). */

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const incidents = pgTable('incidents', {
  id: uuid('id').primaryKey().defaultRandom(),
  number: serial('number').notNull().unique(),
  title: text('title').notNull(),
  severity: text('severity').$type<Severity>().notNull(),
  status: text('status').$type<IncidentStatus>().notNull(),
  commanderUserId: uuid('commander_user_id').references(() => users.id, { onDelete: 'set null' }),
  services: jsonb('services').$type<ServiceRef[]>().notNull().default([]),
  sourceKind: text('source_kind').$type<'manual' | 'alarm' | 'operation' | 'finding'>().notNull(),
  sourceRef: text('source_ref'),
  sourceLabel: text('source_label'),
  openedAt: tstz('opened_at').notNull(),
  openedByIssuer: text('opened_by_issuer').notNull(),
  openedBySubject: text('opened_by_subject').notNull(),
  openedByName: text('opened_by_name'),
  acknowledgedAt: tstz('acknowledged_at'),
  mitigatedAt: tstz('mitigated_at'),
  resolvedAt: tstz('resolved_at'),
  clockStartedAt: tstz('clock_started_at'),
  unresolvedMs: bigint('unresolved_ms', { mode: 'number' }).notNull().default(0),
  playbook: jsonb('playbook').$type<PlaybookStep[]>().notNull().default([]),
  createdAt: tstz('created_at').notNull().defaultNow(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

export const incidentEvents = pgTable('incident_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  incidentId: uuid('incident_id').notNull().references(() => incidents.id, { onDelete: 'cascade' }),
  at: tstz('at').notNull(),
  kind: text('kind').notNull(),
  actor: text('actor'),
  text: text('text').notNull(),
  ref: text('ref'),
});

export const incidentEscalations = pgTable(
  'incident_escalations',
  {
    incidentId: uuid('incident_id').notNull().references(() => incidents.id, { onDelete: 'cascade' }),
    role: text('role').$type<EscalationRole>().notNull(),
    person: text('person'),
    contact: text('contact'),
    afterMinutes: integer('after_minutes').notNull(),
    dueAt: tstz('due_at').notNull(),
    reachedAt: tstz('reached_at').notNull(),
    early: boolean('early').notNull().default(false),
    actor: text('actor'),
    reason: text('reason'),
  },
  (t) => [unique('incident_escalations_incident_role_key').on(t.incidentId, t.role)],
);

/**
 * The webhook outbox (lib/notify/webhook-outbox.ts): incident notifications and operations'
 * approval requests. A row is about an incident or an operation (the SQL checks exactly one; its
 * foreign key to operations lives in the migration, as schema-ops imports the ops contract).
 */
export const incidentNotifications = pgTable('incident_notifications', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  incidentId: uuid('incident_id').references(() => incidents.id, { onDelete: 'cascade' }),
  operationId: uuid('operation_id'),
  dedupeKey: text('dedupe_key').notNull().unique(),
  event: text('event').$type<'open' | 'escalation' | 'acknowledge' | 'resolve' | 'approval'>().notNull(),
  target: text('target').notNull(),
  url: text('url').notNull(),
  format: text('format').$type<'slack' | 'json'>().notNull(),
  headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
  payload: jsonb('payload').$type<unknown>().notNull(),
  status: text('status').$type<'pending' | 'sending' | 'delivered' | 'failed'>().notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  maxAttempts: integer('max_attempts').notNull(),
  nextAttemptAt: tstz('next_attempt_at').notNull(),
  leaseUntil: tstz('lease_until'),
  lastError: text('last_error'),
  createdAt: tstz('created_at').notNull(),
  deliveredAt: tstz('delivered_at'),
});

export const incidentNotificationAttempts = pgTable(
  'incident_notification_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    notificationId: bigint('notification_id', { mode: 'number' }).notNull().references(() => incidentNotifications.id, { onDelete: 'cascade' }),
    incidentId: uuid('incident_id').references(() => incidents.id, { onDelete: 'cascade' }),
    operationId: uuid('operation_id'),
    attempt: integer('attempt').notNull(),
    at: tstz('at').notNull(),
    ok: boolean('ok').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [unique('incident_notification_attempts_once').on(t.notificationId, t.attempt)],
);

export const escalationRoster = pgTable('escalation_roster', {
  role: text('role').$type<EscalationRole>().primaryKey(),
  person: text('person').notNull(),
  contact: text('contact'),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
  updatedBy: text('updated_by'),
});

export type IncidentRow = typeof incidents.$inferSelect;
export type IncidentEscalationRow = typeof incidentEscalations.$inferSelect;
export type IncidentNotificationRow = typeof incidentNotifications.$inferSelect;
