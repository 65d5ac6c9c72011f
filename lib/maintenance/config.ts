import { z } from 'zod';

export const MAINTENANCE_PERIODS = ['weekly', 'monthly', 'quarterly'] as const;
export type MaintenancePeriod = (typeof MAINTENANCE_PERIODS)[number];

export interface MaintenanceTask {
  /** Stable key: completions are stored under it, so renaming the title keeps the history. */
  id: string;
  title: string;
  period: MaintenancePeriod;
  description?: string;
}

export interface MaintenanceConfig {
  tasks: MaintenanceTask[];
  /**
   * When the team started keeping this checklist. A task never done is due one period after it;
   * absent, a task never done is due now (there is no record that it was ever done).
   */
  trackingStart: string | null;
}

/** The deployment guide's §6.3, as shipped. A `maintenance.tasks` list in the config file replaces it. */
export const DEFAULT_MAINTENANCE_TASKS: readonly MaintenanceTask[] = [
  { id: 'review-metrics-alarms', title: 'Review CloudWatch metrics and alarms', period: 'weekly' },
  { id: 'update-dependencies', title: 'Update dependencies and security patches', period: 'weekly' },
  { id: 'verify-backups', title: 'Backup verification', period: 'weekly' },
  { id: 'rotate-logs', title: 'Log rotation and archiving', period: 'weekly' },
  { id: 'security-assessment', title: 'Security vulnerability assessment', period: 'monthly' },
  { id: 'performance-review', title: 'Performance optimization review', period: 'monthly' },
  { id: 'database-maintenance', title: 'Database maintenance and optimization', period: 'monthly' },
  { id: 'cost-analysis', title: 'Infrastructure cost analysis', period: 'monthly' },
  { id: 'dr-testing', title: 'Disaster recovery testing', period: 'quarterly' },
  { id: 'load-testing', title: 'Load testing and capacity planning', period: 'quarterly' },
  { id: 'compliance-audit-prep', title: 'Compliance audit preparation', period: 'quarterly' },
  { id: 'tech-stack-evaluation', title: 'Technology stack evaluation', period: 'quarterly' },
];

export const TASK_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const TASK_ID_HINT = 'use 1–64 lowercase letters, digits and hyphens, starting with a letter or digit (e.g. "verify-backups")';

export const maintenanceTaskIdSchema = z.string().regex(TASK_ID, TASK_ID_HINT);

const taskSchema = z
  .object({
    id: maintenanceTaskIdSchema,
    title: z.string().trim().min(1, 'give the task a title').max(200, 'keep the title under 200 characters'),
    period: z.enum(MAINTENANCE_PERIODS, { error: 'use weekly, monthly or quarterly' }),
    description: z.string().trim().max(1000, 'keep the description under 1000 characters').optional(),
  })
  .strict();

/** The `maintenance` section of codeflow.config.json. */
export const maintenanceFileSchema = z
  .object({
    tasks: z
      .array(taskSchema)
      .min(1, 'list at least one task, or leave "tasks" out for the guide’s defaults')
      .max(200, 'at most 200 tasks')
      .refine((tasks) => new Set(tasks.map((t) => t.id)).size === tasks.length, 'task ids must be unique')
      .optional(),
    trackingStart: z.iso.datetime({ offset: true, error: 'an ISO date-time such as 2026-01-05T00:00:00Z' }).or(z.iso.date({ error: 'an ISO date such as 2026-01-05' })).optional(),
  })
  .strict();

export type MaintenanceFileSection = z.infer<typeof maintenanceFileSchema>;

export function parseMaintenanceConfig(section: MaintenanceFileSection = {}): MaintenanceConfig {
  const trackingStart = section.trackingStart === undefined ? null : new Date(section.trackingStart.length === 10 ? `${section.trackingStart}T00:00:00Z` : section.trackingStart).toISOString();
  return { tasks: (section.tasks ?? DEFAULT_MAINTENANCE_TASKS).map((t) => ({ ...t })), trackingStart };
}
