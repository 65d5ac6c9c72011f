'use client';

import { useQuery } from '@tanstack/react-query';
import { alarmHistoryQuery } from '@/lib/api/alarms/queries';
import type { PlaceRef } from '@/lib/accounts/places';
import { QueryList } from '@/components/ui/query-list';
import { RelativeTime } from '@/components/ui/relative-time';
import { AlarmStateBadge } from './alarm-state-badge';

/** The alarm's state changes, newest first, each with the reason CloudWatch gave. */
export function AlarmHistory({ name, place }: { name: string; place?: PlaceRef | null }) {
  const query = useQuery(alarmHistoryQuery(name, place));
  return (
    <div data-testid="alarm-history" className="border-l-2 border-border pl-3">
      <QueryList query={query} items={query.data?.history} errorTitle="History could not be loaded" empty="No state changes recorded." skeletonRows={3}>
        {(items) => (
          <ol className="flex flex-col gap-2 py-1">
            {items.map((h, i) => (
              <li key={`${h.timestamp ?? ''}:${i}`} className="text-[12px]">
                <div className="flex flex-wrap items-center gap-2">
                  <RelativeTime iso={h.timestamp} className="w-16 shrink-0 tabular-nums text-fg-subtle" />
                  {h.oldState && (
                    <>
                      <AlarmStateBadge state={h.oldState} />
                      <span aria-label="to" className="text-fg-subtle">→</span>
                    </>
                  )}
                  {h.newState ? <AlarmStateBadge state={h.newState} /> : <span className="text-fg-muted">{h.summary}</span>}
                </div>
                {(h.reason ?? (h.newState ? h.summary : null)) && <p className="mt-0.5 pl-[4.5rem] text-fg-muted">{h.reason ?? h.summary}</p>}
              </li>
            ))}
          </ol>
        )}
      </QueryList>
    </div>
  );
}
