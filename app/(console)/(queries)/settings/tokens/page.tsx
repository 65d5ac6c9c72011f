import type { Metadata } from 'next';
import { HydrationBoundary, dehydrate } from '@tanstack/react-query';
import { authorizePage } from '@/lib/auth/session';
import { can } from '@/lib/auth/can';
import { listOwnTokens } from '@/lib/api/tokens/list-own-tokens';
import { apiTokensQuery } from '@/lib/api/queries';
import { getQueryClient } from '@/lib/api/query-client';
import { ApiTokensView } from '@/components/tokens/api-tokens-view';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';

export const metadata: Metadata = { title: 'API tokens' };

export default async function ApiTokensPage() {
  const { user, allowed } = await authorizePage('/settings/tokens', 'tokens.manage-own');
  if (!allowed) return <ForbiddenPanel title="You cannot manage API tokens" action="tokens.manage-own" role={user.role} />;

  const queryClient = getQueryClient();
  await queryClient.prefetchQuery({ ...apiTokensQuery(), queryFn: async () => ({ tokens: await listOwnTokens(user) }) });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ApiTokensView myRole={user.role} seesEveryToken={can(user, 'users.read')} />
    </HydrationBoundary>
  );
}
