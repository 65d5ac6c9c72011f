'use client';

import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { OperationKind } from '@/lib/ops/types';
import { buttonClass } from '@/components/ui/error-panel';
import { cn } from '@/components/ui/cn';
import { ActionDialog, type ServiceActionContext } from './action-dialog';
import { KIND_LABEL } from './format';
import { readOnlyQuery } from './ops-api';

/** Which actions the signed-in user may start, decided on the server with can(); the API checks again. */
export interface ServiceActionPermissions {
  deploy: boolean;
  rollback: boolean;
  scale: boolean;
  switchTraffic: boolean;
}

/**
 * The service's guarded actions. Buttons the user's role may not press are not shown at all; when
 * Codeflow is read-only they stay visible but disabled, saying why.
 */
export function ServiceActions({ context, permissions }: { context: ServiceActionContext; permissions: ServiceActionPermissions }) {
  const router = useRouter();
  const [open, setOpen] = useState<OperationKind | null>(null);
  const readOnly = useQuery(readOnlyQuery()).data;
  const readOnlyReason = readOnly?.readOnly ? (readOnly.reason ?? 'an admin turned on read-only mode') : null;

  const kinds: OperationKind[] = [];
  if (permissions.deploy) kinds.push('deploy');
  if (permissions.rollback) kinds.push('rollback');
  if (permissions.scale) kinds.push('scale');
  if (permissions.deploy) kinds.push('restart');
  if (permissions.switchTraffic && context.targetGroups.length === 2) kinds.push('switch-traffic');
  if (kinds.length === 0) return null;

  return (
    <>
      <div role="group" aria-label="Actions" data-testid="service-actions" className="flex flex-wrap items-center gap-1.5">
        {kinds.map((kind) => (
          <button
            key={kind}
            type="button"
            data-testid={`action-${kind}`}
            disabled={readOnlyReason !== null}
            title={readOnlyReason ? `Codeflow is read-only: ${readOnlyReason}` : undefined}
            onClick={() => setOpen(kind)}
            className={cn(buttonClass, 'disabled:cursor-not-allowed disabled:opacity-50', kind === 'rollback' && 'text-down-fg')}
          >
            {KIND_LABEL[kind]}
            <span aria-hidden className="text-fg-subtle">…</span>
          </button>
        ))}
      </div>
      {open && (
        <ActionDialog
          // A fresh dialog (and Idempotency-Key) per opening.
          key={open}
          kind={open}
          context={context}
          readOnlyReason={readOnlyReason}
          onClose={() => setOpen(null)}
          onSubmitted={(op) => router.push(`/operations/${op.id}`)}
        />
      )}
    </>
  );
}
