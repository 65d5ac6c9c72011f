'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { maintenanceQuery } from '@/lib/api/maintenance/queries';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DueText, PERIOD_LABEL, TaskStateBadge } from './task-state';

const SHOWN = 5;

/**
 * Compact, self-contained (fetches its own data): overdue and due-soon maintenance tasks, for the
 * escalation board. Mount it anywhere inside the app's QueryClientProvider; viewers and up.
 */
export function MaintenanceOverduePanel() {
  const query = useQuery(maintenanceQuery());
  const data = query.data;
  const pressing = data?.tasks.filter((t) => t.state !== 'ok') ?? [];
  return (
    <Card data-testid="maintenance-overdue-panel">
      <CardHeader
        title={<Link href="/maintenance" className="hover:underline">Maintenance</Link>}
        meta={data && (data.counts.overdue > 0 ? <span className="font-semibold text-down-fg">{data.counts.overdue} overdue</span> : 'nothing overdue')}
      />
      <CardBody className="py-2">
        {query.isPending && <p className="text-xs text-fg-subtle">Loading…</p>}
        {query.isError && !data && (
          <p role="alert" className="text-xs text-down-fg">
            Maintenance tasks could not be loaded: {query.error.message}
          </p>
        )}
        {data && pressing.length === 0 && <p className="text-xs text-fg-subtle">All {data.tasks.length} tasks are done for their period.</p>}
        {pressing.length > 0 && (
          <ul className="flex flex-col gap-1.5">
            {pressing.slice(0, SHOWN).map((task) => (
              <li key={task.id} data-testid="overdue-task" data-task={task.id} className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5 text-[13px]">
                <TaskStateBadge task={task} />
                <span className="min-w-[10rem] flex-1 truncate text-fg" title={task.title}>
                  {task.title}
                </span>
                <span className="shrink-0 text-xs text-fg-subtle">
                  {PERIOD_LABEL[task.period].toLowerCase()} · <DueText task={task} />
                </span>
              </li>
            ))}
            {pressing.length > SHOWN && (
              <li className="text-xs text-fg-subtle">
                <Link href="/maintenance" className="hover:underline">
                  and {pressing.length - SHOWN} more →
                </Link>
              </li>
            )}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
