import { queryOptions } from '@tanstack/react-query';
import type { LogGroupList } from '../../telemetry/logs';
import { fetchJson } from '../fetch-json';
import type { PlaceRef } from '../../accounts/places';
import { placeSearch } from '../place-search';

/** The log groups of one account and Region (home when `place` is null). */
export function logGroupsQuery(place: PlaceRef | null = null) {
  return queryOptions({
    queryKey: ['logs', 'groups', place?.accountId ?? '', place?.region ?? ''] as const,
    queryFn: ({ signal }) => fetchJson<LogGroupList>(`/api/logs/groups${placeSearch(place, '?')}`, signal),
    staleTime: 60_000,
  });
}
