'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import type { PlaceFilter } from '@/lib/accounts/fan-out';

/**
 * A page's account and Region filters, in its URL (`?account=&region=`) like the overview's, so a
 * link or a reload keeps them and the switcher (press A) can set them on any page. Other query
 * parameters are kept; writes replace the history entry without a server round trip.
 */
export function usePlaceFilter(): [PlaceFilter, (next: PlaceFilter) => void] {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const account = searchParams.get('account') || undefined;
  const region = searchParams.get('region') || undefined;
  const filter = useMemo(() => ({ account, region }), [account, region]);
  const update = useCallback(
    (next: PlaceFilter) => {
      const params = new URLSearchParams(window.location.search);
      for (const key of ['account', 'region'] as const) {
        if (next[key]) params.set(key, next[key]);
        else params.delete(key);
      }
      const search = params.toString();
      window.history.replaceState(null, '', `${pathname}${search ? `?${search}` : ''}`);
    },
    [pathname],
  );
  return [filter, update];
}
