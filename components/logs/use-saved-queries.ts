'use client';

import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchJson, sendJson } from '@/lib/api/fetch-json';
import type { SavedQueryView } from '@/lib/telemetry/saved-queries-types';

export type { SavedQueryView };

export function savedQueriesQuery() {
  return queryOptions({
    queryKey: ['logs', 'saved-queries'] as const,
    queryFn: ({ signal }) => fetchJson<{ queries: SavedQueryView[] }>('/api/logs/saved-queries', signal),
    staleTime: 30_000,
  });
}

/**
 * The caller's saved Logs Insights queries (and those others shared), kept in Codeflow's database
 * per user, so they follow the person from browser to browser. Saving under an existing name
 * replaces that query; both writes are audited by the server.
 */
export function useSavedQueries() {
  const queryClient = useQueryClient();
  const list = useQuery(savedQueriesQuery());
  const refresh = () => queryClient.invalidateQueries({ queryKey: savedQueriesQuery().queryKey });
  const save = useMutation({
    mutationFn: (q: { name: string; query: string; shared?: boolean }) => sendJson<{ query: SavedQueryView }>('/api/logs/saved-queries', 'POST', q),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => sendJson<{ query: SavedQueryView }>(`/api/logs/saved-queries/${encodeURIComponent(id)}`, 'DELETE'),
    onSettled: refresh,
  });
  return {
    saved: list.data?.queries ?? [],
    loading: list.isPending,
    error: (list.error ?? save.error ?? remove.error)?.message ?? null,
    saving: save.isPending,
    save: save.mutate,
    remove: remove.mutate,
  };
}
