'use client';

import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { maintenanceQuery } from '@/lib/api/maintenance/queries';
import type { MaintenanceTaskStatus } from '@/lib/maintenance/checklist';
import { Card, CardHeader } from '@/components/ui/card';
import { QueryList } from '@/components/ui/query-list';
import { RelativeTime } from '@/components/ui/relative-time';
import { smallButtonClass } from '@/components/ui/controls';
import { Table, THead, Th, Tr, Td } from '@/components/ui/table';
import { CompleteControl } from './complete-control';
import { TaskHistory } from './task-history';
import { DueText, PERIOD_LABEL, TaskStateBadge } from './task-state';

/** The guide's §6.3 recurring tasks: overdue first; who did each last, when; mark done (responder and up). */
export function MaintenanceView({ canComplete }: { canComplete: boolean }) {
  const query = useQuery(maintenanceQuery());
  const counts = query.data?.counts;
  return (
    <Card data-testid="maintenance-checklist">
      <CardHeader
        title="Maintenance checklist"
        meta="guide §6.3 · weekly, monthly and quarterly tasks · due one period after last done"
        actions={
          counts && (
            <span data-testid="maintenance-counts" className="text-xs tabular-nums text-fg-subtle">
              <span className={counts.overdue > 0 ? 'font-semibold text-down-fg' : ''}>{counts.overdue} overdue</span> · {counts.dueSoon} due soon · {counts.ok} done
            </span>
          )
        }
      />
      <QueryList query={query} items={query.data?.tasks} errorTitle="The checklist could not be loaded" empty="No maintenance tasks are configured." skeletonRows={6}>
        {(tasks) => <TaskTable tasks={tasks} canComplete={canComplete} />}
      </QueryList>
    </Card>
  );
}

function TaskTable({ tasks, canComplete }: { tasks: MaintenanceTaskStatus[]; canComplete: boolean }) {
  const [historyOf, setHistoryOf] = useState<string | null>(null);
  return (
    <Table>
      <THead>
        <tr>
          <Th className="w-[34%]">Task</Th>
          <Th className="w-[10%]">Every</Th>
          <Th className="w-[20%]">State</Th>
          <Th className="w-[22%]">Last done</Th>
          <Th className="w-[14%]" />
        </tr>
      </THead>
      <tbody>
        {tasks.map((task) => (
          <Fragment key={task.id}>
            <Tr data-testid="maintenance-task" data-task={task.id} data-state={task.state}>
              <Td>
                <span className="font-medium text-fg">{task.title}</span>
                {task.description && <span className="block text-xs text-fg-subtle">{task.description}</span>}
              </Td>
              <Td className="text-fg-muted">{PERIOD_LABEL[task.period]}</Td>
              <Td>
                <div className="flex flex-col items-start gap-1">
                  <TaskStateBadge task={task} />
                  <DueText task={task} className="text-xs text-fg-subtle" />
                </div>
              </Td>
              <Td data-testid="last-done">
                {task.lastDone ? (
                  <>
                    <span className="text-fg">{task.lastDone.doneBy}</span>{' '}
                    <RelativeTime iso={task.lastDone.doneAt} className="text-xs text-fg-subtle" />
                    {task.lastDone.note && <span className="block truncate text-xs text-fg-subtle" title={task.lastDone.note}>“{task.lastDone.note}”</span>}
                  </>
                ) : (
                  <span className="text-fg-subtle">never</span>
                )}
              </Td>
              <Td>
                <div className="flex flex-wrap justify-end gap-1">
                  {canComplete && <CompleteControl taskId={task.id} title={task.title} />}
                  <button type="button" className={smallButtonClass} aria-expanded={historyOf === task.id} onClick={() => setHistoryOf(historyOf === task.id ? null : task.id)}>
                    History
                  </button>
                </div>
              </Td>
            </Tr>
            {historyOf === task.id && (
              <tr className="border-b border-border bg-surface-2">
                <td colSpan={5} className="px-4 py-2">
                  <TaskHistory taskId={task.id} />
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </Table>
  );
}
