import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { CurrentUser } from '../auth/identity';
import type { Db } from '../db/client';
import { idempotencyKeys, incidents } from '../db/schema';
import { AppError, invalidField } from '../errors';
import { recordOperationOutcome } from '../observability/hooks';
import type { Actor } from './actor';
import { assertMay } from './authorize';
import type { OpsContext } from './context';
import { undoRequest } from './follow-up';
import { normalizeRequest, planOperation } from './plan';
import { assertWritable } from './settings';
import { createAndStart } from './start';
import { loadRow, patchOperation, toOperation } from './store';
import { ACTIVE_STATUSES, type Operation, type Plan, type PlanRequest } from './types';

export interface SubmitInput {
  /** The service's account (id or name) and Region; home when absent. */
  account?: string;
  region?: string;
  cluster: string;
  service: string;
  request: PlanRequest;
  fingerprint: string;
  confirmName: string;
  reason: string;
  incidentId?: string | null;
}

export interface SubmitResult {
  operation: Operation;
  /** True when the idempotency key replayed an earlier submission. */
  replayed: boolean;
}

/**
 * POST /api/operations, top to bottom: confirm → authorize → writable → incident exists →
 * idempotency → plan once, compare fingerprints → wait for approval, or lock → execute.
 * Verification continues in the background runner.
 */
export async function submitOperation(ctx: OpsContext, user: CurrentUser, input: SubmitInput, idempotencyKey: string, opts: { plan?: Plan; parentOperationId?: string } = {}): Promise<SubmitResult> {
  if (input.confirmName !== input.service) throw invalidField('confirmName', `type the service name exactly ("${input.service}") to confirm`);
  if (!input.reason.trim()) throw invalidField('reason', 'say why (it goes into the audit log)');
  // Who may comes before whether anyone may: a role denial is audited even while read-only.
  await assertMay(ctx.db, user, input.request.kind, { path: '/api/operations', cluster: input.cluster, service: input.service });
  try {
    await assertWritable(ctx.db);
  } catch (e) {
    recordOperationOutcome(input.request.kind, 'refused');
    throw e;
  }
  if (input.incidentId) input = { ...input, incidentId: await incidentIdOf(ctx.db, input.incidentId) };

  const scope = `${user.issuer}|${user.subject}`;
  const requestHash = hashOf({ ...input, request: normalizeRequest(input.request), reason: input.reason.trim() });
  const claim = await claimKey(ctx.db, scope, idempotencyKey, requestHash);
  if (claim.replay) return { operation: toOperation(await loadRow(ctx.db, claim.replay)), replayed: true };
  try {
    const row = await createAndStart(ctx, actorOf(user), input, { plan: opts.plan, parentOperationId: opts.parentOperationId });
    await ctx.db.update(idempotencyKeys).set({ operationId: row.id }).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, idempotencyKey)));
    return { operation: toOperation(row), replayed: false };
  } catch (e) {
    // Nothing happened under this key (or it failed clearly): the same key may be tried again.
    await ctx.db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, idempotencyKey)));
    throw e;
  }
}

/** One-click rollback proposed by a tripped trigger: a new (idempotent, confirmed) operation to the basis, planned once. */
export async function rollbackFromProposal(ctx: OpsContext, user: CurrentUser, id: string, body: { confirmName: string; reason: string }, idempotencyKey: string): Promise<SubmitResult> {
  const row = await loadRow(ctx.db, id);
  const request = undoRequest(row);
  if (!request) throw new AppError('conflict', `A ${row.kind} operation has no one-click rollback; plan a new ${row.kind} instead.`);
  if (row.status === 'awaiting_approval') {
    throw new AppError('conflict', `Operation ${id} still awaits a second operator's approval: nothing has run, so there is nothing to roll back; withdraw the request instead.`, { subCode: 'approval_required' });
  }
  if (!row.rollbackProposed && (ACTIVE_STATUSES as readonly string[]).includes(row.status)) throw new AppError('conflict', `Operation ${id} is still ${row.status}; cancel it first.`);
  const plan = await planOperation(ctx, row.cluster, row.service, request, { role: user.role, place: row });
  const result = await submitOperation(ctx, user, { account: row.account, region: row.region, cluster: row.cluster, service: row.service, request, fingerprint: plan.fingerprint, confirmName: body.confirmName, reason: body.reason }, idempotencyKey, { plan, parentOperationId: id });
  if (!result.replayed) await patchOperation(ctx.db, id, { followUpOperationId: result.operation.id, rollbackProposed: false });
  return { ...result, operation: toOperation(await loadRow(ctx.db, result.operation.id)) };
}

/** An existing incident's id, from its id or its number as the console shows it (`INC-12`, `12`); 400 naming incidentId otherwise. */
async function incidentIdOf(db: Db, ref: string): Promise<string> {
  const value = ref.trim();
  const number = /^(?:INC-)?(\d{1,9})$/i.exec(value)?.[1];
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
  if (!number && !isUuid) throw invalidField('incidentId', `"${value.slice(0, 60)}" is not an incident; give its number (INC-12) or id from the incident's page, or leave it empty`);
  const [found] = await db
    .select({ id: incidents.id })
    .from(incidents)
    .where(number ? eq(incidents.number, Number(number)) : eq(incidents.id, value));
  if (!found) throw invalidField('incidentId', `no incident ${number ? `INC-${number}` : value} exists; give an existing incident's number or id, or leave it empty`);
  return found.id;
}

function actorOf(user: CurrentUser): Actor {
  return { issuer: user.issuer, subject: user.subject, name: user.name, role: user.role };
}

function hashOf(v: unknown): string {
  return createHash('sha256').update(JSON.stringify(v)).digest('hex');
}

/** Claims (scope, key); a replay returns the operation it made; another payload is 422. Concurrent duplicates wait for the first. */
async function claimKey(db: Db, scope: string, key: string, requestHash: string): Promise<{ replay?: string }> {
  const started = Date.now();
  for (;;) {
    const inserted = await db.insert(idempotencyKeys).values({ scope, key, requestHash }).onConflictDoNothing().returning();
    if (inserted.length) return {};
    const [row] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    if (!row) continue; // the first attempt failed and let the key go: claim it again
    if (row.requestHash !== requestHash) {
      throw new AppError('unprocessable', 'Idempotency-Key: this key was already used for a different request; use a new key for a new request');
    }
    if (row.operationId) return { replay: row.operationId };
    if (Date.now() - started > 30_000) throw new AppError('conflict', 'Idempotency-Key: the first request with this key is still being processed; try again shortly');
    await new Promise((r) => setTimeout(r, 100));
  }
}

