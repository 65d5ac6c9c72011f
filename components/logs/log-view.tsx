'use client';

import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { LogEvent } from '@/lib/aws/logs-types';
import { smallButtonClass } from '@/components/ui/controls';
import { LogLine } from './log-line';

/** Within this many pixels of the bottom counts as "at the bottom" (following new lines). */
const BOTTOM_SLACK_PX = 24;

/**
 * A monospace list of events. With `follow`, it stays scrolled to the newest line until the
 * user scrolls up; "Jump to latest" brings it back.
 */
export function LogView({ events, follow = false, showStream, empty }: { events: LogEvent[]; follow?: boolean; showStream: boolean; empty: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [atBottom, setAtBottom] = useState(true);

  useLayoutEffect(() => {
    const el = box.current;
    if (follow && atBottom && el) el.scrollTop = el.scrollHeight;
  }, [events, follow, atBottom]);

  return (
    <div className="relative">
      <div
        ref={box}
        data-testid="log-view"
        onScroll={(e) => {
          const el = e.currentTarget;
          setAtBottom(el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX);
        }}
        className="h-[calc(100vh-340px)] min-h-[320px] overflow-y-auto bg-surface py-1 font-mono text-[12px] leading-[18px]"
      >
        {events.length === 0 ? <div className="px-4 py-6 text-center font-sans text-[13px] text-fg-subtle">{empty}</div> : events.map((e) => <LogLine key={e.eventId} event={e} showStream={showStream} />)}
      </div>
      {follow && !atBottom && events.length > 0 && (
        <button
          type="button"
          data-testid="jump-to-latest"
          className={`${smallButtonClass} absolute bottom-3 right-5 shadow-sm`}
          onClick={() => {
            const el = box.current;
            if (el) el.scrollTop = el.scrollHeight;
            setAtBottom(true);
          }}
        >
          ↓ Jump to latest
        </button>
      )}
    </div>
  );
}
