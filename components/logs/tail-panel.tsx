'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { LogEvent } from '@/lib/aws/logs-types';
import { fetchJson } from '@/lib/api/fetch-json';
import { buttonClass } from '@/components/ui/error-panel';
import { controlClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';
import { LogView } from './log-view';
import { RangePicker } from './range-picker';
import { resolveRange, type RangeChoice } from './time-range';
import { useLogTail } from './use-log-tail';

interface EventsPage {
  events: LogEvent[];
  nextCursor: string | null;
}

/** Live tail (range null) or a search over a time range, with a server-side filter pattern. */
export function TailPanel({ group, stream, initialRange, where = '' }: { group: string; stream: string; initialRange: RangeChoice | null; where?: string }) {
  const [draft, setDraft] = useState('');
  const [pattern, setPattern] = useState('');
  const [range, setRange] = useState<RangeChoice | null>(initialRange);
  const [paused, setPaused] = useState(false);

  return (
    <div className="flex flex-col">
      <form
        className="flex flex-wrap items-center gap-2 border-b border-border px-4 py-2.5"
        onSubmit={(e) => {
          e.preventDefault();
          setPattern(draft.trim());
        }}
      >
        <input
          data-testid="filter-pattern"
          aria-label="Filter pattern"
          className={cn(controlClass, 'w-72 font-mono')}
          placeholder='Filter pattern: ERROR, ?WARN ?ERROR, { $.status >= 500 }'
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className={buttonClass}>
          Apply
        </button>
        {pattern && (
          <button
            type="button"
            className={buttonClass}
            onClick={() => {
              setDraft('');
              setPattern('');
            }}
          >
            Clear
          </button>
        )}
        <RangePicker value={range} onChange={setRange} allowLive />
      </form>
      {range === null ? (
        <LiveTail key={`${group}|${stream}|${pattern}`} group={group} stream={stream} pattern={pattern} paused={paused} onPausedChange={setPaused} where={where} />
      ) : (
        <SearchResults group={group} stream={stream} pattern={pattern} range={range} where={where} />
      )}
    </div>
  );
}

function LiveTail({ group, stream, pattern, paused, onPausedChange, where }: { group: string; stream: string; pattern: string; paused: boolean; onPausedChange: (p: boolean) => void; where: string }) {
  const tail = useLogTail({ group, stream, pattern, live: !paused, where });
  return (
    <>
      <div className="flex flex-wrap items-center gap-3 border-b border-border px-4 py-1.5 text-xs text-fg-muted">
        <span className="inline-flex items-center gap-1.5">
          <span aria-hidden className={cn('size-2 rounded-full', paused ? 'bg-unknown-solid' : tail.polling ? 'animate-pulse bg-healthy-solid' : 'bg-degraded-solid')} />
          <span data-testid="tail-status">{paused ? 'paused' : 'live'}</span>
        </span>
        <span className="text-fg-subtle">
          {paused ? 'new lines are not fetched' : tail.polling ? 'polling every second' : tail.error ? 'stopped' : 'waiting for this tab to be visible'}
          {' · '}
          {tail.lines.length} lines (last 2000 kept) · times in UTC
        </span>
        <button type="button" data-testid="pause-button" className={cn(buttonClass, 'ml-auto h-7')} onClick={() => onPausedChange(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      {tail.error && <LogsError message={tail.error.message} />}
      <LogView events={tail.lines} follow showStream={!stream} empty={pattern ? `No lines match “${pattern}” yet.` : 'Waiting for log lines…'} />
    </>
  );
}

function SearchResults({ group, stream, pattern, range, where }: { group: string; stream: string; pattern: string; range: RangeChoice; where: string }) {
  // Presets are resolved when the search runs, and again on "Search again".
  const [ranAt, setRanAt] = useState(() => Date.now());
  const { start, end } = resolveRange(range, ranAt);
  const query = useInfiniteQuery({
    queryKey: ['logs', 'search', where, group, stream, pattern, start, end] as const,
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams({ group, start: String(start), end: String(end), limit: '1000' });
      if (stream) params.set('stream', stream);
      if (pattern) params.set('pattern', pattern);
      if (pageParam) params.set('cursor', pageParam);
      return fetchJson<EventsPage>(`/api/logs/events?${params}${where}`, signal);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: Number.isFinite(start) && Number.isFinite(end),
    retry: false,
  });
  const events = query.data?.pages.flatMap((p) => p.events) ?? [];

  return (
    <>
      <div className="flex flex-wrap items-center gap-3 border-b border-border px-4 py-1.5 text-xs text-fg-muted">
        <span>
          {Number.isFinite(start) && Number.isFinite(end) ? `${new Date(start).toISOString().slice(0, 19)}Z → ${new Date(end).toISOString().slice(0, 19)}Z` : 'choose a range'} · oldest first ·{' '}
          {query.isFetching ? 'searching…' : `${events.length} lines`}
        </span>
        <div className="ml-auto flex items-center gap-2">
          {query.hasNextPage && (
            <button type="button" className={cn(buttonClass, 'h-7')} disabled={query.isFetchingNextPage} onClick={() => query.fetchNextPage()}>
              {query.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          )}
          <button type="button" className={cn(buttonClass, 'h-7')} onClick={() => setRanAt(Date.now())}>
            Search again
          </button>
        </div>
      </div>
      {query.isError && <LogsError message={query.error.message} />}
      <LogView events={events} showStream={!stream} empty={query.isPending ? 'Searching…' : 'No lines in this range.'} />
    </>
  );
}

export function LogsError({ message }: { message: string }) {
  return (
    <p role="alert" data-testid="logs-error" className="border-b border-down-border bg-down-bg px-4 py-2 text-[13px] text-down-fg">
      {message}
    </p>
  );
}
