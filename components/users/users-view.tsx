'use client';

import { useQuery } from '@tanstack/react-query';
import { adminUsersQuery } from '@/lib/api/queries';
import { Card } from '@/components/ui/card';
import { QueryList } from '@/components/ui/query-list';
import { UserTable } from './user-table';

export function UsersView({ meId, canWriteRoles, canRevokeSessions }: { meId: string; canWriteRoles: boolean; canRevokeSessions: boolean }) {
  const query = useQuery(adminUsersQuery());
  const users = query.data?.users;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex items-baseline gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Users</h1>
        <span className="text-xs text-fg-subtle">
          everyone who has signed in{users ? ` · ${users.length}` : ''} · roles come from IdP groups unless overridden here
        </span>
      </div>
      <Card className="overflow-hidden">
        <QueryList query={query} items={users} errorTitle="Users could not be loaded" empty="Nobody has signed in yet." skeletonRows={3}>
          {(list) => <UserTable users={list} meId={meId} canWriteRoles={canWriteRoles} canRevokeSessions={canRevokeSessions} />}
        </QueryList>
      </Card>
    </div>
  );
}
