'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Operation } from '@/lib/ops/types';
import { can } from '@/lib/auth/can';
import { Card, CardHeader } from '@/components/ui/card';
import { QueryList } from '@/components/ui/query-list';
import { RelativeTime } from '@/components/ui/relative-time';
import { useNow } from '@/components/ui/use-now';
import { ReasonPrompt } from '@/components/ui/reason-prompt';
import { buttonClass } from '@/components/ui/error-panel';
import { controlClass, primaryButtonClass, smallButtonClass } from '@/components/ui/controls';
import { formatUtc } from '@/components/ui/time-format';
import { cn } from '@/components/ui/cn';
import { formatTimeLeft, KIND_LABEL } from './format';
import { commandOperation, operationsQuery, readOnlyQuery, refreshAfterRefusal, type OperationsFilter } from './ops-api';
import { OperationStatusBadge } from './operation-status-badge';
import { EnvironmentBadge } from './plan-view';
import { ReadOnlyBanner } from './read-only-banner';
import { ReadOnlyControl } from './read-only-control';
import type { Viewer } from './operation-progress';
import { usePlaceName } from '@/components/places/home-place';

/** "codeflow-cluster/codeflow-service" in the URL's `service` parameter. */
function parseServiceFilter(value: string | null): { cluster?: string; service?: string } {
  if (!value) return {};
  const slash = value.indexOf('/');
  return slash > 0 ? { cluster: value.slice(0, slash), service: value.slice(slash + 1) } : { service: value };
}

