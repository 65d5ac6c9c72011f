import type { Db } from '../db/client';
import { AppError, isAppError } from '../errors';
import { recordIntent, recordOutcome, type IntentEntry } from './append';
import type { AuditEntry } from './types';
import { loggerFor } from '../observability/logger';

export interface AuditScope {
  intent: AuditEntry;
  /** Note an AWS request id as soon as a call returns, so it is recorded even if a later call fails. */
  addAwsRequestId(id: string | undefined): void;
}

/**
 * Writes the intent, runs `fn`, then writes its outcome. If the intent cannot be written, `fn`
 * never runs: a write that cannot be audited does not happen. AWS request ids come from
 * `addAwsRequestId`, from an `awsRequestIds` array on fn's result, and from a failing AppError.
 */
export async function withAudit<T>(db: Db, intentEntry: IntentEntry, fn: (scope: AuditScope) => Promise<T>): Promise<T> {
  const intent = await recordIntent(db, intentEntry);
  const awsRequestIds: string[] = [];
  const add = (id: string | undefined) => {
    if (id && !awsRequestIds.includes(id)) awsRequestIds.push(id);
  };

  let result: T;
  try {
    result = await fn({ intent, addAwsRequestId: add });
  } catch (e) {
    if (isAppError(e)) add(e.requestId);
    try {
      await recordOutcome(db, intent, { outcome: 'failure', awsRequestIds, params: { error: describeError(e) } });
    } catch (auditError) {
      // The caller needs the action's own error; the audit failure must still be seen.
      loggerFor('audit').error({ err: auditError, intent: intent.seq, action: intent.action }, `could not record the failure of audit intent ${intent.seq} (${intent.action})`);
    }
    throw e;
  }

  const returned = (result as { awsRequestIds?: unknown } | null | undefined)?.awsRequestIds;
  if (Array.isArray(returned)) for (const id of returned) if (typeof id === 'string') add(id);
  try {
    await recordOutcome(db, intent, { outcome: 'success', awsRequestIds });
  } catch (e) {
    // The action happened; say so rather than let a caller retry it as if it had not.
    throw new AppError('unavailable', `${intent.action} on ${intent.target ?? '(no target)'} succeeded, but its outcome could not be audited (intent ${intent.seq})`, { cause: e });
  }
  return result;
}

function describeError(e: unknown): { code: string; message: string } {
  if (isAppError(e)) return { code: e.code, message: e.message };
  // Unknown errors may carry internals; the name is enough for the audit trail, the logs have the rest.
  return { code: 'internal', message: e instanceof Error ? e.name : 'non-error thrown' };
}
