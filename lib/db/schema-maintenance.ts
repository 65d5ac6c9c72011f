import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Append-only (lib/db/migrations/0005_maintenance.up.sql): one row per time a maintenance task was done. */
export const maintenanceCompletions = pgTable(
  'maintenance_completions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    taskId: text('task_id').notNull(),
    taskTitle: text('task_title').notNull(),
    period: text('period', { enum: ['weekly', 'monthly', 'quarterly'] }).notNull(),
    doneAt: tstz('done_at').notNull(),
    recordedAt: tstz('recorded_at').notNull().defaultNow(),
    doneByIssuer: text('done_by_issuer').notNull(),
    doneBySubject: text('done_by_subject').notNull(),
    doneByName: text('done_by_name').notNull(),
    note: text('note'),
  },
  (t) => [index('maintenance_completions_task_done_idx').on(t.taskId, t.doneAt.desc())],
);

export type MaintenanceCompletionRow = typeof maintenanceCompletions.$inferSelect;
