import type { MaintenancePeriod } from './config';

export type TaskState = 'ok' | 'due_soon' | 'overdue';

export interface TaskSchedule {
  /** When the task is next due; null when it was never done and there is no tracking start (due now). */
  dueAt: string | null;
  state: TaskState;
  neverDone: boolean;
}

const DAY_MS = 86_400_000;

/** How long before its due time a task shows as due soon: a day for weekly, proportionally more for longer periods. */
export const DUE_SOON_MS: Record<MaintenancePeriod, number> = {
  weekly: 1 * DAY_MS,
  monthly: 3 * DAY_MS,
  quarterly: 7 * DAY_MS,
};

/**
 * One period after `from`: 7 days, or 1 or 3 calendar months in UTC with the day clamped to the
 * month's last (31 Jan + 1 month = 28/29 Feb), keeping the time of day.
 */
export function addPeriod(from: Date, period: MaintenancePeriod): Date {
  if (period === 'weekly') return new Date(from.getTime() + 7 * DAY_MS);
  const months = period === 'monthly' ? 1 : 3;
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(from.getUTCDate(), lastDay);
  return new Date(Date.UTC(y, m, day, from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds()));
}

/**
 * Pure: when a recurring task is next due and whether it is overdue at `now`. A task is due one
 * period after it was last done; never done, one period after the tracking start, or at once
 * when there is none (nothing says it was ever done).
 */
export function scheduleOf(period: MaintenancePeriod, lastDoneAt: Date | null, now: Date, trackingStart: Date | null = null): TaskSchedule {
  const anchor = lastDoneAt ?? trackingStart;
  const neverDone = lastDoneAt === null;
  if (!anchor) return { dueAt: null, state: 'overdue', neverDone };
  const due = addPeriod(anchor, period);
  const left = due.getTime() - now.getTime();
  const state: TaskState = left < 0 ? 'overdue' : left <= DUE_SOON_MS[period] ? 'due_soon' : 'ok';
  return { dueAt: due.toISOString(), state, neverDone };
}

const STATE_ORDER: Record<TaskState, number> = { overdue: 0, due_soon: 1, ok: 2 };

/** Overdue first (longest overdue first), then due soon, then the rest by due time. */
export function compareSchedules(a: TaskSchedule, b: TaskSchedule): number {
  const byState = STATE_ORDER[a.state] - STATE_ORDER[b.state];
  if (byState !== 0) return byState;
  const da = a.dueAt === null ? -Infinity : Date.parse(a.dueAt);
  const db = b.dueAt === null ? -Infinity : Date.parse(b.dueAt);
  return da === db ? 0 : da < db ? -1 : 1;
}
