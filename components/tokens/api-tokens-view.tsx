'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiTokensQuery } from '@/lib/api/queries';
import type { Role } from '@/lib/auth/roles';
import { Card, CardHeader } from '@/components/ui/card';
import { QueryList } from '@/components/ui/query-list';
import { CreateTokenForm } from './create-token-form';
import { NewTokenSecret } from './new-token-secret';
import { TokenTable } from './token-table';
import { AllTokensCard } from './all-tokens-table';

export function ApiTokensView({ myRole, seesEveryToken = false }: { myRole: Role; seesEveryToken?: boolean }) {
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
        <QueryList query={query} items={tokens} errorTitle="Your tokens could not be loaded" empty="You have no API tokens yet.">
          {(list) => <TokenTable tokens={list} />}
        </QueryList>
      </Card>

      {seesEveryToken && <AllTokensCard />}
    </div>
  );
}
