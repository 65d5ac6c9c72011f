'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { Operation, OperationStep } from '@/lib/ops/types';
import type { Role } from '@/lib/auth/roles';
import { can } from '@/lib/auth/can';
import { Card, CardHeader } from '@/components/ui/card';
import { ErrorPanel, buttonClass } from '@/components/ui/error-panel';
import { dangerButtonClass, primaryButtonClass } from '@/components/ui/controls';
import { ProgressBar } from '@/components/ui/progress-bar';
import { RelativeTime } from '@/components/ui/relative-time';
import { ReasonPrompt } from '@/components/ui/reason-prompt';
import { Skeleton } from '@/components/ui/skeleton';
import { formatUtc, formatUtcClock } from '@/components/ui/time-format';
import { useNow } from '@/components/ui/use-now';
import { cn } from '@/components/ui/cn';
import { ActionDialog } from './action-dialog';
import { KIND_LABEL, durationBetween, isFinished, revisionName } from './format';
import { commandOperation, newIdempotencyKey, operationQuery, readOnlyQuery, refreshAfterRefusal, rollbackOperation, type OperationCommand } from './ops-api';
import { OperationStatusBadge } from './operation-status-badge';
import { EnvironmentBadge, PlanView } from './plan-view';
import { TriggerGauge } from './trigger-gauge';
import { OpenIncidentButton } from '@/components/incidents/open-incident-button';
import { usePlaceName, useServiceHref } from '@/components/places/home-place';
import { operationIncidentTitle, operationSourceLabel, suggestedSeverity, warrantsIncident } from '@/lib/incidents/sources/operation-text';

export interface Viewer {
  subject: string;
  role: Role;
}

const STEP_LABEL: Record<OperationStep['name'], string> = {
  plan: 'Plan',
  authorize: 'Authorize',
  confirm: 'Confirm',
  approve: 'Approve',
  lock: 'Lock',
  execute: 'Execute',
  verify: 'Verify',
};

/** The live view of one operation: polls every 2 s until it finishes (paused while the tab is hidden). */
export function OperationProgress({ id, viewer }: { id: string; viewer: Viewer }) {
  const query = useQuery(operationQuery(id));
  const op = query.data;
  if (!op) {
    if (query.isError) {
      return (
        <ErrorPanel
          title="This operation could not be loaded"
          message={query.error.message}
          action={
            <button type="button" className={buttonClass} onClick={() => query.refetch()}>
              Try again
            </button>
          }
        />
      );
    }
    return (
      <div aria-busy="true" className="flex flex-col gap-3">
        <Skeleton className="h-7 w-1/2" />
        <Skeleton className="h-24 w-full" />
        <Skeleton className="h-40 w-full" />
      </div>
    );
  }
  return <OperationDetail op={op} viewer={viewer} refreshError={query.isRefetchError ? query.error.message : null} updatedAt={query.dataUpdatedAt} />;
}

