import { queryOptions } from '@tanstack/react-query';
import type { PlaceRef } from '../../accounts/places';
import { placeSearch } from '../place-search';
import type { AlarmHistoryEntry, AlarmsReport } from '../../telemetry/alarms';
import { fetchJson } from '../fetch-json';

/** The server caches alarms for 10 s; CloudWatch evaluates most alarms once a minute. */
export const ALARMS_REFRESH_MS = 15_000;

export function alarmsQuery() {
  return queryOptions({
    queryKey: ['alarms', 'list'] as const,
    queryFn: ({ signal }) => fetchJson<AlarmsReport>('/api/alarms', signal),
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

export function alarmHistoryQuery(name: string) {
  return queryOptions({
    queryKey: ['alarms', 'history', name] as const,
    queryFn: ({ signal }) => fetchJson<{ history: AlarmHistoryEntry[] }>(`/api/alarms/${encodeURIComponent(name)}/history`, signal),
    staleTime: 10_000,
  });
}
