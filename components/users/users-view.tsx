'use client';

import { useQuery } from '@tanstack/react-query';
import { adminUsersQuery } from '@/lib/api/queries';
import { Card, EmptyState } from '@/components/ui/card';
import { ErrorPanel, buttonClass } from '@/components/ui/error-panel';
import { Skeleton } from '@/components/ui/skeleton';
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
        {users ? (
          users.length > 0 ? (
            <UserTable users={users} meId={meId} canWriteRoles={canWriteRoles} canRevokeSessions={canRevokeSessions} />
          ) : (
            <EmptyState>Nobody has signed in yet.</EmptyState>
          )
        ) : query.isError ? (
          <div className="p-4">
            <ErrorPanel
              title="Users could not be loaded"
              message={query.error.message}
              action={
                <button type="button" className={buttonClass} onClick={() => query.refetch()}>
                  Try again
                </button>
              }
            />
          </div>
        ) : (
          <div aria-busy="true" className="flex flex-col gap-3 px-4 py-3">
            <Skeleton className="h-4 w-full" />
            <Skeleton className="h-4 w-full" />
            <Skeleton className="h-4 w-full" />
          </div>
        )}
      </Card>
    </div>
  );
}
