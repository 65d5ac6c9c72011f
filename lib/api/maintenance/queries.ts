import { queryOptions } from '@tanstack/react-query';
import type { MaintenanceChecklist, MaintenanceCompletion } from '../../maintenance/checklist';
import { fetchJson } from '../fetch-json';

/** Due times move in days; a minute keeps "overdue" honest without polling a table for nothing. */
export const MAINTENANCE_REFRESH_MS = 60_000;

export function maintenanceQuery() {
  return queryOptions({
    queryKey: ['maintenance', 'checklist'] as const,
    queryFn: ({ signal }) => fetchJson<MaintenanceChecklist>('/api/maintenance', signal),
    refetchInterval: MAINTENANCE_REFRESH_MS,
    staleTime: 30_000,
  });
}

export function maintenanceHistoryQuery(taskId: string) {
  return queryOptions({
    queryKey: ['maintenance', 'history', taskId] as const,
    queryFn: ({ signal }) => fetchJson<{ taskId: string; completions: MaintenanceCompletion[] }>(`/api/maintenance/${encodeURIComponent(taskId)}/history`, signal),
    staleTime: 10_000,
  });
}
