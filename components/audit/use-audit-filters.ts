'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { auditFiltersToSearch, parseAuditFilters, type AuditFilterValues } from '@/lib/api/audit/filters';

/** The audit screen's filters, read from and written to the query string (replaceState, no navigation). */
export function useAuditFilters(): [AuditFilterValues, (patch: Partial<AuditFilterValues>) => void] {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const filters = useMemo(() => parseAuditFilters(searchParams), [searchParams]);

  const update = useCallback(
    (patch: Partial<AuditFilterValues>) => {
      const next = { ...parseAuditFilters(new URLSearchParams(window.location.search)), ...patch };
      const search = auditFiltersToSearch(next).toString();
      window.history.replaceState(null, '', `${pathname}${search ? `?${search}` : ''}`);
    },
    [pathname],
  );

  return [filters, update];
}