function OperationDetail({ op, viewer, refreshError, updatedAt }: { op: Operation; viewer: Viewer; refreshError: string | null; updatedAt: number }) {
  const now = useNow();
  const finished = isFinished(op.status);
  const serviceHref = useServiceHref()({ account: op.account, region: op.region, cluster: op.cluster, service: op.service });
  const placeName = usePlaceName()(op);
  const tripped = op.triggers.filter((t) => t.tripped);
  return (
    <div data-testid="operation" data-operation-id={op.id} data-status={op.status} data-kind={op.kind} className="flex flex-col gap-4">
      <header className="flex flex-col gap-2">
        <nav aria-label="Breadcrumb" className="flex items-center gap-1.5 text-xs text-fg-subtle">
          <Link href="/operations" className="hover:text-fg hover:underline">
            Operations
          </Link>
          <span aria-hidden>/</span>
          <span className="font-mono text-fg-muted">{op.id.slice(0, 8)}</span>
        </nav>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-xl font-semibold tracking-tight">
            {KIND_LABEL[op.kind]}{' '}
            <Link href={serviceHref} className="font-mono hover:underline">
              {op.service}
            </Link>
          </h1>
          <OperationStatusBadge status={op.status} className="h-6 px-2 text-[12px]" />
          <EnvironmentBadge environment={op.plan.environment} />
          <span className="ml-auto text-xs tabular-nums text-fg-subtle" title={formatUtc(op.createdAt)}>
            {finished ? 'took' : 'running for'} {durationBetween(op.createdAt, op.finishedAt, now)}
            {!finished && (
              <>
                {' · '}
                <span className={cn(now - updatedAt > 8_000 && 'text-degraded-fg')}>updated {Math.max(0, Math.round((now - updatedAt) / 1000))}s ago</span>
              </>
            )}
          </span>
        </div>
        <p data-testid="op-summary" className="text-[14px] text-fg">
          {op.plan.summary}
        </p>
        <dl className="flex flex-wrap gap-x-6 gap-y-1 text-xs text-fg-muted">
          <Meta label="Requested by">{op.requestedBy.name ?? op.requestedBy.subject}</Meta>
          {op.approvedBy && <Meta label="Approved by">{op.approvedBy.name ?? op.approvedBy.subject}</Meta>}
          <Meta label="Reason">
            <span data-testid="op-reason-text" className="break-words">
              {op.reason}
            </span>
          </Meta>
          {op.incidentId && (
            <Meta label="Incident">
              <Link href={`/incidents/${encodeURIComponent(op.incidentId)}`} data-testid="op-incident-link" className="font-mono text-accent hover:underline">
                {op.incidentId.slice(0, 8)}
              </Link>
            </Meta>
          )}
          <Meta label="Cluster">
            <span className="font-mono">{op.cluster}</span>
          </Meta>
          {placeName && (
            <Meta label="Where">
              <span data-testid="operation-place">{placeName}</span>
            </Meta>
          )}
          <Meta label="Started">
            <RelativeTime iso={op.createdAt} />
          </Meta>
        </dl>
      </header>

      {refreshError && (
        <p role="status" className="rounded-md border border-degraded-border bg-degraded-bg px-3 py-1.5 text-xs text-degraded-fg">
          Refresh failed: {refreshError} — showing the last state received.
        </p>
      )}
      {op.error && (
        <p role="alert" data-testid="op-error-text" className="rounded-md border border-down-border bg-down-bg px-3 py-2 text-[13px] text-down-fg">
          {op.error}
        </p>
      )}
      {op.rollbackProposed && <ProposedRollback op={op} viewer={viewer} tripped={tripped.map((t) => t.label)} />}
      <FollowUps op={op} />
      {warrantsIncident(op) && can(viewer, 'incident.open') && <IncidentFromOperation op={op} />}

      <Controls op={op} viewer={viewer} />

      <Steps steps={op.steps} />

      {/* An alarm change rolls nothing out and trips no trigger: it is verified by reading the alarms back (its Verify step). */}
      {op.kind !== 'alarms' && (
        <div className="grid grid-cols-1 items-start gap-4 lg:grid-cols-2">
          <Card data-testid="op-rollout">
            <CardHeader title="Rollout" meta={op.rollout?.state} />
            <div className="px-4 py-3">
              {op.rollout ? <Rollout rollout={op.rollout} /> : <p className="text-[13px] text-fg-subtle">{finished ? 'No rollout was followed.' : 'Starts once the change is made.'}</p>}
              {op.verify && <VerifyWindow verify={op.verify} />}
            </div>
          </Card>
          <Card data-testid="op-triggers">
            <CardHeader
              title="Rollback triggers"
              meta={tripped.length > 0 ? <span className="font-semibold text-down-fg">{tripped.length} tripped</span> : 'watched during verify and bake'}
            />
            {op.triggers.length === 0 ? (
              <p className="px-4 py-3 text-[13px] text-fg-subtle">{finished ? 'Not watched for this operation.' : 'Read once verification starts.'}</p>
            ) : (
              <ul className="px-4 py-1.5">
                {op.triggers.map((t) => (
                  <TriggerGauge key={t.id} trigger={t} />
                ))}
              </ul>
            )}
          </Card>
        </div>
      )}

      <Card>
        <CardHeader title="Plan" meta={`fingerprint ${op.plan.fingerprint.slice(0, 12)}`} />
        <div className="px-4 py-3">
          <PlanView plan={op.plan} />
        </div>
      </Card>
    </div>
  );
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex min-w-0 gap-1.5">
      <dt className="text-fg-subtle">{label}</dt>
      <dd className="min-w-0 text-fg">{children}</dd>
    </div>
  );
}

