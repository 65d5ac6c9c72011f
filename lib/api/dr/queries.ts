import { queryOptions } from '@tanstack/react-query';
import type { DrStatus } from '../../dr/status';
import { fetchJson } from '../fetch-json';
import type { PlaceFilter } from '../../accounts/fan-out';
import { placeFilterSearch } from '../place-search';

export const DR_REFRESH_MS = 60_000;

export function drStatusQuery(filter: PlaceFilter = {}) {
  return queryOptions({
    queryKey: ['dr', 'status', filter.account ?? '', filter.region ?? ''] as const,
    queryFn: ({ signal }) => fetchJson<DrStatus>(`/api/dr/status${placeFilterSearch(filter)}`, signal),
    refetchInterval: DR_REFRESH_MS,
    staleTime: 30_000,
  });
}
