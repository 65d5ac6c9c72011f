'use client';

import type { PanelStatus } from '@/lib/telemetry/findings';
import { formatAge } from '@/components/ui/time-format';
import { useNow } from '@/components/ui/use-now';

/**
 * Says when a panel shows old data, and why: "stale — last updated 42s ago: <error>". The age
 * keeps growing from when the browser received it, so a stuck panel reads as stuck.
 */
export function PanelStatusNote({ status, receivedAt, what }: { status: PanelStatus; receivedAt: number; what: string }) {
  const now = useNow();
  if (!status.stale && !(status.error && status.fetchedAt === null)) return null;
  if (status.fetchedAt === null) {
    return (
      <p role="status" data-testid="panel-unavailable" className="text-xs text-down-fg">
        <strong className="font-semibold">unavailable</strong> — {what} could not be read from GuardDuty: {status.error}
      </p>
    );
  }
  const age = formatAge((status.ageSeconds ?? 0) + Math.max(0, (now - receivedAt) / 1000));
  return (
    <p role="status" data-testid="panel-stale" className="text-xs text-degraded-fg" suppressHydrationWarning>
      <strong className="font-semibold">stale</strong> — last updated {age} ago{status.error ? `: ${status.error}` : ''}
    </p>
  );
}
