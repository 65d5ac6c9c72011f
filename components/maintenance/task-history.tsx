'use client';

import { useQuery } from '@tanstack/react-query';
import { maintenanceHistoryQuery } from '@/lib/api/maintenance/queries';
import { formatUtc } from '@/components/ui/time-format';

/** Every time a task was done, newest first. */
export function TaskHistory({ taskId }: { taskId: string }) {
  const query = useQuery(maintenanceHistoryQuery(taskId));
  if (query.isPending) return <p className="text-xs text-fg-subtle">Loading history…</p>;
  if (query.isError) return <p role="alert" className="text-xs text-down-fg">History could not be loaded: {query.error.message}</p>;
  if (query.data.completions.length === 0) return <p className="text-xs text-fg-subtle">Never recorded as done.</p>;
  return (
    <ol data-testid="task-history" className="flex flex-col gap-1 text-xs text-fg-muted">
      {query.data.completions.map((c) => (
        <li key={c.id}>
          <span className="text-fg">{c.doneBy}</span> · <time dateTime={c.doneAt}>{formatUtc(c.doneAt)}</time>
          {c.recordedAt.slice(0, 16) !== c.doneAt.slice(0, 16) && <span className="text-fg-subtle"> (recorded {formatUtc(c.recordedAt)})</span>}
          {c.note && <span className="block whitespace-pre-wrap pl-3 text-fg-subtle">“{c.note}”</span>}
        </li>
      ))}
    </ol>
  );
}
