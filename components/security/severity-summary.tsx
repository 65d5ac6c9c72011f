'use client';

import type { SeverityCounts, SeverityLabel } from '@/lib/aws/findings-types';
import { cn } from '@/components/ui/cn';
import { SEVERITY_ORDER, SEVERITY_TITLE } from './severity-badge';

const chipTone: Record<SeverityLabel, { idle: string; active: string; count: string }> = {
  CRITICAL: { idle: 'hover:border-[#991b1b]', active: 'border-[#991b1b] bg-down-bg', count: 'text-down-fg' },
  HIGH: { idle: 'hover:border-down-border', active: 'border-down-border bg-down-bg', count: 'text-down-fg' },
  MEDIUM: { idle: 'hover:border-degraded-border', active: 'border-degraded-border bg-degraded-bg', count: 'text-degraded-fg' },
  LOW: { idle: 'hover:border-unknown-border', active: 'border-unknown-border bg-unknown-bg', count: 'text-fg' },
};

const swatch: Record<SeverityLabel, string> = {
  CRITICAL: 'bg-[#991b1b]',
  HIGH: 'bg-down-solid',
  MEDIUM: 'bg-degraded-solid',
  LOW: 'bg-unknown-solid',
};

/**
 * Open findings per band under the other filters. Choosing a band shows it and everything more
 * severe (HIGH shows HIGH and CRITICAL, the guide's §6.4 view); choosing it again clears it.
 */
export function SeveritySummary({
  counts,
  selected,
  onSelect,
}: {
  counts: SeverityCounts | null;
  selected: SeverityLabel | undefined;
  onSelect: (label: SeverityLabel | undefined) => void;
}) {
  const selectedRank = selected ? SEVERITY_ORDER.indexOf(selected) : -1;
  return (
    <div role="group" aria-label="Filter by least severity" className="grid grid-cols-2 gap-2 sm:grid-cols-4">
      {SEVERITY_ORDER.map((label, rank) => {
        const active = selected === label;
        const included = selected !== undefined && rank <= selectedRank;
        const n = counts?.[label];
        const tone = chipTone[label];
        return (
          <button
            key={label}
            type="button"
            data-testid="severity-count"
            data-severity={label}
            data-count={n ?? ''}
            aria-pressed={active}
            title={`${SEVERITY_TITLE[label]}. ${active ? 'Click to show every severity.' : label === 'CRITICAL' ? 'Click to show CRITICAL only.' : `Click to show ${label} and above.`}`}
            onClick={() => onSelect(active ? undefined : label)}
            className={cn(
              'flex items-center justify-between rounded-md border bg-surface px-3 py-2 text-left transition-colors',
              active || included ? tone.active : cn('border-border', tone.idle),
              selected !== undefined && !included && 'opacity-60',
            )}
          >
            <span className="flex items-center gap-2 text-xs font-medium tracking-wide text-fg-muted">
              <span aria-hidden className={cn('size-2 rounded-full', swatch[label])} />
              {label}
              {active && label !== 'CRITICAL' && <span className="font-normal text-fg-subtle">and above</span>}
            </span>
            <span className={cn('text-xl font-semibold tabular-nums leading-none', n ? tone.count : 'text-fg')}>{n ?? '—'}</span>
          </button>
        );
      })}
    </div>
  );
}
