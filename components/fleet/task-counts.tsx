import { cn } from '@/components/ui/cn';

/** "2 / 3" with pending underneath; the running count turns red or amber when short. */
export function TaskCounts({ running, desired, pending }: { running: number; desired: number; pending: number }) {
  const short = running < desired;
  return (
    <div className="flex flex-col tabular-nums leading-tight">
      <span title={`${running} running of ${desired} desired`}>
        <span className={cn('font-medium', short && (running === 0 ? 'text-down-fg' : 'text-degraded-fg'))}>{running}</span>
        <span className="text-fg-subtle"> / {desired}</span>
      </span>
      {pending > 0 && <span className="whitespace-nowrap text-[11px] text-fg-subtle">{pending} pending</span>}
    </div>
  );
}
