'use client';

import { useState } from 'react';
import type { ServiceEvent } from '@/lib/aws/types';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { formatUtc, formatUtcClock } from '@/components/ui/time-format';
import { RelativeTime } from '@/components/ui/relative-time';

const INITIAL = 25;

function newestFirst(events: ServiceEvent[]): ServiceEvent[] {
  return [...events].sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
}

export function EventsCard({ events }: { events: ServiceEvent[] }) {
  const [showAll, setShowAll] = useState(false);
  const sorted = newestFirst(events);
  const visible = showAll ? sorted : sorted.slice(0, INITIAL);
  return (
    <Card data-testid="events">
      <CardHeader title="Events" meta={`newest first · times in UTC`} />
      {sorted.length === 0 ? (
        <EmptyState>No events.</EmptyState>
      ) : (
        <ol>
          {visible.map((e) => (
            <li key={e.id} data-testid="event" className="grid grid-cols-[60px_56px_minmax(0,1fr)] gap-2 border-b border-border px-4 py-1.5 text-[12px] last:border-b-0">
              {e.createdAt ? (
                <>
                  <time dateTime={e.createdAt} title={formatUtc(e.createdAt)} className="font-mono text-[11px] text-fg-muted">
                    {formatUtcClock(e.createdAt)}
                  </time>
                  <RelativeTime iso={e.createdAt} className="whitespace-nowrap text-[11px] text-fg-subtle" />
                </>
              ) : (
                <span className="col-span-2 text-fg-subtle">—</span>
              )}
              <span className="break-words text-fg">{e.message}</span>
            </li>
          ))}
        </ol>
      )}
      {sorted.length > INITIAL && (
        <button
          type="button"
          onClick={() => setShowAll((v) => !v)}
          className="w-full border-t border-border px-4 py-2 text-left text-xs text-accent hover:bg-surface-2"
        >
          {showAll ? 'Show fewer' : `Show all ${sorted.length} events`}
        </button>
      )}
    </Card>
  );
}
