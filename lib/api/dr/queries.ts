import { queryOptions } from '@tanstack/react-query';
import type { DrStatus } from '../../dr/status';
import { fetchJson } from '../fetch-json';

export const DR_REFRESH_MS = 60_000;

export function drStatusQuery() {
  return queryOptions({
    queryKey: ['dr', 'status'] as const,
    queryFn: ({ signal }) => fetchJson<DrStatus>('/api/dr/status', signal),
    refetchInterval: DR_REFRESH_MS,
    staleTime: 30_000,
  });
}
