import { and, eq, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/append';
import type { AuditOutcome } from '../audit/types';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';
import { auditActorOf, type Actor } from './actor';
import { currentRoleOf } from './roles-now';
import type { OperationRow } from './store';
import { auditTargetOf } from './audit-target';

/** One audit entry about an operation: who (the runner names itself), what, on which service (its account and Region in the params), with the operation's id. */
export async function auditOperation(db: Db, actor: Actor, action: string, row: OperationRow, params: Record<string, unknown>, outcome: Exclude<AuditOutcome, 'intent'>, reason?: string | null) {
  const { actor: who, onBehalfOf } = auditActorOf(actor);
  await appendAudit(db, {
    actor: who,
    action,
    target: auditTargetOf(row),
    params: { operationId: row.id, kind: row.kind, account: row.account, region: row.region, ...(onBehalfOf ? { onBehalfOf } : {}), ...params },
    reason: reason ?? row.reason,
    outcome,
  });
}

/** The background runner acting for the operation's requester, with the role the requester holds now. */
export async function runnerFor(db: Db, row: OperationRow): Promise<Actor> {
  const who = { issuer: row.requestedByIssuer, subject: row.requestedBySubject, name: row.requestedByName };
  return { ...who, role: await currentRoleOf(db, who), runner: true };
}

export async function auditVerify(db: Db, row: OperationRow, outcome: 'success' | 'failure', params: Record<string, unknown>) {
  await auditOperation(db, await runnerFor(db, row), 'ops.verify', row, params, outcome);
}

/**
 * Gives every intent this operation left without an outcome (its process died mid-call) the
 * outcome read back from AWS, written by the runner and pointing at the intent.
 */
export async function completeDanglingIntents(db: Db, row: OperationRow, outcome: 'success' | 'failure', detail: string): Promise<number> {
  const dangling = await db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.outcome, 'intent'),
        sql`${auditLog.params}->>'operationId' = ${row.id}`,
        sql`not exists (select 1 from audit_log o where o.intent_seq = ${auditLog.seq})`,
      ),
    );
  if (dangling.length === 0) return 0;
  const runner = await runnerFor(db, row);
  const { actor, onBehalfOf } = { ...auditActorOf(runner) };
  for (const intent of dangling) {
    await appendAudit(db, {
      actor,
      action: intent.action,
      target: intent.target,
      params: { reconciled: true, detail, onBehalfOf },
      reason: intent.reason,
      outcome,
      intentSeq: intent.seq,
    });
  }
  return dangling.length;
}
