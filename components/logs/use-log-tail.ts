'use client';

import { useEffect, useRef, useState } from 'react';
import type { LogEvent } from '@/lib/aws/logs-types';
import { ApiError, fetchJson } from '@/lib/api/fetch-json';

/** New lines should be on screen within 2 s; one poll a second leaves room for the round trip. */
export const TAIL_POLL_MS = 1_000;
/** Older lines drop off the top so the DOM stays small. */
export const MAX_TAIL_LINES = 2_000;

export interface LogTail {
  lines: LogEvent[];
  error: ApiError | null;
  /** False while the tab is hidden (polling stops) or after an error the user must fix. */
  polling: boolean;
}

/**
 * A live tail: polls /api/logs/events with the cursor from the last poll while `live`, and not
 * while the tab is hidden. Mount it with a key of its group, stream and pattern to start afresh.
 */
/** `where` is `&account=…&region=…` outside home (placeSearch), empty at home. */
export function useLogTail({ group, stream, pattern, live, where = '' }: { group: string; stream: string; pattern: string; live: boolean; where?: string }): LogTail {
  const [lines, setLines] = useState<LogEvent[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [polling, setPolling] = useState(false);
  const cursor = useRef<string | null>(null);

  useEffect(() => {
    if (!live || !group) return;
    let stopped = false;
    let inFlight = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();

    const schedule = () => {
      if (stopped || document.visibilityState !== 'visible') return setPolling(false);
      setPolling(true);
      timer = setTimeout(poll, TAIL_POLL_MS);
    };
    const poll = async () => {
      timer = undefined;
      inFlight = true;
      const params = new URLSearchParams({ group, limit: '500' });
      if (stream) params.set('stream', stream);
      if (pattern.trim()) params.set('pattern', pattern);
      if (cursor.current) params.set('cursor', cursor.current);
      try {
        const page = await fetchJson<{ events: LogEvent[]; nextCursor: string }>(`/api/logs/events?${params}${where}`, controller.signal);
        cursor.current = page.nextCursor;
        if (page.events.length > 0) setLines((prev) => [...prev, ...page.events].slice(-MAX_TAIL_LINES));
        setError(null);
      } catch (e) {
        if (controller.signal.aborted) return;
        const err = e instanceof ApiError ? e : new ApiError(0, 'network', 'The tail could not be read');
        setError(err);
        // A bad pattern or an unknown group will not fix itself; stop until the input changes.
        if (err.status === 400 || err.status === 403 || err.status === 404) {
          stopped = true;
          setPolling(false);
          return;
        }
      } finally {
        inFlight = false;
      }
      schedule();
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') {
        clearTimeout(timer);
        timer = undefined;
        setPolling(false);
      } else if (!timer && !inFlight && !stopped) {
        void poll();
        setPolling(true);
      }
    };

    document.addEventListener('visibilitychange', onVisibility);
    if (document.visibilityState === 'visible') {
      setPolling(true);
      void poll();
    }
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller.abort();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [group, stream, pattern, live, where]);

  return { lines, error, polling: live && polling };
}
