'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { OPERATION_KINDS, type OperationKind } from '@/lib/ops/types';
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
  /** Change the service's CloudWatch alarms (offered in its Alarms card). */
  alarms: boolean;
}

/**
 * The service's guarded actions. Buttons the user's role may not press are not shown at all; when
 * Codeflow is read-only they stay visible but disabled, saying why.
 *
 * A link may ask for one: `?action=rollback` (scale, deploy, restart, switch-traffic), as an
 * incident's playbook step does. The page then opens that action's dialog (read-only mode is
 * explained inside it) if the user may start it, or says why not; the parameter is dropped from
 * the address either way, so a reload or Back does not reopen it.
 */
export function ServiceActions({ context, permissions }: { context: ServiceActionContext; permissions: ServiceActionPermissions }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [open, setOpen] = useState<OperationKind | null>(null);
  const [linkRefused, setLinkRefused] = useState<string | null>(null);
  const readOnly = useQuery(readOnlyQuery()).data;
  const readOnlyReason = readOnly?.readOnly ? (readOnly.reason ?? 'an admin turned on read-only mode') : null;

  const kinds: OperationKind[] = [];
  if (permissions.deploy) kinds.push('deploy');
  if (permissions.rollback) kinds.push('rollback');
  if (permissions.scale) kinds.push('scale');
  if (permissions.deploy) kinds.push('restart');
  if (permissions.switchTraffic && context.targetGroups.length === 2) kinds.push('switch-traffic');

  const linked = searchParams.get('action');
  // Alarm changes start from the Alarms card, where the alarms are chosen; a link cannot ask for one.
  const linkedKind = linked !== null && linked !== 'alarms' && (OPERATION_KINDS as readonly string[]).includes(linked) ? (linked as OperationKind) : null;
  const linkAllowed = linkedKind !== null && kinds.includes(linkedKind);
  useEffect(() => {
    if (linked === null) return;
    if (linkAllowed) {
      setOpen(linkedKind);
      setLinkRefused(null);
    } else {
      setLinkRefused(
        linkedKind === null
          ? `“${linked.slice(0, 40)}” is not an action Codeflow knows`
          : linkedKind === 'switch-traffic' && permissions.switchTraffic
            ? `${context.service} has no listener switching between two target groups`
            : `your role may not ${KIND_LABEL[linkedKind].toLowerCase()} services`,
      );
    }
    const rest = new URLSearchParams(searchParams.toString());
    rest.delete('action');
    router.replace(rest.size > 0 ? `${pathname}?${rest.toString()}` : pathname, { scroll: false });
    // Once per link: the replace above clears `linked`.
  }, [linked, linkAllowed, linkedKind, searchParams, pathname, router, permissions.switchTraffic, context.service]);

  const refusedNote = linkRefused && (
    <p role="status" data-testid="action-link-refused" className="text-xs text-fg-muted">
      The link asked for an action that cannot start here: {linkRefused}.
    </p>
  );
  if (kinds.length === 0) return refusedNote || null;

  return (
    <>
      {refusedNote}
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
