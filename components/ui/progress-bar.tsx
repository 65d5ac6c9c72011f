import { cn } from './cn';

export type ProgressTone = 'healthy' | 'degraded' | 'down' | 'deploying' | 'unknown';

const fill: Record<ProgressTone, string> = {
  healthy: 'bg-healthy-solid',
  degraded: 'bg-degraded-solid',
  down: 'bg-down-solid',
  deploying: 'bg-deploying-solid',
  unknown: 'bg-unknown-solid',
};

export function ProgressBar({ value, max, tone, label, className }: { value: number; max: number; tone: ProgressTone; label: string; className?: string }) {
  const pct = max > 0 ? Math.min(100, Math.max(0, (value / max) * 100)) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      className={cn('h-1.5 w-full overflow-hidden rounded-full bg-surface-2 ring-1 ring-inset ring-border', className)}
    >
      <div className={cn('h-full rounded-full transition-[width] duration-500', fill[tone])} style={{ width: `${pct}%` }} />
    </div>
  );
}
