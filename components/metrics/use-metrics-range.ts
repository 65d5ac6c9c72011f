'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { metricsQuerySchema, type MetricsQueryInput } from '@/lib/api/metrics/schemas';

/** The charts' range from `?range=` (with `from`/`to` for custom); a bad value falls back to 1 h. */
export function useMetricsRange(): [MetricsQueryInput, (next: MetricsQueryInput) => void] {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const range = useMemo(() => {
    const parsed = metricsQuerySchema.safeParse({ range: searchParams.get('range') ?? undefined, from: searchParams.get('from') ?? undefined, to: searchParams.get('to') ?? undefined });
    return parsed.success ? parsed.data : ({ range: '1h' } as MetricsQueryInput);
  }, [searchParams]);

  const update = useCallback(
    (next: MetricsQueryInput) => {
      const p = new URLSearchParams(window.location.search);
      p.set('range', next.range);
      p.delete('from');
      p.delete('to');
      if (next.range === 'custom' && next.from && next.to) {
        p.set('from', next.from);
        p.set('to', next.to);
      }
      window.history.replaceState(null, '', `${pathname}?${p}`);
    },
    [pathname],
  );
  return [range, update];
}
