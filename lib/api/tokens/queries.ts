import { queryOptions } from '@tanstack/react-query';
import { fetchJson } from '../fetch-json';
import type { AdminTokenView } from './admin-token-view';

/** Every user's tokens, for admins (GET /api/admin/tokens). Shares the ['tokens'] prefix, so a revocation refreshes both lists. */
export function allTokensQuery() {
  return queryOptions({
    queryKey: ['tokens', 'all'] as const,
    queryFn: ({ signal }) => fetchJson<{ tokens: AdminTokenView[] }>('/api/admin/tokens', signal),
  });
}
