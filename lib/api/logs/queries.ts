import { queryOptions } from '@tanstack/react-query';
import type { LogGroupList } from '../../telemetry/logs';
import { fetchJson } from '../fetch-json';

export function logGroupsQuery() {
  return queryOptions({
    queryKey: ['logs', 'groups'] as const,
    queryFn: ({ signal }) => fetchJson<LogGroupList>('/api/logs/groups', signal),
    staleTime: 60_000,
  });
}
