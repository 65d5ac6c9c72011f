import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { PlaceRef } from '../../accounts/places';
import { placeSearch } from '../place-search';
import type { ServiceMetrics } from '../../telemetry/metrics';
import { fetchJson } from '../fetch-json';
import type { MetricsQueryInput } from './schemas';

/** The server caches each service and range for 30 s; the finest period is a minute. */
export const METRICS_REFRESH_MS = 60_000;

export function metricsSearch(input: MetricsQueryInput): URLSearchParams {
  const p = new URLSearchParams({ range: input.range });
  if (input.range === 'custom') {
    if (input.from) p.set('from', input.from);
    if (input.to) p.set('to', input.to);
  }
  return p;
}

export function serviceMetricsQuery(cluster: string, service: string, input: MetricsQueryInput, place?: PlaceRef | null) {
  return queryOptions({
    queryKey: ['metrics', 'service', cluster, service, input.range, input.range === 'custom' ? (input.from ?? '') : '', input.range === 'custom' ? (input.to ?? '') : '', ...(place ? [place.accountId, place.region] : [])] as const,
    queryFn: ({ signal }) =>
      fetchJson<ServiceMetrics>(`/api/metrics/services/${encodeURIComponent(cluster)}/${encodeURIComponent(service)}?${metricsSearch(input)}${placeSearch(place)}`, signal),
    refetchInterval: input.range === 'custom' ? false : METRICS_REFRESH_MS,
    staleTime: 25_000,
    placeholderData: keepPreviousData,
  });
}
