'use client';

import { formatAge, formatUtc } from '@/components/ui/time-format';
import { useNow } from '@/components/ui/use-now';
import { cn } from '@/components/ui/cn';

/**
 * "updated 3s ago", ticking. `updatedAt` is when the data on screen was read from AWS, so the
 * label keeps growing (and turns amber) when refreshes stop arriving. `failed` turns it amber
 * at once: a refresh failed, or part of the data is stale.
 */
export function UpdatedAgo({ updatedAt, fetching, failed }: { updatedAt: number; fetching: boolean; failed: boolean }) {
  const now = useNow();
  const seconds = Math.max(0, (now - updatedAt) / 1000);
  // Two missed refreshes (at 5 s each) means something is wrong, even before an error arrives.
  const late = failed || seconds > 15;
  return (
    <span
      data-testid="updated-ago"
      data-seconds={Math.floor(seconds)}
      title={`Last refreshed ${formatUtc(new Date(updatedAt).toISOString())}; refreshes every 5 s`}
      className={cn('inline-flex items-center gap-1.5 text-xs tabular-nums', late ? 'text-degraded-fg' : 'text-fg-subtle')}
      suppressHydrationWarning
    >
      <span
        aria-hidden
        className={cn(
          'size-1.5 rounded-full',
          late ? 'bg-degraded-solid' : 'bg-healthy-solid',
          fetching && 'animate-pulse',
        )}
      />
      updated {formatAge(seconds)} ago
    </span>
  );
}
