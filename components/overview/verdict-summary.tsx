'use client';

import type { Verdict } from '@/lib/fleet/types';
import { cn } from '@/components/ui/cn';
import { VERDICT_GLYPH, VERDICT_LABEL, VERDICT_ORDER } from '@/components/fleet/verdict';

const chipTone: Record<Verdict, { idle: string; active: string; count: string }> = {
  down: { idle: 'hover:border-down-border', active: 'border-down-border bg-down-bg', count: 'text-down-fg' },
  degraded: { idle: 'hover:border-degraded-border', active: 'border-degraded-border bg-degraded-bg', count: 'text-degraded-fg' },
  deploying: { idle: 'hover:border-deploying-border', active: 'border-deploying-border bg-deploying-bg', count: 'text-deploying-fg' },
  unknown: { idle: 'hover:border-unknown-border', active: 'border-unknown-border bg-unknown-bg', count: 'text-unknown-fg' },
  healthy: { idle: 'hover:border-healthy-border', active: 'border-healthy-border bg-healthy-bg', count: 'text-healthy-fg' },
};

/** Counts per verdict, worst first; each one toggles the verdict filter. */
export function VerdictSummary({
  counts,
  selected,
  onSelect,
}: {
  counts: Record<Verdict, number>;
  selected: Verdict | undefined;
  onSelect: (v: Verdict | undefined) => void;
}) {
  return (
    <div role="group" aria-label="Filter by verdict" className="grid grid-cols-5 gap-2">
      {VERDICT_ORDER.map((v) => {
        const active = selected === v;
        const n = counts[v];
        const tone = chipTone[v];
        return (
          <button
            key={v}
            type="button"
            data-testid="verdict-count"
            data-verdict={v}
            aria-pressed={active}
            onClick={() => onSelect(active ? undefined : v)}
            className={cn(
              'flex items-center justify-between rounded-md border bg-surface px-3 py-2 text-left transition-colors',
              active ? tone.active : cn('border-border', tone.idle),
            )}
          >
            <span className="flex items-center gap-2 text-xs text-fg-muted">
              <span aria-hidden className={cn('w-3 text-center font-semibold', n > 0 ? tone.count : 'text-fg-subtle')}>
                {VERDICT_GLYPH[v]}
              </span>
              {VERDICT_LABEL[v]}
            </span>
            <span className={cn('text-xl font-semibold tabular-nums leading-none', n > 0 && v !== 'healthy' ? tone.count : 'text-fg')}>
              {n}
            </span>
          </button>
        );
      })}
    </div>
  );
}
