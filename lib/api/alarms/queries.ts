import { queryOptions } from '@tanstack/react-query';
import type { PlaceRef } from '../../accounts/places';
import { placeFilterSearch, placeSearch } from '../place-search';
import type { PlaceFilter } from '../../accounts/fan-out';
import type { AlarmHistoryEntry, AlarmsAcross, AlarmsReport } from '../../telemetry/alarms';
import { fetchJson } from '../fetch-json';

/** The server caches alarms for 10 s; CloudWatch evaluates most alarms once a minute. */
export const ALARMS_REFRESH_MS = 15_000;

/** Every watched account and Region's alarms, or those `filter` keeps. */
export function alarmsQuery(filter: PlaceFilter = {}) {
  return queryOptions({
    queryKey: ['alarms', 'list', filter.account ?? '', filter.region ?? ''] as const,
    queryFn: ({ signal }) => fetchJson<AlarmsAcross>(`/api/alarms${placeFilterSearch(filter)}`, signal),
    refetchInterval: ALARMS_REFRESH_MS,
    staleTime: 10_000,
  });
}

export function serviceAlarmsQuery(cluster: string, service: string, place?: PlaceRef | null) {
  return queryOptions({
    queryKey: ['alarms', 'service', cluster, service, ...(place ? [place.accountId, place.region] : [])] as const,
    queryFn: ({ signal }) =>
      fetchJson<AlarmsReport>(`/api/alarms?cluster=${encodeURIComponent(cluster)}&service=${encodeURIComponent(service)}${placeSearch(place)}`, signal),
    refetchInterval: ALARMS_REFRESH_MS,
    staleTime: 10_000,
  });
}

export function alarmHistoryQuery(name: string, place?: PlaceRef | null) {
  return queryOptions({
    queryKey: ['alarms', 'history', name, ...(place ? [place.accountId, place.region] : [])] as const,
    queryFn: ({ signal }) => fetchJson<{ history: AlarmHistoryEntry[] }>(`/api/alarms/${encodeURIComponent(name)}/history${placeSearch(place, '?')}`, signal),
    staleTime: 10_000,
  });
}
