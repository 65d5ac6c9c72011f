import { queryOptions } from '@tanstack/react-query';
import type { PlaceRef } from '../accounts/places';
import { placeSearch } from './place-search';
import type { FleetOverview, ServiceDetail } from '@/lib/fleet/types';
import type { ApiTokenView } from './tokens/token-view';
import type { AdminUserView } from './users/user-view';
import { fetchJson } from './fetch-json';

/** The console polls; ECS state moves in seconds during a rollout. */
export const REFRESH_INTERVAL_MS = 5_000;

export function fleetOverviewQuery() {
  return queryOptions({
    queryKey: ['fleet', 'overview'] as const,
    queryFn: ({ signal }) => fetchJson<FleetOverview>('/api/fleet', signal),
    refetchInterval: REFRESH_INTERVAL_MS,
  });
}

/** `place`: the service's account and Region when not home. */
export function serviceDetailQuery(cluster: string, service: string, place?: PlaceRef | null) {
  return queryOptions({
    queryKey: ['fleet', 'service', cluster, service, ...(place ? [place.accountId, place.region] : [])] as const,
    queryFn: ({ signal }) =>
      fetchJson<ServiceDetail>(`/api/services/${encodeURIComponent(cluster)}/${encodeURIComponent(service)}${placeSearch(place, '?')}`, signal),
    refetchInterval: REFRESH_INTERVAL_MS,
  });
}

export function apiTokensQuery() {
  return queryOptions({
    queryKey: ['tokens', 'own'] as const,
    queryFn: ({ signal }) => fetchJson<{ tokens: ApiTokenView[] }>('/api/tokens', signal),
  });
}

export function adminUsersQuery() {
  return queryOptions({
    queryKey: ['admin', 'users'] as const,
    queryFn: ({ signal }) => fetchJson<{ users: AdminUserView[] }>('/api/admin/users', signal),
  });
}
