'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { TimelineEntry, TimelineKind } from '@/lib/incidents/types';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { formatUtc, formatUtcClock } from '@/components/ui/time-format';
import { cn } from '@/components/ui/cn';

/** What the incident's people did, versus what happened on its services meanwhile. */
const FROM_SERVICES: ReadonlySet<TimelineKind> = new Set(['deployment', 'rollback', 'alarm', 'finding', 'operation']);

const KIND_CLASS: Partial<Record<TimelineKind, string>> = {
  status: 'text-deploying-fg',
  severity: 'text-down-fg',
  escalation: 'text-degraded-fg',
  notification: 'text-fg-subtle',
  deployment: 'text-deploying-fg',
  rollback: 'text-degraded-fg',
  alarm: 'text-down-fg',
  finding: 'text-down-fg',
  operation: 'text-deploying-fg',
};

type Filter = 'all' | 'incident' | 'services';

/** Where the service events came from, and whether each answered (the API may add this). */
export interface TimelineSourceStatus {
  name: string;
  ok: boolean;
  error: string | null;
}

export function IncidentTimeline({ entries, sources = [] }: { entries: TimelineEntry[]; sources?: TimelineSourceStatus[] }) {
  const failed = sources.filter((s) => !s.ok);
  const [filter, setFilter] = useState<Filter>('all');
  const shown = entries
    .filter((e) => filter === 'all' || (filter === 'services') === FROM_SERVICES.has(e.kind))
    .toSorted((a, b) => b.at.localeCompare(a.at));
  return (
    <Card data-testid="timeline">
      <CardHeader
        title="Timeline"
        meta="newest first · UTC"
        actions={
          <div role="group" aria-label="Timeline entries" className="flex rounded-md border border-border p-0.5">
            {(['all', 'incident', 'services'] as const).map((f) => (
              <button
                key={f}
                type="button"
                aria-pressed={filter === f}
                onClick={() => setFilter(f)}
                className={cn('rounded px-2 py-0.5 text-[11px]', filter === f ? 'bg-surface-2 font-medium text-fg' : 'text-fg-muted hover:text-fg')}
              >
                {f === 'all' ? 'All' : f === 'incident' ? 'Incident' : 'Services'}
              </button>
            ))}
          </div>
        }
      />
      {failed.length > 0 && (
        <ul role="status" data-testid="timeline-source-errors" className="border-b border-border px-4 py-1.5 text-xs text-degraded-fg">
          {failed.map((s) => (
            <li key={s.name}>
              {s.name} could not be read{s.error ? `: ${s.error}` : ''} — its events may be missing
            </li>
          ))}
        </ul>
      )}
      {shown.length === 0 ? (
        <EmptyState>Nothing yet.</EmptyState>
      ) : (
        <ol className="divide-y divide-border">
          {shown.map((e, i) => (
            <li key={`${e.at}-${e.kind}-${i}`} data-testid="timeline-entry" data-kind={e.kind} className="grid grid-cols-[64px_96px_minmax(0,1fr)] gap-2 px-4 py-1.5 text-[12px]">
              <time dateTime={e.at} title={formatUtc(e.at)} className="tabular-nums text-fg-subtle">
                {formatUtcClock(e.at)}
              </time>
              <span className={cn('font-medium', KIND_CLASS[e.kind] ?? 'text-fg-muted')}>{e.kind}</span>
              <span className="min-w-0 break-words text-fg">
                {e.text}
                {e.actor && <span className="text-fg-subtle"> — {e.actor}</span>}
                {e.kind === 'operation' && e.ref && (
                  <>
                    {' '}
                    <Link href={`/operations/${encodeURIComponent(e.ref)}`} data-testid="timeline-operation-link" className="whitespace-nowrap text-accent hover:underline">
                      operation {e.ref.slice(0, 8)} →
                    </Link>
                  </>
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
