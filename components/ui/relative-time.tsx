'use client';

import { formatAge, formatUtc } from './time-format';
import { useNow } from './use-now';

/** "3m ago", ticking, with the absolute UTC time as its tooltip. */
export function RelativeTime({ iso, className, suffix = ' ago' }: { iso: string | null; className?: string; suffix?: string }) {
  const now = useNow();
  if (!iso) return <span className={className}>—</span>;
  const at = Date.parse(iso);
  return (
    // Server and browser clocks differ by a second or so; the next tick corrects the text.
    <time dateTime={iso} title={formatUtc(iso)} className={className} suppressHydrationWarning>
      {formatAge((now - at) / 1000)}
      {suffix}
    </time>
  );
}
