import { AppError } from '../errors';
import type { IncidentStatus } from './types';

/**
 * The status machine: forward along open → acknowledged → mitigated → resolved (a step may be
 * skipped: a false alarm is resolved straight from open), and back only by reopening a resolved
 * incident (resolved → open). Staying in the same status is not a transition (callers treat it as a no-op).
 */
const ORDER: Record<IncidentStatus, number> = { open: 0, acknowledged: 1, mitigated: 2, resolved: 3 };

export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  if (from === to) return false;
  if (from === 'resolved') return to === 'open';
  return ORDER[to] > ORDER[from];
}

/** Allowed next statuses from `from`, for the UI's buttons. */
export function nextStatuses(from: IncidentStatus): IncidentStatus[] {
  return (Object.keys(ORDER) as IncidentStatus[]).filter((to) => canTransition(from, to));
}

export function assertTransition(from: IncidentStatus, to: IncidentStatus): void {
  if (!canTransition(from, to)) {
    const allowed = nextStatuses(from);
    throw new AppError('invalid', `status: cannot go from ${from} to ${to}; from ${from} an incident can go to ${allowed.join(' or ') || 'nothing'}`);
  }
}
