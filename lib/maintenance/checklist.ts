import { desc, inArray, eq } from 'drizzle-orm';
import { withAudit } from '../audit/with-audit';
import type { Actor } from '../audit/types';
import type { Db } from '../db/client';
import { maintenanceCompletions, type MaintenanceCompletionRow } from '../db/schema';
import { AppError } from '../errors';
import type { MaintenanceConfig, MaintenancePeriod, MaintenanceTask } from './config';
import { compareSchedules, scheduleOf, type TaskSchedule } from './schedule';

/** One time a task was done. */
export interface MaintenanceCompletion {
  id: string;
  taskId: string;
  /** The title and period as configured when it was done. */
  taskTitle: string;
  period: MaintenancePeriod;
  doneAt: string;
  recordedAt: string;
  doneBy: string;
  note: string | null;
}

export interface MaintenanceTaskStatus extends MaintenanceTask, TaskSchedule {
  lastDone: MaintenanceCompletion | null;
}

export interface MaintenanceChecklist {
  /** The instant the states were computed for. */
  now: string;
  trackingStart: string | null;
  /** Overdue first, then due soon, then the rest by due time. */
  tasks: MaintenanceTaskStatus[];
  counts: { overdue: number; dueSoon: number; ok: number };
}

export interface MaintenanceDeps {
  db: Db;
  config: MaintenanceConfig;
  /** Injectable so tests control the clock. */
  now?: () => Date;
}

/** How far back a completion may be recorded ("I did it last Tuesday"); further is a typo. */
export const MAX_BACKDATE_DAYS = 366;
/** Clock skew allowed between a browser and the server for "done at". */
const FUTURE_SKEW_MS = 60_000;

export function toCompletion(row: MaintenanceCompletionRow): MaintenanceCompletion {
  return {
    id: row.id,
    taskId: row.taskId,
    taskTitle: row.taskTitle,
    period: row.period,
    doneAt: row.doneAt.toISOString(),
    recordedAt: row.recordedAt.toISOString(),
    doneBy: row.doneByName,
    note: row.note,
  };
}

/** The newest completion of each task (by when it was done). */
async function latestCompletions(db: Db, taskIds: readonly string[]): Promise<Map<string, MaintenanceCompletion>> {
  if (taskIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([maintenanceCompletions.taskId])
    .from(maintenanceCompletions)
    .where(inArray(maintenanceCompletions.taskId, [...taskIds]))
    .orderBy(maintenanceCompletions.taskId, desc(maintenanceCompletions.doneAt), desc(maintenanceCompletions.recordedAt));
  return new Map(rows.map((r) => [r.taskId, toCompletion(r)]));
}

function statusOf(task: MaintenanceTask, last: MaintenanceCompletion | null, now: Date, trackingStart: string | null): MaintenanceTaskStatus {
  const schedule = scheduleOf(task.period, last ? new Date(last.doneAt) : null, now, trackingStart ? new Date(trackingStart) : null);
  return { ...task, ...schedule, lastDone: last };
}

export async function getChecklist({ db, config, now = () => new Date() }: MaintenanceDeps): Promise<MaintenanceChecklist> {
  const at = now();
  const latest = await latestCompletions(db, config.tasks.map((t) => t.id));
  const tasks = config.tasks
    .map((task) => statusOf(task, latest.get(task.id) ?? null, at, config.trackingStart))
    .map((status, i) => ({ status, i }))
    .sort((a, b) => compareSchedules(a.status, b.status) || a.i - b.i)
    .map(({ status }) => status);
  return {
    now: at.toISOString(),
    trackingStart: config.trackingStart,
    tasks,
    counts: {
      overdue: tasks.filter((t) => t.state === 'overdue').length,
      dueSoon: tasks.filter((t) => t.state === 'due_soon').length,
      ok: tasks.filter((t) => t.state === 'ok').length,
    },
  };
}

export function findTaskOrThrow(config: MaintenanceConfig, taskId: string): MaintenanceTask {
  const task = config.tasks.find((t) => t.id === taskId);
  if (!task) throw new AppError('not_found', `There is no maintenance task "${taskId}" in the configuration.`);
  return task;
}

export interface CompleteTaskInput {
  taskId: string;
  /** When it was done; defaults to now. Not in the future, not more than a year back. */
  doneAt?: Date;
  note?: string;
}

export interface CompleteTaskResult {
  completion: MaintenanceCompletion;
  task: MaintenanceTaskStatus;
}

/**
 * Records that `actor` did a task, audited (intent before the insert, outcome after). History is
 * append-only: a later completion supersedes, nothing is overwritten.
 */
export async function completeTask(deps: MaintenanceDeps, actor: Actor & { name: string }, input: CompleteTaskInput): Promise<CompleteTaskResult> {
  const { db, config, now = () => new Date() } = deps;
  const task = findTaskOrThrow(config, input.taskId);
  const at = now();
  const doneAt = input.doneAt ?? at;
  if (doneAt.getTime() > at.getTime() + FUTURE_SKEW_MS) throw new AppError('invalid', 'doneAt: cannot be in the future; record work once it is done.');
  if (doneAt.getTime() < at.getTime() - MAX_BACKDATE_DAYS * 86_400_000) throw new AppError('invalid', `doneAt: at most ${MAX_BACKDATE_DAYS} days ago.`);
  const note = input.note?.trim() || null;

  const row = await withAudit(
    db,
    { actor, action: 'maintenance.complete', target: `maintenance/${task.id}`, params: { title: task.title, period: task.period, doneAt: doneAt.toISOString(), note } },
    async () => {
      const [inserted] = await db
        .insert(maintenanceCompletions)
        .values({
          taskId: task.id,
          taskTitle: task.title,
          period: task.period,
          doneAt,
          recordedAt: at,
          doneByIssuer: actor.issuer,
          doneBySubject: actor.subject,
          doneByName: actor.name,
          note,
        })
        .returning();
      return inserted!;
    },
  );
  const latest = await latestCompletions(db, [task.id]);
  return { completion: toCompletion(row), task: statusOf(task, latest.get(task.id) ?? null, at, config.trackingStart) };
}

/** A task's completions, newest first. Tasks no longer in config keep their history and can still be read. */
export async function listTaskHistory(db: Db, taskId: string, limit = 50): Promise<MaintenanceCompletion[]> {
  const rows = await db
    .select()
    .from(maintenanceCompletions)
    .where(eq(maintenanceCompletions.taskId, taskId))
    .orderBy(desc(maintenanceCompletions.doneAt), desc(maintenanceCompletions.recordedAt))
    .limit(limit);
  return rows.map(toCompletion);
}
