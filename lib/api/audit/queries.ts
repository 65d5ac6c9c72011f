import { infiniteQueryOptions } from '@tanstack/react-query';
import type { AuditPage } from '@/lib/audit/list';
import { fetchJson } from '../fetch-json';
import { DEFAULT_AUDIT_PAGE, auditFiltersToSearch, type AuditFilterValues } from './filters';

// Apart from lib/api/queries.ts on purpose: the filters bring zod, which the overview's bundle must not carry.

/** The audit log under some filters, newest first; each page's `nextCursor` fetches older entries. */
export function auditLogQuery(filters: AuditFilterValues) {
  return infiniteQueryOptions({
    queryKey: ['audit', 'log', filters] as const,
    queryFn: ({ pageParam, signal }) =>
      fetchJson<AuditPage>(`/api/audit?${auditFiltersToSearch(filters, { cursor: pageParam, limit: DEFAULT_AUDIT_PAGE })}`, signal),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}
