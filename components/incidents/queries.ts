import { queryOptions } from '@tanstack/react-query';
import type {
  CommandersResponse,
  EscalationBoardResponse,
  EscalationSimulateResponse,
  IncidentDetailResponse,
  IncidentListResponse,
  RosterResponse,
  Severity,
} from '@/lib/incidents/types';
import type { Action } from '@/lib/auth/can';
import { fetchJson } from '@/lib/api/fetch-json';

/** The board polls this often; countdowns tick every second in the browser between polls. */
export const BOARD_REFRESH_MS = 5_000;
const INCIDENT_REFRESH_MS = 10_000;

export function incidentsQuery(status: 'open' | 'all') {
  return queryOptions({
    queryKey: ['incidents', 'list', status] as const,
    queryFn: ({ signal }) => fetchJson<IncidentListResponse>(`/api/incidents?status=${status}`, signal),
    refetchInterval: INCIDENT_REFRESH_MS,
  });
}

export function incidentQuery(id: string) {
  return queryOptions({
    queryKey: ['incidents', 'detail', id] as const,
    queryFn: ({ signal }) => fetchJson<IncidentDetailResponse>(`/api/incidents/${encodeURIComponent(id)}`, signal),
    refetchInterval: INCIDENT_REFRESH_MS,
  });
}

export function boardQuery() {
  return queryOptions({
    queryKey: ['incidents', 'board'] as const,
    queryFn: ({ signal }) => fetchJson<EscalationBoardResponse>('/api/escalation/board', signal),
    refetchInterval: BOARD_REFRESH_MS,
    refetchIntervalInBackground: true,
  });
}

export function simulateQuery(severity: Severity, openedAt: string) {
  return queryOptions({
    queryKey: ['incidents', 'simulate', severity, openedAt] as const,
    queryFn: ({ signal }) =>
      fetchJson<EscalationSimulateResponse>(`/api/escalation/simulate?severity=${severity}&openedAt=${encodeURIComponent(openedAt)}`, signal),
    staleTime: 60_000,
  });
}

export function rosterQuery() {
  return queryOptions({
    queryKey: ['incidents', 'roster'] as const,
    queryFn: ({ signal }) => fetchJson<RosterResponse>('/api/roster', signal),
  });
}

export function commandersQuery() {
  return queryOptions({
    queryKey: ['incidents', 'commanders'] as const,
    queryFn: ({ signal }) => fetchJson<CommandersResponse>('/api/users/commanders', signal),
    staleTime: 60_000,
  });
}

export interface MeResponse {
  name: string | null;
  subject: string;
  role: string;
  can: Record<Action, boolean>;
}

export function meQuery() {
  return queryOptions({
    queryKey: ['me'] as const,
    queryFn: ({ signal }) => fetchJson<MeResponse>('/api/me', signal),
    staleTime: 60_000,
  });
}
