'use client';

import type { MaintenanceTaskStatus } from '@/lib/maintenance/checklist';
import { Badge } from '@/components/ui/badge';
import { formatAge, formatUtc } from '@/components/ui/time-format';
import { useNow } from '@/components/ui/use-now';

export const PERIOD_LABEL = { weekly: 'Weekly', monthly: 'Monthly', quarterly: 'Quarterly' } as const;

export function TaskStateBadge({ task }: { task: Pick<MaintenanceTaskStatus, 'state' | 'neverDone'> }) {
  if (task.state === 'overdue') return <Badge tone="down">{task.neverDone ? 'Never done' : 'Overdue'}</Badge>;
  if (task.state === 'due_soon') return <Badge tone="degraded">Due soon</Badge>;
  return <Badge tone="healthy">Done</Badge>;
}

/** "due in 3d", "overdue by 2h", "due now (never done)", ticking; the UTC time as tooltip. */
export function DueText({ task, className }: { task: Pick<MaintenanceTaskStatus, 'dueAt' | 'neverDone'>; className?: string }) {
  const now = useNow();
  if (task.dueAt === null) return <span className={className}>due now · no record yet</span>;
  const left = (Date.parse(task.dueAt) - now) / 1000;
  return (
    <time dateTime={task.dueAt} title={formatUtc(task.dueAt)} className={className} suppressHydrationWarning>
      {left >= 0 ? `due in ${formatAge(left)}` : `overdue by ${formatAge(-left)}`}
    </time>
  );
}
