'use client';

import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { logGroupsQuery } from '@/lib/api/logs/queries';
import { Card } from '@/components/ui/card';
import { ErrorPanel, buttonClass } from '@/components/ui/error-panel';
import { controlClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';
import { InsightsPanel } from './insights-panel';
import { TailPanel } from './tail-panel';
import type { PlaceOption } from '@/lib/accounts/places';
import { placeSearch } from '@/lib/api/place-search';
import { usePlaces } from '@/components/places/home-place';
import { toInputValue, type RangeChoice } from './time-range';

/** A stopped task's link shows the quarter hour before it stopped. */
const LAST_LINES_WINDOW_MS = 15 * 60_000;

/**
 * One account and Region's log groups at a time (`place`; null is home): a log group lives in one.
 * With several watched, a select beside the group names which, kept in the URL like the group.
 */
export function LogsView({
  initialGroup,
  initialStream,
  initialEnd,
  canQuery,
  place,
}: {
  initialGroup: string;
  initialStream: string;
  initialEnd: number | null;
  canQuery: boolean;
  place: PlaceOption;
}) {
  const places = usePlaces();
  const router = useRouter();
  const pathname = usePathname();
  const ref = place.home ? null : { accountId: place.account, region: place.region };
  const where = placeSearch(ref);
  const groups = useQuery(logGroupsQuery(ref));
  const [group, setGroup] = useState(initialGroup);
  const [stream, setStream] = useState(initialStream);
  const [streamDraft, setStreamDraft] = useState(initialStream);
  const [tab, setTab] = useState<'tail' | 'insights'>('tail');
  const [initialRange] = useState<RangeChoice | null>(() => {
    if (initialEnd === null) return null;
    // Clamped to now: a clock a little ahead of ours must not make the range "in the future".
    const now = Date.now();
    return { kind: 'custom', start: toInputValue(Math.min(initialEnd, now) - LAST_LINES_WINDOW_MS), end: toInputValue(Math.min(initialEnd + 60_000, now)) };
  });

  const names = groups.data?.groups.map((g) => g.name) ?? [];
  // Preselect the requested group, else the guide's /ecs/codeflow, else the first.
  const selected = group || (names.includes('/ecs/codeflow') ? '/ecs/codeflow' : (names[0] ?? ''));
  const unknownGroup = Boolean(groups.data && selected && !names.includes(selected));

  const navigate = (next: { group: string; stream: string; place?: PlaceOption }) => {
    setGroup(next.group);
    setStream(next.stream);
    setStreamDraft(next.stream);
    const params = new URLSearchParams();
    const at = next.place ?? place;
    if (!at.home) {
      params.set('account', at.account);
      params.set('region', at.region);
    }
    if (next.group) params.set('group', next.group);
    if (next.stream) params.set('stream', next.stream);
    router.replace(`${pathname}?${params}`, { scroll: false });
  };

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Logs</h1>
        <span className="text-xs text-fg-subtle">CloudWatch Logs · times in UTC · log text is shown as plain text</span>
      </div>

      {groups.isError && !groups.data ? (
        <ErrorPanel
          title="Log groups could not be loaded"
          message={groups.error.message}
          action={
            <button type="button" className={buttonClass} onClick={() => groups.refetch()}>
              Try again
            </button>
          }
        />
      ) : (
        <Card className="overflow-hidden">
          <div className="flex flex-wrap items-center gap-2 border-b border-border px-4 py-2.5">
            {places.length > 1 && (
              <select
                aria-label="Account and Region"
                data-testid="log-place"
                className={controlClass}
                value={`${place.account}/${place.region}`}
                onChange={(e) => {
                  const next = places.find((p) => `${p.account}/${p.region}` === e.target.value);
                  if (next) navigate({ group: '', stream: '', place: next });
                }}
              >
                {places.map((p) => (
                  <option key={`${p.account}/${p.region}`} value={`${p.account}/${p.region}`}>
                    {p.accountName} ({p.account}) · {p.region}
                  </option>
                ))}
              </select>
            )}
            <select
              aria-label="Log group"
              data-testid="log-group"
              className={cn(controlClass, 'font-mono')}
              value={selected}
              onChange={(e) => navigate({ group: e.target.value, stream: '' })}
            >
              {!groups.data && <option value={selected}>{selected || 'Loading log groups…'}</option>}
              {unknownGroup && <option value={selected}>{selected}</option>}
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
            <form
              className="flex items-center gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                navigate({ group: selected, stream: streamDraft.trim() });
              }}
            >
              <input
                aria-label="Log stream"
                data-testid="log-stream"
                className={cn(controlClass, 'w-80 font-mono')}
                placeholder="All streams (or ecs/<container>/<task id>)"
                value={streamDraft}
                onChange={(e) => setStreamDraft(e.target.value)}
                onBlur={() => streamDraft.trim() !== stream && navigate({ group: selected, stream: streamDraft.trim() })}
              />
              {stream && (
                <button type="button" className={buttonClass} onClick={() => navigate({ group: selected, stream: '' })}>
                  All streams
                </button>
              )}
            </form>
            <div role="tablist" aria-label="Logs views" className="ml-auto flex rounded-md border border-border p-0.5">
              <TabButton active={tab === 'tail'} onClick={() => setTab('tail')}>
                Tail &amp; search
              </TabButton>
              {canQuery && (
                <TabButton active={tab === 'insights'} onClick={() => setTab('insights')} testId="insights-tab">
                  Insights
                </TabButton>
              )}
            </div>
          </div>
          {unknownGroup && <p className="border-b border-border bg-degraded-bg px-4 py-1.5 text-xs text-degraded-fg">Log group {selected} is not in this account’s list; reads will fail until it exists.</p>}
          {!selected ? (
            <p className="px-4 py-6 text-center text-[13px] text-fg-subtle">{groups.data ? 'There are no log groups in this account and Region.' : 'Loading log groups…'}</p>
          ) : tab === 'insights' && canQuery ? (
            <InsightsPanel key={where} group={selected} place={ref} />
          ) : (
            <TailPanel key={`${where}|${selected}|${stream}`} group={selected} stream={stream} initialRange={initialRange} where={where} />
          )}
        </Card>
      )}
    </div>
  );
}

function TabButton({ active, onClick, testId, children }: { active: boolean; onClick: () => void; testId?: string; children: ReactNode }) {
  return (
    <button
      type="button"
      role="tab"
      aria-selected={active}
      data-testid={testId}
      onClick={onClick}
      className={cn('h-7 rounded px-3 text-[13px] font-medium', active ? 'bg-surface-2 text-fg' : 'text-fg-muted hover:text-fg')}
    >
      {children}
    </button>
  );
}
