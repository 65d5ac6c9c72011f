'use client';

import { useState } from 'react';
import { RANGE_KEYS, type MetricsQueryInput, type RangeKey } from '@/lib/api/metrics/schemas';
import { smallButtonClass } from '@/components/ui/controls';
import { UTC_INPUT } from '@/components/ui/time-format';
import { UtcDateTimeInput } from '@/components/ui/utc-datetime-input';
import { cn } from '@/components/ui/cn';

const LABELS: Record<RangeKey, string> = { '1h': '1 h', '3h': '3 h', '12h': '12 h', '24h': '24 h', '7d': '7 d', custom: 'Custom' };

/** Typed 24-hour in UTC, like every time in the console. */
const toInput = (iso: string | undefined) => (iso ? iso.slice(0, 16) : '');
const fromInput = (v: string) => (v ? new Date(`${v.length === 16 ? `${v}:00` : v}Z`).toISOString() : undefined);

export function RangePicker({ value, onChange }: { value: MetricsQueryInput; onChange: (next: MetricsQueryInput) => void }) {
  const [custom, setCustom] = useState(value.range === 'custom');
  const [from, setFrom] = useState(toInput(value.from ?? new Date(Date.now() - 6 * 3600_000).toISOString()));
  const [to, setTo] = useState(toInput(value.to ?? new Date().toISOString()));
  return (
    <div data-testid="metrics-range" data-range={value.range} className="flex flex-wrap items-center gap-2">
      <div role="group" aria-label="Time range" className="inline-flex overflow-hidden rounded-md border border-border">
        {RANGE_KEYS.map((k) => {
          const active = k === 'custom' ? custom : !custom && value.range === k;
          return (
            <button
              key={k}
              type="button"
              aria-pressed={active}
              data-range={k}
              onClick={() => {
                setCustom(k === 'custom');
                if (k !== 'custom') onChange({ range: k });
              }}
              className={cn('h-7 border-r border-border px-2.5 text-xs last:border-r-0', active ? 'bg-fg font-medium text-bg' : 'bg-surface text-fg-muted hover:text-fg')}
            >
              {LABELS[k]}
            </button>
          );
        })}
      </div>
      {custom && (
        <form
          className="flex flex-wrap items-center gap-1.5 text-xs text-fg-subtle"
          onSubmit={(e) => {
            e.preventDefault();
            if (!UTC_INPUT.test(from) || !UTC_INPUT.test(to)) return;
            onChange({ range: 'custom', from: fromInput(from), to: fromInput(to) });
          }}
        >
          <label className="flex items-center gap-1">
            from
            <UtcDateTimeInput aria-label="From (UTC)" value={from} onChange={setFrom} className="h-7 text-xs" required />
          </label>
          <label className="flex items-center gap-1">
            to
            <UtcDateTimeInput aria-label="To (UTC)" value={to} onChange={setTo} className="h-7 text-xs" required />
          </label>
          <span>UTC</span>
          <button type="submit" className={smallButtonClass}>
            Show
          </button>
        </form>
      )}
    </div>
  );
}
