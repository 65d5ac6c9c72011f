'use client';

import { useMutation } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '@/lib/api/fetch-json';
import type { Operation, OperationKind, Plan, PlanRequest } from '@/lib/ops/types';
import { MAX_DESIRED_COUNT } from '@/lib/ops/contract';
import { buttonClass } from '@/components/ui/error-panel';
import { controlClass, dangerButtonClass, primaryButtonClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';
import { Skeleton } from '@/components/ui/skeleton';
import { KIND_VERB, imageTag, revisionName } from './format';
import { newIdempotencyKey, planOperation, submitOperation } from './ops-api';
import { EnvironmentBadge, PlanView } from './plan-view';

/** What the dialog needs to know about the service, read from the service page's data. */
export interface ServiceActionContext {
  cluster: string;
  service: string;
  containers: { name: string; image: string; essential: boolean }[];
  desiredCount: number;
  /** The target groups behind the service's listener, with their current share (switch traffic). */
  targetGroups: { name: string; arn: string; weight: number }[];
}

/** Kinds whose plan needs no input first: planned as soon as the dialog opens. */
const PLAN_ON_OPEN: ReadonlySet<OperationKind> = new Set(['rollback', 'restart', 'switch-traffic']);

const SUBMIT_LABEL: Record<OperationKind, string> = {
  deploy: 'Deploy',
  rollback: 'Roll back',
  scale: 'Scale',
  restart: 'Restart tasks',
  'switch-traffic': 'Switch traffic',
};

/**
 * One guarded action, start to finish: inputs → the server's dry-run plan with its diff and
 * guards → typed confirmation of the service name and a reason → submit once. The dialog's
 * Idempotency-Key lives as long as the plan it confirms, so a double click (or a retry after a
 * network error) replays the same operation instead of starting a second one.
 */
export function ActionDialog({
  kind,
  context,
  readOnlyReason,
  onClose,
  onSubmitted,
}: {
  kind: OperationKind;
  context: ServiceActionContext;
  /** Set when Codeflow is read-only: the dialog explains and refuses to submit. */
  readOnlyReason: string | null;
  onClose: () => void;
  onSubmitted: (operation: Operation) => void;
}) {
  const { cluster, service } = context;
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  const essential = context.containers.find((c) => c.essential) ?? context.containers[0];
  const [image, setImage] = useState('');
  const [container, setContainer] = useState(essential?.name ?? '');
  const [count, setCount] = useState(String(context.desiredCount));
  const [revision, setRevision] = useState<string | null>(null);
  const idleGroup = context.targetGroups.find((g) => g.weight === 0) ?? context.targetGroups[1];
  const [targetGroup, setTargetGroup] = useState(idleGroup?.name ?? '');
  // Blue/green by listener switch is offered where the listener forwards to two target groups and
  // ECS's native blue/green is not in use (actionContextOf; the server refuses it there too).
  const switchable = kind === 'deploy' && context.targetGroups.length === 2;
  const [trafficSwitch, setTrafficSwitch] = useState(false);

  const [confirmName, setConfirmName] = useState('');
  const [reason, setReason] = useState('');
  const [incidentId, setIncidentId] = useState('');
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const lastFingerprint = useRef<string | null>(null);

  const request = buildRequest(kind, { image, container, count, revision, targetGroup, trafficSwitch: switchable && trafficSwitch });
  const requestKey = request.ok ? JSON.stringify(request.value) : null;

  const plan = useMutation({
    mutationFn: (r: PlanRequest) => planOperation(cluster, service, r),
    onSuccess: (p) => {
      // A new plan is a new payload: it needs its own key (the same key with another body is 422).
      if (lastFingerprint.current !== null && lastFingerprint.current !== p.fingerprint) setIdempotencyKey(newIdempotencyKey());
      lastFingerprint.current = p.fingerprint;
      if (p.kind === 'rollback' && revision === null) {
        const pre = p.rollbackCandidates?.find((c) => c.preselected);
        if (pre) setRevision(pre.arn);
      }
    },
  });
  const plannedKey = plan.variables ? JSON.stringify(plan.variables) : null;
  // The plan on screen matches the inputs (a rollback planned without a revision matches its preselection).
  const current: Plan | null =
    plan.data && (plannedKey === requestKey || (kind === 'rollback' && plan.variables?.revision === undefined && revision === preselectedArn(plan.data)))
      ? plan.data
      : null;

  const submit = useMutation({
    mutationFn: (p: Plan) =>
      submitOperation(
        {
          cluster,
          service,
          request: plan.variables!,
          fingerprint: p.fingerprint,
          confirmName,
          reason: reason.trim(),
          ...(incidentId.trim() ? { incidentId: incidentId.trim() } : {}),
        },
        idempotencyKey,
      ),
    onSuccess: onSubmitted,
  });

  useEffect(() => {
    const d = dialogRef.current;
    if (d && !d.open) d.showModal();
  }, []);

  // Plan at once when nothing needs typing first; a rollback re-plans when another revision is picked.
  const autoPlan = PLAN_ON_OPEN.has(kind) && request.ok;
  useEffect(() => {
    if (!autoPlan || !request.ok) return;
    if (plannedKey === requestKey || (current && kind === 'rollback')) return;
    if (plan.isPending) return;
    plan.mutate(request.value);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [autoPlan, requestKey]);

  const stale = submit.error instanceof ApiError && submit.error.subCode === 'stale_plan';
  const nameOk = confirmName === service;
  const reasonOk = reason.trim().length >= 3;
  const canSubmit = current !== null && !current.blocked && nameOk && reasonOk && readOnlyReason === null && !submit.isPending && !submit.isSuccess;
  const danger = kind === 'rollback' || kind === 'switch-traffic' || (current?.environment ?? '').toLowerCase().startsWith('prod');

  const replan = () => {
    submit.reset();
    if (request.ok) plan.mutate(request.value);
  };

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      data-testid="op-dialog"
      data-kind={kind}
      onClose={onClose}
      className="m-auto max-h-[min(92vh,900px)] w-[min(760px,calc(100vw-2rem))] flex-col overflow-hidden rounded-lg border border-border bg-surface p-0 text-fg shadow-2xl backdrop:bg-black/55 open:flex"
    >
      <header className="flex items-start gap-3 border-b border-border px-5 py-3.5">
        <div className="min-w-0 flex-1">
          <h2 id={titleId} className="text-[15px] font-semibold">
            {KIND_VERB[kind]} <span className="font-mono">{service}</span>
          </h2>
          <p className="mt-0.5 flex items-center gap-2 text-xs text-fg-muted">
            <span className="font-mono">{cluster}</span>
            {current && <EnvironmentBadge environment={current.environment} />}
          </p>
        </div>
        <button
          type="button"
          aria-label="Close"
          onClick={() => dialogRef.current?.close()}
          className="flex size-7 shrink-0 items-center justify-center rounded text-fg-subtle hover:bg-surface-2 hover:text-fg"
        >
          <svg aria-hidden viewBox="0 0 16 16" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="1.75">
            <path d="M4 4l8 8M12 4l-8 8" strokeLinecap="round" />
          </svg>
        </button>
      </header>

      <form
        className="flex min-h-0 flex-1 flex-col"
        onSubmit={(e) => {
          e.preventDefault();
          if (current === null) {
            if (request.ok) plan.mutate(request.value);
          } else if (canSubmit) submit.mutate(current);
        }}
      >
        <div className="flex min-h-0 flex-1 flex-col gap-4 overflow-y-auto px-5 py-4">
          {readOnlyReason !== null && (
            <p role="status" className="rounded-md border border-degraded-border bg-degraded-bg px-3 py-2 text-[13px] text-degraded-fg">
              Codeflow is read-only: {readOnlyReason}. You can review the plan; nothing can be submitted.
            </p>
          )}

          <Inputs
            kind={kind}
            context={context}
            image={image}
            setImage={setImage}
            container={container}
            setContainer={setContainer}
            count={count}
            setCount={setCount}
            revision={revision}
            setRevision={setRevision}
            targetGroup={targetGroup}
            setTargetGroup={setTargetGroup}
            switchable={switchable}
            trafficSwitch={trafficSwitch}
            setTrafficSwitch={setTrafficSwitch}
            candidates={plan.data?.rollbackCandidates}
            inputError={request.ok ? null : request.error}
            missing={request.ok ? null : (request.missing ?? null)}
            needsPlan={!autoPlan && current === null}
            planning={plan.isPending}
            onPlan={() => request.ok && plan.mutate(request.value)}
          />

          {plan.isError && (
            <div role="alert" data-testid="op-plan-error" className="flex items-start gap-3 rounded-md border border-down-border bg-down-bg px-3 py-2 text-[13px] text-down-fg">
              <p className="min-w-0 flex-1">{plan.error.message}</p>
              {request.ok && isRetryable(plan.error) && (
                <button type="button" onClick={() => plan.mutate(request.value)} className={cn(buttonClass, 'h-7 shrink-0')}>
                  Try again
                </button>
              )}
            </div>
          )}
          {plan.isPending && !current && (
            <div aria-busy="true" className="flex flex-col gap-2">
              <Skeleton className="h-4 w-2/3" />
              <Skeleton className="h-20 w-full" />
            </div>
          )}
          {current && <PlanView plan={current} />}

          {current && !current.blocked && (
            <fieldset className="flex flex-col gap-3 rounded-md border border-border px-3 py-3" disabled={submit.isPending || submit.isSuccess}>
              <legend className="px-1 text-[11px] font-semibold uppercase tracking-wide text-fg-subtle">Confirm</legend>
              {current.requiresApproval && (
                <p data-testid="op-approval-note" className="text-[13px] text-degraded-fg">
                  {current.environment} needs a second operator: this request waits on the Operations page until another operator approves it.
                </p>
              )}
              <Field label={<>Type <span className="select-all font-mono font-semibold text-fg">{service}</span> to confirm</>}>
                {(id) => (
                  <input
                    id={id}
                    data-testid="op-confirm-name"
                    autoComplete="off"
                    spellCheck={false}
                    value={confirmName}
                    onChange={(e) => setConfirmName(e.target.value)}
                    aria-invalid={confirmName.length > 0 && !nameOk}
                    className={cn(controlClass, 'w-full font-mono', confirmName.length > 0 && !nameOk && 'border-down-border')}
                  />
                )}
              </Field>
              <div className="grid grid-cols-1 gap-3 sm:grid-cols-[minmax(0,1fr)_180px]">
                <Field label="Reason (recorded in the audit log)">
                  {(id) => (
                    <input
                      id={id}
                      data-testid="op-reason"
                      maxLength={500}
                      placeholder="e.g. 5xx spike after v1.5.0, INC-123"
                      value={reason}
                      onChange={(e) => setReason(e.target.value)}
                      className={cn(controlClass, 'w-full')}
                    />
                  )}
                </Field>
                <Field label="Incident (optional)">
                  {(id) => (
                    <input
                      id={id}
                      data-testid="op-incident"
                      maxLength={64}
                      placeholder="INC-123"
                      value={incidentId}
                      onChange={(e) => setIncidentId(e.target.value)}
                      className={cn(controlClass, 'w-full font-mono')}
                    />
                  )}
                </Field>
              </div>
            </fieldset>
          )}

          {submit.isError && (
            <div role="alert" data-testid="op-error" data-status={submit.error instanceof ApiError ? submit.error.status : 0} className="rounded-md border border-down-border bg-down-bg px-3 py-2 text-[13px] text-down-fg">
              <p>{submit.error.message}</p>
              {stale && (
                <button type="button" data-testid="op-replan" onClick={replan} className={cn(buttonClass, 'mt-2')}>
                  Re-plan
                </button>
              )}
            </div>
          )}
        </div>

        <footer className="flex items-center gap-2 border-t border-border bg-surface-2/60 px-5 py-3">
          <p className="mr-auto text-xs text-fg-subtle">
            {current?.blocked
              ? 'Blocked by a guard above: nothing can be submitted.'
              : current && !nameOk
                ? 'Type the service name exactly to enable the button.'
                : current && !reasonOk
                  ? 'Give a reason (3 characters or more).'
                  : current
                    ? current.requiresApproval
                      ? 'Submitting asks another operator to approve.'
                      : 'Runs now: plan → lock → execute → verify.'
                    : 'Review the plan first.'}
          </p>
          <button type="button" onClick={() => dialogRef.current?.close()} className={buttonClass}>
            Cancel
          </button>
          <button type="submit" data-testid="op-submit" disabled={!canSubmit} className={danger ? dangerButtonClass : primaryButtonClass}>
            {submit.isPending || submit.isSuccess ? 'Submitting…' : current?.requiresApproval ? 'Request approval' : SUBMIT_LABEL[kind]}
          </button>
        </footer>
      </form>
    </dialog>
  );
}

/** Only a failure that may pass by itself (AWS throttling or unreachable, a server error) is worth a "Try again"; bad input is not. */
function isRetryable(e: unknown): boolean {
  return !(e instanceof ApiError) || e.status === 0 || e.status === 429 || e.status >= 500;
}

function preselectedArn(plan: Plan): string | null {
  return plan.rollbackCandidates?.find((c) => c.preselected)?.arn ?? null;
}

/** `missing`: why nothing can be planned yet (an empty field), shown beside the disabled button. */
type Built = { ok: true; value: PlanRequest } | { ok: false; error: string | null; missing?: string };

function buildRequest(
  kind: OperationKind,
  v: { image: string; container: string; count: string; revision: string | null; targetGroup: string; trafficSwitch: boolean },
): Built {
  switch (kind) {
    case 'deploy': {
      const image = v.image.trim();
      if (!image) return { ok: false, error: null, missing: 'Enter the image to deploy (a tag such as v1.5.0, a digest, or a full reference) to review the plan.' };
      if (/\s/.test(image)) return { ok: false, error: 'An image reference has no spaces.' };
      return { ok: true, value: { kind, image, ...(v.container ? { container: v.container } : {}), ...(v.trafficSwitch ? { trafficSwitch: true } : {}) } };
    }
    case 'rollback':
      return { ok: true, value: v.revision ? { kind, revision: v.revision } : { kind } };
    case 'scale': {
      const raw = v.count.trim();
      if (!raw) return { ok: false, error: null, missing: 'Enter the desired count to review the plan.' };
      if (!/^\d+$/.test(raw)) return { ok: false, error: `"${raw.slice(0, 12)}" is not a desired count: give a whole number, 0 or more.` };
      if (Number(raw) > MAX_DESIRED_COUNT) return { ok: false, error: `${raw} is above the limit of ${MAX_DESIRED_COUNT} tasks.` };
      return { ok: true, value: { kind, desiredCount: Number(raw) } };
    }
    case 'restart':
      return { ok: true, value: { kind } };
    case 'switch-traffic':
      return v.targetGroup ? { ok: true, value: { kind, targetGroup: v.targetGroup } } : { ok: false, error: 'This service has no second target group to switch to.' };
  }
}

function Field({ label, children }: { label: ReactNode; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className="text-xs text-fg-muted">
        {label}
      </label>
      {children(id)}
    </div>
  );
}

function Inputs(props: {
  kind: OperationKind;
  context: ServiceActionContext;
  image: string;
  setImage: (v: string) => void;
  container: string;
  setContainer: (v: string) => void;
  count: string;
  setCount: (v: string) => void;
  revision: string | null;
  setRevision: (v: string) => void;
  targetGroup: string;
  setTargetGroup: (v: string) => void;
  switchable: boolean;
  trafficSwitch: boolean;
  setTrafficSwitch: (v: boolean) => void;
  candidates: Plan['rollbackCandidates'];
  inputError: string | null;
  missing: string | null;
  needsPlan: boolean;
  planning: boolean;
  onPlan: () => void;
}) {
  const { kind, context } = props;
  const planButton = props.needsPlan && (
    <button type="submit" data-testid="op-plan-button" disabled={props.planning || props.inputError !== null || props.missing !== null} title={props.missing ?? undefined} className={primaryButtonClass}>
      {props.planning ? 'Planning…' : 'Review plan'}
    </button>
  );
  const current = context.containers.find((c) => c.name === props.container) ?? context.containers[0];

  if (kind === 'deploy') {
    return (
      <div className="flex flex-col gap-2">
        <div className="flex items-end gap-2">
          {context.containers.length > 1 && (
            <Field label="Container">
              {(id) => (
                <select id={id} data-testid="op-container" value={props.container} onChange={(e) => props.setContainer(e.target.value)} className={controlClass}>
                  {context.containers.map((c) => (
                    <option key={c.name} value={c.name}>
                      {c.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <div className="min-w-0 flex-1">
            <Field label="Image tag, digest or full reference">
              {(id) => (
                <input
                  id={id}
                  autoFocus
                  data-testid="op-image-input"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder={current ? `e.g. v1.5.0 (now ${imageTag(current.image)})` : 'v1.5.0'}
                  value={props.image}
                  onChange={(e) => props.setImage(e.target.value)}
                  className={cn(controlClass, 'w-full font-mono')}
                />
              )}
            </Field>
          </div>
          {planButton}
        </div>
        {current && (
          <p className="break-all text-xs text-fg-subtle">
            Now running <span className="font-mono text-fg-muted">{current.image}</span>. A tag or digest alone keeps this repository.
          </p>
        )}
        {props.switchable && <StrategyChoice context={context} trafficSwitch={props.trafficSwitch} setTrafficSwitch={props.setTrafficSwitch} />}
        {props.inputError && <p data-testid="op-input-error" className="text-xs text-down-fg">{props.inputError}</p>}
        {props.needsPlan && props.missing && <p data-testid="op-plan-disabled-reason" className="text-xs text-fg-muted">{props.missing}</p>}
      </div>
    );
  }

  if (kind === 'scale') {
    return (
      <div className="flex flex-col gap-2">
        <div className="flex items-end gap-2">
          <Field label={`Desired tasks (now ${context.desiredCount})`}>
            {(id) => (
              <input
                id={id}
                autoFocus
                data-testid="op-count-input"
                inputMode="numeric"
                value={props.count}
                onChange={(e) => props.setCount(e.target.value)}
                className={cn(controlClass, 'w-28 tabular-nums')}
              />
            )}
          </Field>
          {planButton}
        </div>
        {props.inputError && <p data-testid="op-input-error" className="text-xs text-down-fg">{props.inputError}</p>}
        {props.needsPlan && props.missing && <p data-testid="op-plan-disabled-reason" className="text-xs text-fg-muted">{props.missing}</p>}
      </div>
    );
  }

  if (kind === 'rollback') {
    const candidates = props.candidates ?? [];
    return (
      <Field label="Roll back to">
        {(id) =>
          candidates.length === 0 ? (
            <p id={id} className="text-[13px] text-fg-subtle">
              {props.planning ? 'Reading the revisions kept for this service…' : 'No earlier revision is kept.'}
            </p>
          ) : (
            <select id={id} data-testid="op-revision-select" value={props.revision ?? ''} onChange={(e) => props.setRevision(e.target.value)} className={cn(controlClass, 'w-full font-mono')}>
              {candidates.map((c) => (
                <option key={c.arn} value={c.arn}>
                  {revisionName(c.arn)} · {imageTag(c.image)}
                  {c.preselected ? ' · previous completed' : ''}
                  {c.registeredAt ? ` · registered ${c.registeredAt.slice(0, 10)}` : ''}
                </option>
              ))}
            </select>
          )
        }
      </Field>
    );
  }

  if (kind === 'switch-traffic') {
    return (
      <Field label="Send 100 % of the listener's traffic to">
        {(id) => (
          <select id={id} data-testid="op-target-group" value={props.targetGroup} onChange={(e) => props.setTargetGroup(e.target.value)} className={cn(controlClass, 'w-full font-mono')}>
            {context.targetGroups.map((g) => (
              <option key={g.arn} value={g.name}>
                {g.name} (now {g.weight} %)
              </option>
            ))}
          </select>
        )}
      </Field>
    );
  }

  return (
    <p className="text-[13px] text-fg-muted">
      A new deployment of the same task definition: every task is replaced, rolling, with the service&apos;s usual health checks.
    </p>
  );
}

/** Rolling in place, or blue/green by listener switch (deploy to the idle group, switch once healthy). */
function StrategyChoice({ context, trafficSwitch, setTrafficSwitch }: { context: ServiceActionContext; trafficSwitch: boolean; setTrafficSwitch: (v: boolean) => void }) {
  const live = context.targetGroups.find((g) => g.weight > 0) ?? context.targetGroups[0];
  const idle = context.targetGroups.find((g) => g !== live);
  const option = (value: boolean, title: string, detail: ReactNode, testId: string) => (
    <label
      className={cn(
        'flex min-w-0 flex-1 cursor-pointer items-start gap-2 rounded-md border px-3 py-2 text-[12px]',
        trafficSwitch === value ? 'border-accent bg-accent/5' : 'border-border hover:bg-surface-2',
      )}
    >
      <input type="radio" name="deploy-strategy" data-testid={testId} checked={trafficSwitch === value} onChange={() => setTrafficSwitch(value)} className="mt-0.5" />
      <span className="min-w-0">
        <span className="block font-medium text-fg">{title}</span>
        <span className="block text-fg-muted">{detail}</span>
      </span>
    </label>
  );
  return (
    <fieldset className="flex flex-col gap-1">
      <legend className="mb-1 text-xs text-fg-muted">Strategy</legend>
      <div className="flex flex-col gap-2 sm:flex-row">
        {option(false, 'Rolling', 'ECS replaces the tasks in place, behind the same target group.', 'op-strategy-rolling')}
        {option(
          true,
          'Blue/green via listener switch',
          <>
            Deploy to the idle group <span className="font-mono">{idle?.name ?? '(idle)'}</span>, switch the listener from <span className="font-mono">{live?.name ?? '(live)'}</span> once its targets are healthy; back on failure.
          </>,
          'op-strategy-listener-switch',
        )}
      </div>
    </fieldset>
  );
}
