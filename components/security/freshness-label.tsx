'use client';

import { formatAge, formatUtc } from '@/components/ui/time-format';
import { useNow } from '@/components/ui/use-now';
import { cn } from '@/components/ui/cn';

/**
 * "updated 12s ago", ticking from the oldest panel's fetch. Amber when a panel is stale or a
 * refresh failed, or when two refreshes have been missed.
 */
export function FreshnessLabel({
  fetchedAt,
  ageSeconds,
  receivedAt,
  fetching,
  failed,
  refreshMs,
}: {
  fetchedAt: string;
  ageSeconds: number;
  receivedAt: number;
  fetching: boolean;
  failed: boolean;
  refreshMs: number;
}) {
  const now = useNow();
  const seconds = ageSeconds + Math.max(0, (now - receivedAt) / 1000);
  const late = failed || seconds > (2 * refreshMs) / 1000 + 10;
  return (
    <span
      data-testid="updated-ago"
      data-seconds={Math.floor(seconds)}
      title={`Read from GuardDuty at ${formatUtc(fetchedAt)}; refreshes every ${refreshMs / 1000} s`}
      className={cn('inline-flex items-center gap-1.5 text-xs tabular-nums', late ? 'text-degraded-fg' : 'text-fg-subtle')}
      suppressHydrationWarning
    >
      <span aria-hidden className={cn('size-1.5 rounded-full', late ? 'bg-degraded-solid' : 'bg-healthy-solid', fetching && 'animate-pulse')} />
      updated {formatAge(seconds)} ago
    </span>
  );
}
