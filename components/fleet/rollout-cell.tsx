import type { ServiceHealth } from '@/lib/fleet/types';
import { ProgressBar } from '@/components/ui/progress-bar';
import { cn } from '@/components/ui/cn';

/** "IN_PROGRESS 2/3" with a bar, "FAILED" in red, "COMPLETED" quietly. */
export function RolloutCell({ rollout }: { rollout: ServiceHealth['rollout'] }) {
  const { state, running, desired, failedTasks, reason } = rollout;
  if (!state) return <span className="text-fg-subtle">—</span>;

  const title = [state, reason, failedTasks ? `${failedTasks} failed tasks` : null].filter(Boolean).join(' · ');
  if (state === 'COMPLETED') {
    return (
      <span title={title} className="font-mono text-[11px] text-fg-subtle">
        COMPLETED
      </span>
    );
  }
  const failed = state === 'FAILED';
  return (
    <div title={title} className="flex min-w-0 flex-col gap-1">
      <span className={cn('whitespace-nowrap font-mono text-[11px] font-medium', failed ? 'text-down-fg' : 'text-deploying-fg')}>
        {state}
        {!failed && (
          <span className="ml-1 tabular-nums">
            {running}/{desired}
          </span>
        )}
      </span>
      {!failed && <ProgressBar value={running} max={desired} tone="deploying" label={`Rollout ${running} of ${desired} tasks`} className="w-20" />}
    </div>
  );
}
