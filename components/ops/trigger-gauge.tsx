import type { TriggerReading } from '@/lib/ops/types';
import { cn } from '@/components/ui/cn';

function formatValue(value: number | null, unit: TriggerReading['unit']): string {
  if (value === null) return '—';
  if (unit === '%') return `${value < 10 ? value.toFixed(1) : Math.round(value)} %`;
  if (unit === 'ms') return `${Math.round(value)} ms`;
  return String(value);
}

/**
 * A rollback trigger against its threshold: the value, the threshold, and a bar whose tick marks
 * the threshold at 2/3 of its width, so "how close" reads at a glance. Boolean triggers
 * (failed deployment, circuit breaker) show ok or tripped.
 */
export function TriggerGauge({ trigger }: { trigger: TriggerReading }) {
  const { value, threshold, unit, tripped } = trigger;
  const numeric = threshold !== null;
  const ratio = numeric && value !== null && threshold > 0 ? value / threshold : 0;
  const width = Math.min(100, (ratio * 100 * 2) / 3);
  const near = !tripped && ratio >= 0.7;
  return (
    <li data-testid="op-trigger" data-trigger={trigger.id} data-tripped={tripped} className="grid grid-cols-[minmax(0,1fr)_auto] items-center gap-x-3 gap-y-1 py-1.5">
      <span className={cn('text-[12.5px]', tripped ? 'font-semibold text-down-fg' : 'text-fg')}>
        {tripped && <span aria-hidden>▲ </span>}
        {trigger.label}
      </span>
      <span className={cn('text-right font-mono text-[12.5px] tabular-nums', tripped ? 'font-semibold text-down-fg' : near ? 'text-degraded-fg' : 'text-fg')}>
        {numeric ? (
          <>
            {formatValue(value, unit)}
            <span className="font-normal text-fg-subtle">
              {' '}
              {tripped ? '>' : '/'} {formatValue(threshold, unit)}
            </span>
          </>
        ) : tripped ? (
          'tripped'
        ) : (
          'ok'
        )}
      </span>
      {numeric && (
        <div className="relative col-span-2 h-1.5 rounded-full bg-surface-2 ring-1 ring-inset ring-border" aria-hidden>
          <div
            className={cn('h-full rounded-full transition-[width] duration-500', tripped ? 'bg-down-solid' : near ? 'bg-degraded-solid' : 'bg-healthy-solid')}
            style={{ width: `${width}%` }}
          />
          <div className="absolute -top-0.5 h-2.5 w-0.5 rounded bg-fg-muted" style={{ left: '66.666%' }} title="threshold" />
        </div>
      )}
    </li>
  );
}
