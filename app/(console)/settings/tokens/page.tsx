import type { Metadata } from 'next';
import { HydrationBoundary, dehydrate } from '@tanstack/react-query';
import { requireUser } from '@/lib/auth/session';
import { can } from '@/lib/auth/can';
import { listOwnTokens } from '@/lib/api/tokens/list-own-tokens';
import { apiTokensQuery } from '@/lib/api/queries';
import { getQueryClient } from '@/lib/api/query-client';
import { ApiTokensView } from '@/components/tokens/api-tokens-view';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';

export const metadata: Metadata = { title: 'API tokens' };

export default async function ApiTokensPage() {
  const user = await requireUser('/settings/tokens');
  if (!can(user, 'tokens.manage-own')) return <ForbiddenPanel title="You cannot manage API tokens" action="tokens.manage-own" role={user.role} />;

  const queryClient = getQueryClient();
  await queryClient.prefetchQuery({ ...apiTokensQuery(), queryFn: async () => ({ tokens: await listOwnTokens(user) }) });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ApiTokensView myRole={user.role} />
    </HydrationBoundary>
  );
}
