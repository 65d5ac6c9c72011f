'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { IncidentDetailResponse, IncidentResponse, UpdateIncidentInput } from '@/lib/incidents/types';
import { sendJson } from '@/lib/api/fetch-json';
import { incidentQuery } from './queries';

/**
 * The incident page's writes. Each answer carries the updated incident, which replaces the cached
 * one at once; the timeline and lists are then refetched.
 */
export function useIncidentMutations(id: string) {
  const queryClient = useQueryClient();
  const base = `/api/incidents/${encodeURIComponent(id)}`;
  const applied = ({ incident }: IncidentResponse) => {
    queryClient.setQueryData(incidentQuery(id).queryKey, (prev: IncidentDetailResponse | undefined) => (prev ? { ...prev, incident } : prev));
    void queryClient.invalidateQueries({ queryKey: ['incidents'] });
  };
  return {
    update: useMutation({ mutationFn: (input: UpdateIncidentInput) => sendJson<IncidentResponse>(base, 'PATCH', input), onSuccess: applied }),
    tick: useMutation({
      mutationFn: ({ stepId, done }: { stepId: string; done: boolean }) =>
        sendJson<IncidentResponse>(`${base}/playbook/${encodeURIComponent(stepId)}`, 'POST', { done }),
      onSuccess: applied,
    }),
    escalate: useMutation({
      mutationFn: (reason: string) => sendJson<IncidentResponse>(`${base}/escalate`, 'POST', { reason }),
      onSuccess: applied,
    }),
  };
}
