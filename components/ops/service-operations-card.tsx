'use client';

import type { PlaceRef } from '@/lib/accounts/places';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import type { Operation } from '@/lib/ops/types';
import { Card, CardHeader } from '@/components/ui/card';
import { QueryList } from '@/components/ui/query-list';
import { RelativeTime } from '@/components/ui/relative-time';
import { ProgressBar } from '@/components/ui/progress-bar';
import { KIND_LABEL, isFinished, isInFlight } from './format';
import { operationsQuery } from './ops-api';
import { OperationStatusBadge } from './operation-status-badge';

const operationHref = (op: Operation) => `/operations/${op.id}`;

/** The service's operations, newest first: its timeline of changes made through Codeflow. */
export function ServiceOperationsCard({ cluster, service, place }: { cluster: string; service: string; place?: PlaceRef | null }) {
  const query = useQuery(operationsQuery({ ...placeFilter(place), cluster, service, limit: 20 }));
  return (
    <Card data-testid="service-operations">
      <CardHeader
        title="Operations"
        meta="changes made through Codeflow, newest first"
        actions={
          <Link href={`/operations?service=${encodeURIComponent(`${cluster}/${service}`)}`} className="text-xs text-accent hover:underline">
            All operations
          </Link>
        }
      />
      <QueryList query={query} items={query.data} errorTitle="Operations could not be loaded" empty="No operation has run on this service through Codeflow yet.">
        {(operations) => (
          <ol className="divide-y divide-border">
            {operations.map((op) => (
              <li key={op.id} data-testid="service-operation" data-kind={op.kind} data-status={op.status} className="grid grid-cols-[auto_minmax(0,1fr)_auto] items-start gap-x-3 gap-y-0.5 px-4 py-2 text-[12px]">
                <OperationStatusBadge status={op.status} className="mt-px" />
                <Link href={operationHref(op)} className="min-w-0 hover:underline">
                  <span className="font-medium text-fg">{KIND_LABEL[op.kind]}</span>
                  <span className="text-fg-muted"> — {op.plan.summary}</span>
                </Link>
                <RelativeTime iso={op.createdAt} className="whitespace-nowrap text-[11px] text-fg-subtle" />
                <span />
                <span className="col-span-2 break-words text-[11px] text-fg-subtle">
                  {op.requestedBy.name ?? op.requestedBy.subject}: “{op.reason}”
                  {op.incidentId ? ` · ${op.incidentId}` : ''}
                </span>
              </li>
            ))}
          </ol>
        )}
      </QueryList>
    </Card>
  );
}

/** On top of the service page while an operation runs or waits for approval: where to follow it. */
export function ActiveOperationBanner({ cluster, service, place }: { cluster: string; service: string; place?: PlaceRef | null }) {
  const query = useQuery(operationsQuery({ ...placeFilter(place), cluster, service, limit: 20 }));
  // Unfinished ones, and a failed deploy whose tripped trigger proposes a rollback not yet taken.
  const active = query.data?.filter((op) => !isFinished(op.status) || op.rollbackProposed) ?? [];
  if (active.length === 0) return null;
  return (
    <div className="flex flex-col gap-2">
      {active.map((op) => (
        <Link
          key={op.id}
          href={operationHref(op)}
          data-testid="active-operation"
          data-status={op.status}
          className={
            op.rollbackProposed
              ? 'flex flex-wrap items-center gap-3 rounded-md border border-down-border bg-down-bg px-4 py-2.5 text-[13px] hover:border-down-solid'
              : isInFlight(op.status)
              ? 'flex flex-wrap items-center gap-3 rounded-md border border-deploying-border bg-deploying-bg px-4 py-2.5 text-[13px] hover:border-deploying-solid'
              : 'flex flex-wrap items-center gap-3 rounded-md border border-degraded-border bg-degraded-bg px-4 py-2.5 text-[13px] hover:border-degraded-solid'
          }
        >
          <OperationStatusBadge status={op.status} />
          <span className="min-w-0 flex-1 text-fg">
            <span className="font-semibold">{KIND_LABEL[op.kind]}</span> — {op.plan.summary}
            <span className="text-fg-muted"> · {op.requestedBy.name ?? op.requestedBy.subject}</span>
          </span>
          {op.rollout && (
            <span className="flex items-center gap-2 text-xs tabular-nums text-fg-muted">
              <ProgressBar value={op.rollout.running} max={op.rollout.desired} tone="deploying" label={`${op.rollout.running} of ${op.rollout.desired} running`} className="w-20" />
              {op.rollout.running}/{op.rollout.desired}
            </span>
          )}
          {op.rollbackProposed && <span className="font-semibold text-down-fg">rollback proposed</span>}
          <span className="text-xs font-medium text-accent">Follow →</span>
        </Link>
      ))}
    </div>
  );
}

/** A service outside home is filtered by its account and Region too (home's rows name home). */
function placeFilter(place: PlaceRef | null | undefined): { account?: string; region?: string } {
  return place ? { account: place.accountId, region: place.region } : {};
}
