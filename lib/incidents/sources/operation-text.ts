// How an operation is named when an incident is opened from it, shared by the server's resolver
// (lib/incidents/sources/operations.ts) and the console's prefill (components/ops/operation-progress.tsx).
// Types and plain functions only: safe to import from client components.
import type { Operation, OperationKind, OperationStatus } from '../../ops/types';
import type { Severity } from '../types';

export const OPERATION_VERB: Record<OperationKind, string> = { deploy: 'Deploy', rollback: 'Rollback', scale: 'Scale', restart: 'Restart', 'switch-traffic': 'Traffic switch', alarms: 'Alarm change' };

export const OPERATION_STATUS_TEXT: Record<OperationStatus, string> = {
  awaiting_approval: 'awaiting approval',
  executing: 'executing',
  verifying: 'verifying',
  paused: 'paused at a lifecycle hook',
  succeeded: 'succeeded',
  failed: 'failed',
  rolled_back: 'rolled back',
  rejected: 'rejected',
  expired: 'expired without approval',
  cancelled: 'cancelled',
  outcome_unknown: 'outcome unknown',
};

export const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

type Named = Pick<Operation, 'kind' | 'cluster' | 'service' | 'status' | 'error'>;

/** "Deploy of prod/api rolled back: Rollback trigger tripped: 5xx rate …" (at most 200 characters, as a title). */
export function operationIncidentTitle(op: Named): string {
  return clip(`${OPERATION_VERB[op.kind]} of ${op.cluster}/${op.service} ${OPERATION_STATUS_TEXT[op.status]}${op.error ? `: ${op.error}` : ''}`, 200);
}

/** "Deploy prod/api (rolled back)": the incident's source label. */
export function operationSourceLabel(op: Pick<Operation, 'kind' | 'cluster' | 'service' | 'status'>): string {
  return `${OPERATION_VERB[op.kind]} ${op.cluster}/${op.service} (${OPERATION_STATUS_TEXT[op.status]})`;
}

/** The severity the console suggests: production is major functionality (P1), elsewhere P2. */
export function suggestedSeverity(environment: string): Severity {
  return environment === 'production' ? 'P1' : 'P2';
}

/** Whether an operation went wrong enough to offer opening an incident: a trigger tripped, or it failed or was rolled back. */
export function warrantsIncident(op: Pick<Operation, 'status' | 'triggers'>): boolean {
  return op.status === 'failed' || op.status === 'rolled_back' || op.triggers.some((t) => t.tripped);
}
