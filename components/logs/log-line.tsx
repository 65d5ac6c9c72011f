'use client';

import { memo, useState } from 'react';
import type { LogEvent } from '@/lib/aws/logs-types';
import { cn } from '@/components/ui/cn';
import { parseLine } from './log-level';

const LEVEL_CLASS = {
  error: 'text-down-fg',
  warn: 'text-degraded-fg',
  info: 'text-fg',
  debug: 'text-fg-muted',
} as const;

/** One event, always as text (React escapes it); a JSON object expands into a pretty view. */
export const LogLine = memo(function LogLine({ event, showStream }: { event: LogEvent; showStream: boolean }) {
  const [open, setOpen] = useState(false);
  const { level, json } = parseLine(event.message);
  return (
    <div
      data-testid="log-line"
      data-level={level ?? undefined}
      className={cn('group border-l-2 px-3 py-px', level === 'error' ? 'border-down-solid bg-down-bg/40' : level === 'warn' ? 'border-degraded-solid' : 'border-transparent')}
    >
      <div className="flex items-start gap-3">
        <time dateTime={event.timestamp} title={event.timestamp} className="shrink-0 select-none text-fg-subtle">
          {event.timestamp.slice(11, 23)}
        </time>
        {showStream && (
          <span title={event.stream} className="w-36 shrink-0 truncate select-none text-fg-subtle">
            {event.stream.split('/').at(-1)}
          </span>
        )}
        {json ? (
          <button
            type="button"
            aria-expanded={open}
            onClick={() => setOpen((o) => !o)}
            className={cn('min-w-0 flex-1 cursor-pointer whitespace-pre-wrap break-all text-left', level ? LEVEL_CLASS[level] : 'text-fg')}
            title={open ? 'Collapse' : 'Expand JSON'}
          >
            <span className="mr-1 inline-block w-3 text-fg-subtle">{open ? '▾' : '▸'}</span>
            {event.message}
          </button>
        ) : (
          <span className={cn('min-w-0 flex-1 whitespace-pre-wrap break-all', level ? LEVEL_CLASS[level] : 'text-fg')}>{event.message}</span>
        )}
      </div>
      {json && open && (
        <pre data-testid="log-json" className="my-1 ml-[6.5rem] overflow-x-auto rounded border border-border bg-surface-2 p-2 text-fg">
          {JSON.stringify(json, null, 2)}
        </pre>
      )}
    </div>
  );
});
