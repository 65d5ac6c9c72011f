import type { Metadata } from 'next';
import { HydrationBoundary, dehydrate } from '@tanstack/react-query';
import { authorizePage } from '@/lib/auth/session';
import { can } from '@/lib/auth/can';
import { listAdminUsers } from '@/lib/api/users/user-view';
import { adminUsersQuery } from '@/lib/api/queries';
import { getQueryClient } from '@/lib/api/query-client';
import { UsersView } from '@/components/users/users-view';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const { user, allowed } = await authorizePage('/admin/users', 'users.read');
  if (!allowed) return <ForbiddenPanel title="You cannot manage users" action="users.read" role={user.role} />;

  const queryClient = getQueryClient();
  await queryClient.prefetchQuery({ ...adminUsersQuery(), queryFn: async () => ({ users: await listAdminUsers() }) });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <UsersView meId={user.id} canWriteRoles={can(user, 'roles.write')} canRevokeSessions={can(user, 'sessions.revoke')} />
    </HydrationBoundary>
  );
}
