import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { operations } from '../db/schema';
import { AppError } from '../errors';
import { recordOperationOutcome } from '../observability/hooks';
import { ACTIVE_STATUSES, FINISHED_STATUSES, type ExecutionState, type Operation, type OperationStatus, type OperationStep, type Plan, type PlanRequest, type TriggerReading } from './types';

export type OperationRow = typeof operations.$inferSelect;
export type { ExecutionState };

export const STEP_NAMES: OperationStep['name'][] = ['plan', 'authorize', 'confirm', 'approve', 'lock', 'execute', 'verify'];

export function initialSteps(at: string, requiresApproval: boolean): OperationStep[] {
  return STEP_NAMES.map((name) => {
    if (name === 'plan' || name === 'authorize' || name === 'confirm') return { name, status: 'done', at, detail: null };
    if (name === 'approve') return { name, status: requiresApproval ? 'running' : 'skipped', at: requiresApproval ? at : null, detail: requiresApproval ? 'waiting for a second operator' : 'not required by policy' };
    return { name, status: 'pending', at: null, detail: null };
  });
}

export function withStep(steps: OperationStep[], name: OperationStep['name'], status: OperationStep['status'], detail: string | null = null): OperationStep[] {
  const at = new Date().toISOString();
  return steps.map((s) => (s.name === name ? { ...s, status, at, detail: detail ?? s.detail } : s));
}

export function toOperation(row: OperationRow): Operation {
  const exec = row.execution;
  return {
    id: row.id,
    kind: row.kind,
    account: row.account,
    region: row.region,
    cluster: row.cluster,
    service: row.service,
    status: row.status,
    plan: row.plan,
    reason: row.reason,
    incidentId: row.incidentId,
    requestedBy: { subject: row.requestedBySubject, name: row.requestedByName },
    approvedBy: row.approvedBySubject ? { subject: row.approvedBySubject, name: row.approvedByName } : null,
    approvalDeadline: row.approvalDeadline?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    steps: row.steps,
    triggers: row.triggers,
    rollout: row.rollout ?? null,
    rollbackProposed: row.rollbackProposed,
    followUpOperationId: row.followUpOperationId,
    error: row.error,
    parentOperationId: row.parentOperationId,
    verify: exec.verifyStartedAt ? { startedAt: exec.verifyStartedAt ?? null, stableAt: exec.stableAt ?? null, bakeUntil: exec.bakeUntil ?? null, deadline: exec.deadline ?? null } : null,
  };
}

export async function loadRow(db: Db, id: string): Promise<OperationRow> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('invalid', `id: "${id.slice(0, 60)}" is not an operation id`);
  const [row] = await db.select().from(operations).where(eq(operations.id, id));
  if (!row) throw new AppError('not_found', `Operation ${id} was not found`);
  return row;
}

/** Whether an operation with this id was ever recorded (an id of the wrong shape never was). */
export async function operationExists(db: Db, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const [row] = await db.select({ id: operations.id }).from(operations).where(eq(operations.id, id)).limit(1);
  return row !== undefined;
}

export async function getOperation(db: Db, id: string): Promise<Operation> {
  return toOperation(await loadRow(db, id));
}

export type OperationPatch = Partial<Omit<OperationRow, 'id' | 'createdAt'>>;

/**
 * Updates a row; with `fromStatus`, only while the row is still in one of them (returns null otherwise).
 * A patch that moves the operation into a final status is counted once in the operations metric
 * (by kind and final status), whichever replica or path got there: the previous status is read
 * under a row lock in the same transaction, so finishing an already-finished row counts nothing.
 */
export async function patchOperation(db: Db, id: string, patch: OperationPatch, fromStatus?: readonly OperationStatus[]): Promise<OperationRow | null> {
  const where: SQL[] = [eq(operations.id, id)];
  if (fromStatus) where.push(inArray(operations.status, [...fromStatus]));
  const finished = Boolean(patch.status && isFinishedStatus(patch.status));
  const set = { ...patch, updatedAt: new Date(), ...(finished && patch.finishedAt === undefined ? { finishedAt: new Date() } : {}) };
  if (!finished) {
    const [row] = await db.update(operations).set(set).where(and(...where)).returning();
    return row ?? null;
  }
  const { row, previous } = await db.transaction(async (tx) => {
    const [before] = await tx.select({ status: operations.status }).from(operations).where(eq(operations.id, id)).for('update');
    const [after] = await tx.update(operations).set(set).where(and(...where)).returning();
    return { row: after ?? null, previous: before?.status ?? null };
  });
  if (row && previous !== null && !isFinishedStatus(previous)) recordOperationOutcome(row.kind, row.status);
  return row;
}

/** Moves the row on and drops its fencing token (the caller releases the lock). */
export async function finish(db: Db, id: string, patch: OperationPatch, fromStatus?: readonly OperationStatus[]): Promise<OperationRow | null> {
  return patchOperation(db, id, { fencingToken: null, ...patch }, fromStatus);
}

export function isFinishedStatus(status: OperationStatus): boolean {
  return (FINISHED_STATUSES as readonly string[]).includes(status);
}

export interface ListFilter {
  account?: string;
  region?: string;
  cluster?: string;
  service?: string;
  status?: 'active' | 'pending' | 'finished';
  limit?: number;
}

export async function listOperations(db: Db, filter: ListFilter = {}): Promise<Operation[]> {
  const where: SQL[] = [];
  if (filter.account) where.push(eq(operations.account, filter.account));
  if (filter.region) where.push(eq(operations.region, filter.region));
  if (filter.cluster) where.push(eq(operations.cluster, filter.cluster));
  if (filter.service) where.push(eq(operations.service, filter.service));
  if (filter.status === 'active') where.push(inArray(operations.status, [...ACTIVE_STATUSES]));
  if (filter.status === 'pending') where.push(eq(operations.status, 'awaiting_approval'));
  if (filter.status === 'finished') where.push(inArray(operations.status, [...FINISHED_STATUSES]));
  const rows = await db
    .select()
    .from(operations)
    .where(where.length ? and(...where) : sql`true`)
    .orderBy(desc(operations.createdAt))
    .limit(Math.min(Math.max(filter.limit ?? 50, 1), 200));
  return rows.map(toOperation);
}

export type { PlanRequest };
