'use client';

import type { AlarmsReport } from '@/lib/telemetry/alarms';
import { formatAge } from '@/components/ui/time-format';
import { useNow } from '@/components/ui/use-now';

/** "stale — last updated 42s ago: <error>" when CloudWatch failed and the alarms shown are the last good ones. */
export function AlarmsStatusNote({ report, receivedAt }: { report: AlarmsReport; receivedAt: number }) {
  const now = useNow();
  if (report.fetchedAt === null && report.error) {
    return (
      <p role="status" data-testid="alarms-unavailable" className="text-xs text-down-fg">
        <strong className="font-semibold">unavailable</strong> — alarms could not be read from CloudWatch: {report.error}
      </p>
    );
  }
  if (!report.stale) return null;
  const age = formatAge((report.ageSeconds ?? 0) + Math.max(0, (now - receivedAt) / 1000));
  return (
    <p role="status" data-testid="alarms-stale" className="text-xs text-degraded-fg" suppressHydrationWarning>
      <strong className="font-semibold">stale</strong> — last updated {age} ago{report.error ? `: ${report.error}` : ''}
    </p>
  );
}
