'use client';

import { controlClass } from '@/components/ui/controls';
import { RANGE_PRESETS, toInputValue, type RangeChoice } from './time-range';

/** Preset ranges or a custom UTC range; `allowLive` adds "Live tail" as the first choice (null). */
export function RangePicker({
  value,
  onChange,
  allowLive = false,
  label = 'Time range',
}: {
  value: RangeChoice | null;
  onChange: (value: RangeChoice | null) => void;
  allowLive?: boolean;
  label?: string;
}) {
  const selected = value === null ? 'live' : value.kind === 'custom' ? 'custom' : value.id;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <select
        aria-label={label}
        data-testid="time-range"
        className={controlClass}
        value={selected}
        onChange={(e) => {
          const v = e.target.value;
          if (v === 'live') onChange(null);
          else if (v === 'custom') {
            const now = Date.now();
            onChange({ kind: 'custom', start: toInputValue(now - 60 * 60_000), end: toInputValue(now) });
          } else onChange({ kind: 'preset', id: v as (typeof RANGE_PRESETS)[number]['id'] });
        }}
      >
        {allowLive && <option value="live">Live tail</option>}
        {RANGE_PRESETS.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
        <option value="custom">Custom range (UTC)…</option>
      </select>
      {value?.kind === 'custom' && (
        <>
          <input
            type="datetime-local"
            aria-label="From (UTC)"
            className={controlClass}
            value={value.start}
            onChange={(e) => onChange({ ...value, start: e.target.value })}
          />
          <span className="text-xs text-fg-subtle">to</span>
          <input
            type="datetime-local"
            aria-label="To (UTC)"
            className={controlClass}
            value={value.end}
            onChange={(e) => onChange({ ...value, end: e.target.value })}
          />
        </>
      )}
    </div>
  );
}
