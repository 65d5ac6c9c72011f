'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { findingFiltersToSearch, parseFindingFilters } from '@/lib/api/findings/filters';
import type { FindingFilters } from '@/lib/telemetry/findings';

/** The Security page's filters, read from and written to the query string (replaceState, no navigation). */
export function useFindingFilters(): [FindingFilters, (patch: Partial<FindingFilters>) => void] {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const filters = useMemo(() => parseFindingFilters(searchParams), [searchParams]);

  const update = useCallback(
    (patch: Partial<FindingFilters>) => {
      const next = { ...parseFindingFilters(new URLSearchParams(window.location.search)), ...patch };
      const search = findingFiltersToSearch(next).toString();
      window.history.replaceState(null, '', `${pathname}${search ? `?${search}` : ''}`);
    },
    [pathname],
  );

  return [filters, update];
}
