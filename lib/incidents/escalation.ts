import { tiersFor, type MatrixRow } from './config';
import type { EscalationRole, IncidentStatus, Severity } from './types';

/*
 * Escalation time. The guide: "time counts from opening while the incident is unresolved".
 * Decision: acknowledging or mitigating does NOT stop the clock (an acknowledged P0 still pulls in
 * the manager at 1 h); resolving stops it; reopening resumes it from where it stopped (tiers already
 * reached are never paged again). So the clock is the sum of the unresolved stretches.
 */

export interface ClockState {
  status: IncidentStatus;
  /** Start of the current unresolved stretch; null while resolved. */
  clockStartedAt: Date | null;
  /** Unresolved time accumulated before the current stretch. */
  unresolvedMs: number;
}

export function elapsedMs(c: ClockState, now: Date): number {
  const running = c.clockStartedAt ? Math.max(0, now.getTime() - c.clockStartedAt.getTime()) : 0;
  return c.unresolvedMs + running;
}

/** When the clock reaches `afterMinutes`; null while resolved (the clock is stopped). */
export function dueAt(c: ClockState, afterMinutes: number): Date | null {
  if (!c.clockStartedAt) return null;
  return new Date(c.clockStartedAt.getTime() + afterMinutes * 60_000 - c.unresolvedMs);
}

export interface DueTier {
  role: EscalationRole;
  afterMinutes: number;
  dueAt: Date;
}

/** Tiers of `severity` whose time has come at `now` and whose role was not reached yet. */
export function dueTiers(matrix: readonly MatrixRow[], severity: Severity, c: ClockState, reached: ReadonlySet<EscalationRole>, now: Date): DueTier[] {
  if (c.status === 'resolved' || !c.clockStartedAt) return [];
  const elapsed = elapsedMs(c, now);
  return tiersFor(matrix, severity)
    .filter((t) => !reached.has(t.role) && t.afterMinutes * 60_000 <= elapsed)
    .map((t) => ({ ...t, dueAt: dueAt(c, t.afterMinutes)! }));
}

/** The next tier not yet reached, and when; null when none is left or the incident is resolved. */
export function nextTier(matrix: readonly MatrixRow[], severity: Severity, c: ClockState, reached: ReadonlySet<EscalationRole>): DueTier | null {
  if (c.status === 'resolved' || !c.clockStartedAt) return null;
  const t = tiersFor(matrix, severity).find((x) => !reached.has(x.role));
  return t ? { ...t, dueAt: dueAt(c, t.afterMinutes)! } : null;
}

/** Who is paged when, for an incident of `severity` opened at `openedAt` and left unresolved. */
export function simulate(matrix: readonly MatrixRow[], severity: Severity, openedAt: Date): DueTier[] {
  return tiersFor(matrix, severity).map((t) => ({ ...t, dueAt: new Date(openedAt.getTime() + t.afterMinutes * 60_000) }));
}