const STEP_DOT: Record<OperationStep['status'], string> = {
  pending: 'border-border-strong bg-surface',
  running: 'border-deploying-solid bg-deploying-solid animate-pulse',
  done: 'border-healthy-solid bg-healthy-solid',
  failed: 'border-down-solid bg-down-solid',
  skipped: 'border-border bg-surface-2',
};

function Steps({ steps }: { steps: OperationStep[] }) {
  return (
    <Card data-testid="op-steps">
      <ol className="grid grid-cols-2 gap-px overflow-hidden rounded-md bg-border sm:grid-cols-4 lg:grid-cols-7">
        {steps.map((s) => (
          <li key={s.name} data-testid="op-step" data-step={s.name} data-status={s.status} className={cn('flex min-w-0 flex-col gap-0.5 bg-surface px-3 py-2', s.status === 'running' && 'bg-deploying-bg', s.status === 'failed' && 'bg-down-bg')}>
            <span className="flex items-center gap-1.5">
              <span aria-hidden className={cn('size-2.5 shrink-0 rounded-full border-2', STEP_DOT[s.status])} />
              <span className={cn('text-[12.5px] font-medium', s.status === 'skipped' || s.status === 'pending' ? 'text-fg-subtle' : 'text-fg')}>{STEP_LABEL[s.name]}</span>
              <span className="ml-auto text-[10.5px] text-fg-subtle">{s.status}</span>
            </span>
            <span className="font-mono text-[11px] text-fg-muted" title={s.at ? formatUtc(s.at) : undefined}>
              {s.at ? formatUtcClock(s.at) : ' '}
            </span>
            {s.detail && <span className="break-words text-[11px] leading-snug text-fg-muted">{s.detail}</span>}
          </li>
        ))}
      </ol>
    </Card>
  );
}