export function OperationsView({ viewer, isAdmin }: { viewer: Viewer; isAdmin: boolean }) {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const [serviceFilter, setServiceFilter] = useState(searchParams.get('service') ?? '');
  const scope = parseServiceFilter(serviceFilter);

  const pending = useQuery(operationsQuery({ ...scope, status: 'pending', limit: 50 }));
  const active = useQuery(operationsQuery({ ...scope, status: 'active', limit: 50 }));
  const finished = useQuery(operationsQuery({ ...scope, status: 'finished', limit: 100 }));
  // Every service seen, for the filter; the current filter stays selectable even with nothing loaded.
  const services = [...new Set([serviceFilter, ...[pending, active, finished].flatMap((q) => (q.data ?? []).map((op) => `${op.cluster}/${op.service}`))].filter(Boolean))].sort();

  const choose = (value: string) => {
    setServiceFilter(value);
    const params = new URLSearchParams(window.location.search);
    if (value) params.set('service', value);
    else params.delete('service');
    const search = params.toString();
    window.history.replaceState(null, '', `${pathname}${search ? `?${search}` : ''}`);
  };

  return (
    <div className="flex flex-col gap-4" data-testid="operations-page">
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">Operations</h1>
        <p className="text-[13px] text-fg-muted">Deploys, rollbacks, scaling, restarts and traffic switches made through Codeflow.</p>
        <label className="ml-auto flex items-center gap-2 text-xs text-fg-muted">
          Service
          <select data-testid="operations-service-filter" value={serviceFilter} onChange={(e) => choose(e.target.value)} className={cn(controlClass, 'w-auto max-w-xs font-mono')}>
            <option value="">all services</option>
            {services.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </header>

      <ReadOnlyBanner />
      {isAdmin && <ReadOnlyControl />}

      <Card data-testid="operations-pending">
        <CardHeader title="Waiting for approval" meta={pending.data && pending.data.length > 0 ? <span className="font-semibold text-degraded-fg">{pending.data.length} waiting</span> : undefined} />
        <QueryList query={pending} items={pending.data} errorTitle="Pending approvals could not be loaded" empty="Nothing waits for approval.">
          {(ops) => (
            <ul className="divide-y divide-border">
              {ops.map((op) => (
                <PendingRow key={op.id} op={op} viewer={viewer} />
              ))}
            </ul>
          )}
        </QueryList>
      </Card>

      <Card data-testid="operations-active">
        <CardHeader title="Running" />
        <QueryList query={active} items={active.data} errorTitle="Running operations could not be loaded" empty="Nothing is running.">
          {(ops) => <OperationList ops={ops} />}
        </QueryList>
      </Card>

      <Card data-testid="operations-finished">
        <CardHeader title="History" meta="newest first" />
        <QueryList query={finished} items={finished.data} errorTitle="Past operations could not be loaded" empty="No operation has finished yet.">
          {(ops) => <OperationList ops={ops} />}
        </QueryList>
      </Card>
    </div>
  );
}

function OperationList({ ops }: { ops: Operation[] }) {
  return (
    <ul className="divide-y divide-border">
      {ops.map((op) => (
        <li key={op.id} data-testid="operation-row" data-operation-id={op.id} data-kind={op.kind} data-status={op.status}>
          <OperationSummary op={op} />
        </li>
      ))}
    </ul>
  );
}

function OperationSummary({ op }: { op: Operation }) {
  const where = usePlaceName()(op);
  return (
    <Link href={`/operations/${op.id}`} className="grid grid-cols-[128px_minmax(0,1fr)_auto] items-start gap-x-3 gap-y-0.5 px-4 py-2 text-[12.5px] hover:bg-surface-hover">
      <span className="flex flex-col items-start gap-1">
        <OperationStatusBadge status={op.status} />
      </span>
      <span className="min-w-0">
        <span className="font-medium text-fg">{KIND_LABEL[op.kind]}</span> <span className="font-mono text-fg">{op.service}</span>{' '}
        <span className="font-mono text-[11px] text-fg-subtle">{op.cluster}</span>
        {where && (
          <span data-testid="operation-place" className="ml-1.5 text-[11px] text-fg-subtle">
            · {where}
          </span>
        )}
        <span className="block break-words text-fg-muted">{op.plan.summary}</span>
        <span className="block break-words text-[11px] text-fg-subtle">
          {op.requestedBy.name ?? op.requestedBy.subject}
          {op.approvedBy ? `, approved by ${op.approvedBy.name ?? op.approvedBy.subject}` : ''}: “{op.reason}”{op.incidentId ? ` · ${op.incidentId}` : ''}
        </span>
      </span>
      <span className="flex flex-col items-end gap-1 text-[11px] text-fg-subtle">
        <RelativeTime iso={op.createdAt} className="whitespace-nowrap" />
        <EnvironmentBadge environment={op.plan.environment} />
      </span>
    </Link>
  );
}

function PendingRow({ op, viewer }: { op: Operation; viewer: Viewer }) {
  const queryClient = useQueryClient();
  const readOnly = useQuery(readOnlyQuery()).data;
  const [rejecting, setRejecting] = useState(false);
  const mine = op.requestedBy.subject === viewer.subject;
  const mayApprove = can(viewer, 'service.rollback') && !mine;
  const command = useMutation({
    mutationFn: ({ name, reason }: { name: 'approve' | 'reject'; reason?: string }) => commandOperation(op.id, name, reason ? { reason } : {}),
    onSuccess: () => {
      setRejecting(false);
      void queryClient.invalidateQueries({ queryKey: ['operations'] });
    },
    onError: (e) => refreshAfterRefusal(queryClient, e),
  });
  return (
    <li data-testid="pending-row" data-operation-id={op.id} className="flex flex-col gap-2 pb-2">
      <OperationSummary op={op} />
      <div className="flex flex-wrap items-center gap-2 px-4 text-[12px]">
        {op.approvalDeadline && (
          <ApprovalTimeLeft deadline={op.approvalDeadline} />
        )}
        {mine ? (
          <span data-testid="pending-waiting" className="font-medium text-degraded-fg">
            Your request: waiting for another operator
          </span>
        ) : mayApprove ? (
          !rejecting && (
            <>
              <button
                type="button"
                data-testid="pending-approve"
                disabled={command.isPending || readOnly?.readOnly}
                title={readOnly?.readOnly ? `Codeflow is read-only: ${readOnly.reason ?? ''}` : 'Approve exactly this plan; it runs at once'}
                onClick={() => command.mutate({ name: 'approve' })}
                className={cn(primaryButtonClass, 'h-7')}
              >
                Approve
              </button>
              <button type="button" data-testid="pending-reject" disabled={command.isPending} onClick={() => setRejecting(true)} className={cn(buttonClass, 'h-7')}>
                Reject…
              </button>
              <Link href={`/operations/${op.id}`} className={smallButtonClass}>
                Review the plan
              </Link>
            </>
          )
        ) : (
          <span className="text-fg-subtle">Waiting for an operator</span>
        )}
      </div>
      {rejecting && (
        <div className="px-4">
          <ReasonPrompt
            testId="pending-reject-prompt"
            summary="Reject this request? It will not run."
            confirmLabel="Reject"
            danger
            pending={command.isPending}
            error={command.isError ? command.error.message : null}
            onConfirm={(reason) => command.mutate({ name: 'reject', reason })}
            onCancel={() => {
              setRejecting(false);
              command.reset();
            }}
          />
        </div>
      )}
      {command.isError && !rejecting && (
        <p role="alert" data-testid="pending-error" className="px-4 text-[12px] text-down-fg">
          {command.error.message}
        </p>
      )}
    </li>
  );
}

export type { OperationsFilter };

/** "expires in 29 min", counting down with the page's clock. */
function ApprovalTimeLeft({ deadline }: { deadline: string }) {
  const now = useNow();
  const left = formatTimeLeft((Date.parse(deadline) - now) / 1000);
  return (
    <span data-testid="pending-expires" className="text-fg-subtle" title={formatUtc(deadline)} suppressHydrationWarning>
      {left === 'expired' ? 'approval window closed' : `expires in ${left}`}
    </span>
  );
}
