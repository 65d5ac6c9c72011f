import { bigint, boolean, jsonb, pgTable, primaryKey, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { OPERATION_KINDS, OPERATION_STATUSES, type PlanRequest } from '../ops/contract';
import type { ExecutionState, OperationStep, Plan, Rollout, TriggerReading } from '../ops/types';

/* Typed mirror of lib/db/migrations/0003_operations.up.sql (the SQL is the source of truth). */

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const operations = pgTable('operations', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind', { enum: OPERATION_KINDS }).notNull(),
  /** The service's account id and Region (migration 0009; '' only until lib/accounts/adopt-rows.ts ran). */
  account: text('account').notNull(),
  region: text('region').notNull(),
  cluster: text('cluster').notNull(),
  service: text('service').notNull(),
  environment: text('environment').notNull(),
  status: text('status', { enum: OPERATION_STATUSES }).notNull(),
  request: jsonb('request').$type<PlanRequest>().notNull(),
  plan: jsonb('plan').$type<Plan>().notNull(),
  fingerprint: text('fingerprint').notNull(),
  reason: text('reason').notNull(),
  incidentId: text('incident_id'),
  requestedByIssuer: text('requested_by_issuer').notNull(),
  requestedBySubject: text('requested_by_subject').notNull(),
  requestedByName: text('requested_by_name'),
  approvedByIssuer: text('approved_by_issuer'),
  approvedBySubject: text('approved_by_subject'),
  approvedByName: text('approved_by_name'),
  approvalDeadline: tstz('approval_deadline'),
  fencingToken: bigint('fencing_token', { mode: 'number' }),
  execution: jsonb('execution').$type<ExecutionState>().notNull().default({}),
  steps: jsonb('steps').$type<OperationStep[]>().notNull().default([]),
  triggers: jsonb('triggers').$type<TriggerReading[]>().notNull().default([]),
  rollout: jsonb('rollout').$type<Rollout>(),
  rollbackProposed: boolean('rollback_proposed').notNull().default(false),
  parentOperationId: uuid('parent_operation_id').references((): AnyPgColumn => operations.id),
  followUpOperationId: uuid('follow_up_operation_id').references((): AnyPgColumn => operations.id),
  error: text('error'),
  createdAt: tstz('created_at').notNull().defaultNow(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
  finishedAt: tstz('finished_at'),
});

export const serviceLocks = pgTable(
  'service_locks',
  {
    account: text('account').notNull(),
    region: text('region').notNull(),
    cluster: text('cluster').notNull(),
    service: text('service').notNull(),
    operationId: uuid('operation_id').references(() => operations.id),
    holderSubject: text('holder_subject'),
    holderName: text('holder_name'),
    acquiredAt: tstz('acquired_at'),
    expiresAt: tstz('expires_at'),
    fencingToken: bigint('fencing_token', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.account, t.region, t.cluster, t.service] })],
);

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    operationId: uuid('operation_id').references(() => operations.id),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

export const operationApprovals = pgTable('operation_approvals', {
  id: uuid('id').primaryKey().defaultRandom(),
  operationId: uuid('operation_id').notNull().references(() => operations.id).unique('operation_approvals_operation_key'),
  decision: text('decision', { enum: ['approved', 'rejected'] }).notNull(),
  fingerprint: text('fingerprint').notNull(),
  byIssuer: text('by_issuer').notNull(),
  bySubject: text('by_subject').notNull(),
  byName: text('by_name'),
  reason: text('reason'),
  at: tstz('at').notNull().defaultNow(),
});

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  setBy: text('set_by'),
  setAt: tstz('set_at').notNull().defaultNow(),
});