function Rollout({ rollout }: { rollout: NonNullable<Operation['rollout']> }) {
  const tone = rollout.failedTasks > 0 ? 'down' : rollout.running >= rollout.desired ? 'healthy' : 'deploying';
  return (
    <div className="flex flex-col gap-2">
      <div className="flex items-baseline gap-2">
        <span className="text-2xl font-semibold tabular-nums">{rollout.running}</span>
        <span className="text-[13px] text-fg-muted">of {rollout.desired} running in the deployment being rolled out</span>
      </div>
      <ProgressBar value={rollout.running} max={rollout.desired} tone={tone} label={`${rollout.running} of ${rollout.desired} tasks running`} className="h-2" />
      <dl className="grid grid-cols-4 gap-2 text-xs">
        {(
          [
            ['running', rollout.running],
            ['desired', rollout.desired],
            ['pending', rollout.pending],
            ['failed', rollout.failedTasks],
          ] as const
        ).map(([label, value]) => (
          <div key={label} data-testid={`op-rollout-${label}`}>
            <dt className="text-fg-subtle">{label}</dt>
            <dd className={cn('font-mono tabular-nums text-fg', label === 'failed' && value > 0 && 'font-semibold text-down-fg')}>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function VerifyWindow({ verify }: { verify: NonNullable<Operation['verify']> }) {
  const rows: [string, string | null][] = [
    ['verify started', verify.startedAt],
    ['stable at', verify.stableAt],
    ['bake until', verify.bakeUntil],
    ['deadline', verify.deadline],
  ];
  return (
    <dl title="Times as AWS reports them (UTC)" className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 border-t border-border pt-2 text-xs sm:grid-cols-4">
      {rows.map(([label, at]) => (
        <div key={label}>
          <dt className="text-fg-subtle">{label}</dt>
          <dd className="font-mono text-fg-muted" title={at ? formatUtc(at) : undefined}>
            {at ? formatUtcClock(at) : '—'}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function FollowUps({ op }: { op: Operation }) {
  if (!op.followUpOperationId && !op.parentOperationId) return null;
  return (
    <div className="flex flex-wrap gap-x-4 gap-y-1 text-[13px]">
      {op.followUpOperationId && (
        <Link data-testid="op-follow-up" href={`/operations/${op.followUpOperationId}`} className="text-accent hover:underline">
          Followed by operation {op.followUpOperationId.slice(0, 8)} →
        </Link>
      )}
      {op.parentOperationId && (
        <Link href={`/operations/${op.parentOperationId}`} className="text-accent hover:underline">
          ← Follows operation {op.parentOperationId.slice(0, 8)}
        </Link>
      )}
    </div>
  );
}

/**
 * A trigger tripped, or the operation failed or was rolled back: responders and up may open an
 * incident from it, prefilled (its service, P1 in production and P2 elsewhere, a title saying what
 * happened). The server resolves the operation again and records it as the incident's source.
 */
function IncidentFromOperation({ op }: { op: Operation }) {
  return (
    <div data-testid="op-open-incident" className="flex flex-wrap items-center gap-3 rounded-md border border-border bg-surface-2 px-3 py-2 text-[13px]">
      <span className="text-fg-muted">Is this hurting users? Track it as an incident, with this operation on its timeline.</span>
      <OpenIncidentButton
        small
        testId="op-open-incident-button"
        prefill={{
          title: operationIncidentTitle(op),
          severity: suggestedSeverity(op.plan.environment),
          services: [{ account: op.account, region: op.region, cluster: op.cluster, service: op.service }],
          source: { kind: 'operation', ref: op.id, label: operationSourceLabel(op) },
        }}
      />
    </div>
  );
}

function useReadOnlyReason(): string | null {
  const q = useQuery(readOnlyQuery());
  return q.data?.readOnly ? (q.data.reason ?? 'an admin turned on read-only mode') : null;
}

/** One click, because a trigger already made the case: the reason names the trigger that tripped. */
function ProposedRollback({ op, viewer, tripped }: { op: Operation; viewer: Viewer; tripped: string[] }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const readOnly = useReadOnlyReason();
  const [key] = useState(newIdempotencyKey);
  const may = can(viewer, 'service.rollback');
  const rollback = useMutation({
    mutationFn: () =>
      rollbackOperation(
        op.id,
        { confirmName: op.service, reason: `one-click rollback proposed by Codeflow: ${tripped.join(', ') || 'a rollback trigger'} tripped during ${KIND_LABEL[op.kind].toLowerCase()} ${op.id.slice(0, 8)}` },
        key,
      ),
    onSuccess: (next) => router.push(`/operations/${next.id}`),
    onError: (e) => refreshAfterRefusal(queryClient, e),
  });
  return (
    <section data-testid="op-rollback-proposed" role="alert" className="flex flex-wrap items-center gap-3 rounded-md border border-down-border bg-down-bg px-4 py-3">
      <div className="min-w-0 flex-1">
        <p className="font-semibold text-down-fg">Rollback proposed: {tripped.join(', ') || 'a trigger'} tripped</p>
        <p className="text-[13px] text-fg-muted">
          Roll back to <span className="font-mono">{revisionName(op.plan.basis.taskDefinitionArn)}</span>, the revision this {KIND_LABEL[op.kind].toLowerCase()} started from.
        </p>
        {rollback.isError && <p className="mt-1 text-[13px] text-down-fg">{rollback.error.message}</p>}
      </div>
      {may && (
        <button
          type="button"
          data-testid="op-rollback-now"
          disabled={rollback.isPending || rollback.isSuccess || readOnly !== null}
          title={readOnly ? `Codeflow is read-only: ${readOnly}` : undefined}
          onClick={() => rollback.mutate()}
          className="inline-flex h-9 items-center gap-1.5 rounded-md bg-down-solid px-4 text-[14px] font-semibold text-white shadow-sm hover:opacity-90 disabled:cursor-not-allowed disabled:opacity-50"
        >
          {rollback.isPending || rollback.isSuccess ? 'Rolling back…' : `Roll back to ${revisionName(op.plan.basis.taskDefinitionArn)}`}
        </button>
      )}
    </section>
  );
}

function Controls({ op, viewer }: { op: Operation; viewer: Viewer }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const readOnly = useReadOnlyReason();
  const [prompt, setPrompt] = useState<'reject' | 'cancel' | null>(null);
  const [rollbackOpen, setRollbackOpen] = useState(false);
  const isRequester = op.requestedBy.subject === viewer.subject;
  const operator = can(viewer, 'service.rollback');
  const admin = viewer.role === 'admin';
  const finished = isFinished(op.status);

  const command = useMutation({
    mutationFn: ({ name, reason }: { name: OperationCommand; reason?: string }) => commandOperation(op.id, name, reason ? { reason } : {}),
    onSuccess: (updated) => {
      setPrompt(null);
      if (updated) queryClient.setQueryData(operationQuery(op.id).queryKey, updated);
      void queryClient.invalidateQueries({ queryKey: ['operations'] });
    },
    onError: (e) => refreshAfterRefusal(queryClient, e),
  });

  const disabledTitle = readOnly ? `Codeflow is read-only: ${readOnly}` : undefined;
  const buttons: ReactNode[] = [];

  if (op.status === 'awaiting_approval') {
    if (operator && !isRequester) {
      buttons.push(
        <button key="approve" type="button" data-testid="op-approve" disabled={command.isPending || readOnly !== null} title={disabledTitle} onClick={() => command.mutate({ name: 'approve' })} className={primaryButtonClass}>
          Approve
        </button>,
        <button key="reject" type="button" data-testid="op-reject" disabled={command.isPending} onClick={() => setPrompt('reject')} className={buttonClass}>
          Reject…
        </button>,
      );
    }
  }
  if (op.status === 'paused' && operator) {
    buttons.push(
      <button key="continue" type="button" data-testid="op-continue" disabled={command.isPending || readOnly !== null} title={disabledTitle} onClick={() => command.mutate({ name: 'continue' })} className={primaryButtonClass}>
        Continue deployment
      </button>,
    );
  }
  if (!finished && (isRequester || admin) && operator) {
    const label = op.status === 'awaiting_approval' ? 'Withdraw request' : op.kind === 'deploy' && op.status === 'executing' ? 'Cancel (rolls back)' : 'Cancel';
    buttons.push(
      <button key="cancel" type="button" data-testid="op-cancel" disabled={command.isPending} onClick={() => setPrompt('cancel')} className={buttonClass}>
        {label}
      </button>,
    );
  }
  if (finished && operator && !op.rollbackProposed && (op.kind === 'deploy' || op.kind === 'switch-traffic' || op.kind === 'restart') && (op.status === 'succeeded' || op.status === 'failed')) {
    buttons.push(
      <button key="rollback" type="button" data-testid="op-rollback" disabled={readOnly !== null} title={disabledTitle} onClick={() => setRollbackOpen(true)} className={dangerButtonClass}>
        Roll back…
      </button>,
    );
  }

  const waiting = op.status === 'awaiting_approval' && (isRequester || !operator);
  if (buttons.length === 0 && !waiting && !command.isError) return null;

  return (
    <section className="flex flex-col gap-2">
      {waiting && (
        <p data-testid="op-waiting" className="rounded-md border border-degraded-border bg-degraded-bg px-3 py-2 text-[13px] text-degraded-fg">
          {isRequester ? 'Waiting for another operator to approve — you cannot approve your own request.' : 'Waiting for an operator to approve.'}
          {op.approvalDeadline && (
            <>
              {' '}
              Expires <RelativeTime iso={op.approvalDeadline} suffix="" className="font-medium" /> from its request time ({formatUtc(op.approvalDeadline)}).
            </>
          )}
        </p>
      )}
      {buttons.length > 0 && prompt === null && <div className="flex flex-wrap items-center gap-2">{buttons}</div>}
      {prompt && (
        <ReasonPrompt
          testId={`op-${prompt}-prompt`}
          summary={prompt === 'reject' ? 'Reject this request? It will not run; the requester sees your reason.' : 'Cancel this operation? The reason goes into the audit log.'}
          confirmLabel={prompt === 'reject' ? 'Reject' : 'Cancel operation'}
          danger
          pending={command.isPending}
          error={command.isError ? command.error.message : null}
          onConfirm={(reason) => command.mutate({ name: prompt, reason })}
          onCancel={() => {
            setPrompt(null);
            command.reset();
          }}
        />
      )}
      {command.isError && prompt === null && (
        <p role="alert" data-testid="op-command-error" className="text-[13px] text-down-fg">
          {command.error.message}
        </p>
      )}
      {rollbackOpen && (
        <ActionDialog
          kind="rollback"
          context={{ cluster: op.cluster, service: op.service, containers: [], desiredCount: op.plan.basis.desiredCount, targetGroups: [] }}
          readOnlyReason={readOnly}
          onClose={() => setRollbackOpen(false)}
          onSubmitted={(next) => router.push(`/operations/${next.id}`)}
        />
      )}
    </section>
  );
}
