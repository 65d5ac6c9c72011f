'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { sendJson } from '@/lib/api/fetch-json';
import type { ApiTokenStatus, ApiTokenView } from '@/lib/api/tokens/token-view';
import { Badge, type Tone } from '@/components/ui/badge';
import { Table, THead, Th, Td, Tr } from '@/components/ui/table';
import { Truncate } from '@/components/ui/truncate';
import { RelativeTime } from '@/components/ui/relative-time';
import { formatUtc } from '@/components/ui/time-format';
import { smallButtonClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';

const STATUS_TONE: Record<ApiTokenStatus, Tone> = { active: 'healthy', expired: 'unknown', revoked: 'neutral' };

export function TokenTable({ tokens }: { tokens: ApiTokenView[] }) {
  return (
    <Table>
      <colgroup>
        <col />
        <col className="w-[104px]" />
        <col className="w-[128px]" />
        <col className="w-[128px]" />
        <col className="w-[128px]" />
        <col className="w-[96px]" />
        <col className="w-[200px]" />
      </colgroup>
      <THead>
        <tr>
          <Th>Name</Th>
          <Th>Role</Th>
          <Th>Created</Th>
          <Th>Expires</Th>
          <Th>Last used</Th>
          <Th>Status</Th>
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </THead>
      <tbody>
        {tokens.map((t) => (
          <TokenRow key={t.id} token={t} />
        ))}
      </tbody>
    </Table>
  );
}

function TokenRow({ token: t }: { token: ApiTokenView }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation({
    mutationFn: () => sendJson<{ token: ApiTokenView }>(`/api/tokens/${encodeURIComponent(t.id)}`, 'DELETE'),
    onSuccess: () => {
      setConfirming(false);
      void queryClient.invalidateQueries({ queryKey: ['tokens'] });
      void queryClient.invalidateQueries({ queryKey: ['audit'] });
    },
  });
  const inactive = t.status !== 'active';

  return (
    <Tr data-testid="token-row" data-token-id={t.id} data-status={t.status} className={cn('hover:bg-surface-hover', inactive && 'text-fg-subtle')}>
      <Td>
        <Truncate text={t.name} className={inactive ? 'text-fg-muted' : 'font-medium text-fg'} />
      </Td>
      <Td>
        <span className="rounded-full border border-border px-2 py-0.5 text-[11px] font-medium text-fg-muted">{t.role}</span>
      </Td>
      <Td>
        <RelativeTime iso={t.createdAt} className="whitespace-nowrap text-fg-muted" />
      </Td>
      <Td>
        <Expiry iso={t.expiresAt} status={t.status} />
      </Td>
      <Td>{t.lastUsedAt ? <RelativeTime iso={t.lastUsedAt} className="whitespace-nowrap text-fg-muted" /> : <span className="text-fg-subtle">never</span>}</Td>
      <Td>
        <span data-testid="token-status" title={t.revokedAt ? `Revoked ${formatUtc(t.revokedAt)}` : undefined}>
          <Badge tone={STATUS_TONE[t.status]}>{t.status}</Badge>
        </span>
      </Td>
      <Td className="text-right">
        {t.status === 'active' &&
          (confirming ? (
            <span className="inline-flex items-center gap-1.5">
              <span className="text-xs text-fg-muted">Revoke?</span>
              <button
                type="button"
                data-testid="confirm-revoke-token"
                disabled={revoke.isPending}
                onClick={() => revoke.mutate()}
                className={cn(smallButtonClass, 'border-down-border bg-down-bg text-down-fg hover:border-down-solid hover:text-down-fg')}
              >
                {revoke.isPending ? 'Revoking…' : 'Revoke'}
              </button>
              <button type="button" disabled={revoke.isPending} onClick={() => setConfirming(false)} className={smallButtonClass}>
                Cancel
              </button>
            </span>
          ) : (
            <button type="button" data-testid="revoke-token" onClick={() => setConfirming(true)} className={smallButtonClass}>
              Revoke
            </button>
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

/** "in 29d", or how long ago it lapsed; the exact instant on hover. */
function Expiry({ iso, status }: { iso: string; status: ApiTokenStatus }) {
  if (status === 'expired') return <RelativeTime iso={iso} className="whitespace-nowrap text-fg-subtle" />;
  return (
    <span title={formatUtc(iso)} className="whitespace-nowrap text-fg-muted">
      {iso.slice(0, 10)}
    </span>
  );
}
