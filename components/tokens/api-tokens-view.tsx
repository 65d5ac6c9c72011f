'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiTokensQuery } from '@/lib/api/queries';
import type { Role } from '@/lib/auth/roles';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { ErrorPanel, buttonClass } from '@/components/ui/error-panel';
import { Skeleton } from '@/components/ui/skeleton';
import { CreateTokenForm } from './create-token-form';
import { NewTokenSecret } from './new-token-secret';
import { TokenTable } from './token-table';

export function ApiTokensView({ myRole }: { myRole: Role }) {
  const query = useQuery(apiTokensQuery());
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const tokens = query.data?.tokens;
  const active = tokens?.filter((t) => t.status === 'active').length ?? 0;

  return (
    <div className="flex max-w-[1100px] flex-col gap-4">
      <div className="flex items-baseline gap-3">
        <h1 className="text-lg font-semibold tracking-tight">API tokens</h1>
        <span className="text-xs text-fg-subtle">personal tokens for the CLI and automation · your role is {myRole}</span>
      </div>

      {created && <NewTokenSecret name={created.name} secret={created.secret} onDismiss={() => setCreated(null)} />}

      <CreateTokenForm myRole={myRole} onCreated={({ token, secret }) => setCreated({ name: token.name, secret })} />

      <Card className="overflow-hidden" data-testid="token-list">
        <CardHeader title="Your tokens" meta={tokens ? `${active} active · ${tokens.length} in all` : undefined} />
        {tokens ? (
          tokens.length > 0 ? (
            <TokenTable tokens={tokens} />
          ) : (
            <EmptyState>You have no API tokens yet.</EmptyState>
          )
        ) : query.isError ? (
          <div className="p-4">
            <ErrorPanel
              title="Your tokens could not be loaded"
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
          </div>
        )}
      </Card>
    </div>
  );
}
