import { queryOptions } from '@tanstack/react-query';
import type { FindingFilters, FindingsAcross } from '../../telemetry/findings';
import { fetchJson } from '../fetch-json';
import { findingFiltersToSearch } from './filters';

/** Findings change in minutes, not seconds; the server caches each filter for 10 s. */
export const FINDINGS_REFRESH_MS = 30_000;

export function findingsQuery(filters: FindingFilters) {
  return queryOptions({
    queryKey: ['findings', 'list', filters] as const,
    queryFn: ({ signal }) => {
      const search = findingFiltersToSearch(filters).toString();
      return fetchJson<FindingsAcross>(`/api/findings${search ? `?${search}` : ''}`, signal);
    },
    refetchInterval: FINDINGS_REFRESH_MS,
    staleTime: 25_000,
  });
}
