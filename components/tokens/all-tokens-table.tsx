'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { sendJson } from '@/lib/api/fetch-json';
import { allTokensQuery } from '@/lib/api/tokens/queries';
import type { AdminTokenView } from '@/lib/api/tokens/admin-token-view';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { QueryList } from '@/components/ui/query-list';
import { Table, THead, Th, Td, Tr } from '@/components/ui/table';
import { Truncate } from '@/components/ui/truncate';
import { RelativeTime } from '@/components/ui/relative-time';
import { formatUtc } from '@/components/ui/time-format';
import { smallButtonClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';

/** Admins: every person's tokens — who can act through one, at what role, since when — and a revoke with a reason. */
export function AllTokensCard() {
  const query = useQuery(allTokensQuery());
  const tokens = query.data?.tokens;
  const active = tokens?.filter((t) => t.status === 'active').length ?? 0;
  return (
    <Card className="overflow-hidden" data-testid="all-token-list">
      <CardHeader title="Everyone’s tokens" meta={tokens ? `${active} active · ${tokens.length} in all` : undefined} />
      <QueryList query={query} items={tokens} errorTitle="The tokens could not be loaded" empty="Nobody has an API token.">
        {(list) => (
          <Table>
            <THead>
              <tr>
                <Th>Owner</Th>
                <Th>Name</Th>
                <Th>Role</Th>
                <Th>Last used</Th>
                <Th>Expires</Th>
                <Th>Status</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </THead>
            <tbody>
              {list.map((t) => (
                <AdminTokenRow key={t.id} token={t} />
              ))}
            </tbody>
          </Table>
        )}
      </QueryList>
    </Card>
  );
}

function AdminTokenRow({ token: t }: { token: AdminTokenView }) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState<string | null>(null);
  const revoke = useMutation({
    mutationFn: (why: string) => sendJson<{ token: AdminTokenView }>(`/api/admin/tokens/${encodeURIComponent(t.id)}`, 'DELETE', { reason: why }),
    onSuccess: () => {
      setReason(null);
      void queryClient.invalidateQueries({ queryKey: ['tokens'] });
      void queryClient.invalidateQueries({ queryKey: ['audit'] });
    },
  });
  const inactive = t.status !== 'active';
  return (
    <Tr data-testid="admin-token-row" data-token-id={t.id} data-status={t.status} className={cn('hover:bg-surface-hover', inactive && 'text-fg-subtle')}>
      <Td>
        <Truncate text={`${t.owner.name} (${t.owner.subject})`} />
      </Td>
      <Td>
        <Truncate text={t.name} className={inactive ? 'text-fg-muted' : 'font-medium text-fg'} />
      </Td>
      <Td>{t.role}</Td>
      <Td>{t.lastUsedAt ? <RelativeTime iso={t.lastUsedAt} className="whitespace-nowrap text-fg-muted" /> : <span className="text-fg-subtle">never</span>}</Td>
      <Td>
        <span title={formatUtc(t.expiresAt)} className="whitespace-nowrap text-fg-muted">
          {t.expiresAt.slice(0, 10)}
        </span>
      </Td>
      <Td>
        <Badge tone={t.status === 'active' ? 'healthy' : 'neutral'}>{t.status}</Badge>
      </Td>
      <Td className="text-right">
        {t.status === 'active' &&
          (reason === null ? (
            <button type="button" data-testid="admin-revoke-token" onClick={() => setReason('')} className={smallButtonClass}>
              Revoke
            </button>
          ) : (
            <form
              className="inline-flex items-center gap-1.5"
              onSubmit={(e) => {
                e.preventDefault();
                revoke.mutate(reason);
              }}
            >
              <input
                aria-label="Reason (goes in the audit log)"
                data-testid="admin-revoke-reason"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                placeholder="reason"
                className="w-40 rounded-md border border-border bg-bg px-2 py-1 text-xs"
              />
              <button type="submit" data-testid="admin-confirm-revoke" disabled={revoke.isPending || reason.trim().length < 3} className={cn(smallButtonClass, 'border-down-border bg-down-bg text-down-fg')}>
                {revoke.isPending ? 'Revoking…' : 'Revoke'}
              </button>
              <button type="button" disabled={revoke.isPending} onClick={() => setReason(null)} className={smallButtonClass}>
                Cancel
              </button>
            </form>
          ))}
        {revoke.isError && (
          <p role="alert" className="mt-1 text-left text-xs text-down-fg">
            {revoke.error.message}
          </p>
        )}
      </Td>
    </Tr>
  );
}
