import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { AuditPage } from '@/lib/audit/list';
import type { FleetOverview, ServiceDetail } from '@/lib/fleet/types';
import { DEFAULT_AUDIT_PAGE, auditFiltersToSearch, type AuditFilterValues } from './audit/filters';
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

export function serviceDetailQuery(cluster: string, service: string) {
  return queryOptions({
    queryKey: ['fleet', 'service', cluster, service] as const,
    queryFn: ({ signal }) =>
      fetchJson<ServiceDetail>(`/api/services/${encodeURIComponent(cluster)}/${encodeURIComponent(service)}`, signal),
    refetchInterval: REFRESH_INTERVAL_MS,
  });
}

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
