'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useReducer, useRef, type ChangeEvent } from 'react';
import { ApiError } from '@/lib/api/fetch-json';
import type { Operation, OperationKind, Plan, PlanRequest } from '@/lib/ops/types';
import { buttonClass } from '@/components/ui/error-panel';
import { controlClass, dangerButtonClass, primaryButtonClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';
import { Skeleton } from '@/components/ui/skeleton';
import {
  dialogReducer,
  fieldMessages,
  fieldsShown,
  fieldValues,
  initialDialogState,
  isPlanCurrent,
  isRetryable,
  sameRequest,
  unplacedIssues,
  validateInputs,
  type DialogField,
  type ServiceActionContext,
} from './action-dialog-state';
import { Field } from './action-inputs/field';
import { INPUTS_BY_KIND } from './action-inputs/by-kind';
import { KIND_VERB } from './format';
import { newIdempotencyKey, planOperation, refreshAfterRefusal, submitOperation, type SubmitOperation } from './ops-api';
import { EnvironmentBadge, PlanView } from './plan-view';

export type { ServiceActionContext };

/** Kinds whose plan needs no input first: planned as soon as the dialog opens. */
const PLAN_ON_OPEN: ReadonlySet<OperationKind> = new Set(['rollback', 'restart', 'switch-traffic', 'alarms']);

const SUBMIT_LABEL: Record<OperationKind, string> = {
  deploy: 'Deploy',
  rollback: 'Roll back',
  scale: 'Scale',
  restart: 'Restart tasks',
  'switch-traffic': 'Switch traffic',
  alarms: 'Apply',
};

/** A request as sent, with the field values it was made from (a refusal's field messages belong to those). */
interface Sent<T> {
  body: T;
  values: Record<DialogField, string>;
}

/**
 * One guarded action, start to finish: inputs → the server's dry-run plan with its diff and
 * guards → typed confirmation of the service name and a reason → submit once. The inputs live in
 * a reducer (action-dialog-state.ts), one small input component per kind (action-inputs/); each
 * message sits beside its field and lasts only while the field holds the value it was about. The
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
  const queryClient = useQueryClient();

  const [state, dispatch] = useReducer(dialogReducer, undefined, () => initialDialogState(kind, context, newIdempotencyKey()));
  const validation = validateInputs(kind, state.inputs, context);
  const { request } = validation;
  const requestKey = request ? JSON.stringify(request) : null;

  // Acts on what the server says by its sub-code and fields, never by its message text.
  const refused = (e: Error, values: Record<DialogField, string>) => {
    if (e instanceof ApiError) dispatch({ type: 'refused', fields: e.fields ?? [], values });
    refreshAfterRefusal(queryClient, e);
  };

  const plan = useMutation({
    mutationFn: ({ body }: Sent<PlanRequest>) => planOperation(cluster, service, body, context.place),
    // A new plan is a new payload: it needs its own key (the same key with another body is 422).
    onSuccess: (p) => dispatch({ type: 'planned', plan: p, freshKey: newIdempotencyKey() }),
    onError: (e, sent) => refused(e, sent.values),
  });
  const planned = plan.variables?.body;
  const current: Plan | null = isPlanCurrent(kind, planned, plan.data, request, state.inputs.revision) ? plan.data! : null;
  const planNow = () => {
    if (request) plan.mutate({ body: request, values: fieldValues(state) });
  };

  const submit = useMutation({
    mutationFn: ({ body }: Sent<{ operation: SubmitOperation; key: string }>) => submitOperation(body.operation, body.key),
    onSuccess: onSubmitted,
    onError: (e, sent) => refused(e, sent.values),
  });
  const submitNow = (p: Plan) => {
    const incidentId = state.confirm.incidentId.trim();
    submit.mutate({
      body: {
        operation: { ...(context.place ? { account: context.place.accountId, region: context.place.region } : {}), cluster, service, request: planned!, fingerprint: p.fingerprint, confirmName: state.confirm.confirmName, reason: state.confirm.reason.trim(), ...(incidentId ? { incidentId } : {}) },
        key: state.idempotencyKey,
      },
      values: fieldValues(state),
    });
  };

  useEffect(() => {
    const d = dialogRef.current;
    if (d && !d.open) d.showModal();
  }, []);

  // Plan at once when nothing needs typing first; a rollback re-plans when another revision is picked.
  const autoPlan = PLAN_ON_OPEN.has(kind) && request !== null;
  useEffect(() => {
    if (!autoPlan || !request) return;
    if (sameRequest(planned, request) || (current && kind === 'rollback')) return;
    if (plan.isPending) return;
    planNow();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [autoPlan, requestKey]);

  const messages = fieldMessages(state, validation);
  const shown = fieldsShown(kind, context);
  // A refusal's field issues are shown beside their fields; the panel is for what no field shows.
  const panelFor = (e: Error) => !(e instanceof ApiError && e.fields?.length && unplacedIssues(e.fields, shown).length === 0);
  const planError = plan.isError && sameRequest(planned, request) && panelFor(plan.error) ? plan.error : null;
  const submitError = submit.isError && panelFor(submit.error) ? submit.error : null;

  const stale = submit.error instanceof ApiError && submit.error.subCode === 'stale_plan';
  const { confirmName, reason, incidentId } = state.confirm;
  const nameOk = confirmName === service;
  const reasonOk = reason.trim().length >= 3;
  const canSubmit = current !== null && !current.blocked && nameOk && reasonOk && readOnlyReason === null && !submit.isPending && !submit.isSuccess;
  const danger = kind === 'rollback' || kind === 'switch-traffic' || (current?.environment ?? '').toLowerCase().startsWith('prod');

  const needsPlan = !autoPlan && current === null;
  const planDisabledWhy = validation.missing ?? (request === null ? 'Correct the value marked in red to review the plan.' : undefined);
  const planButton = needsPlan && (
    <button type="submit" data-testid="op-plan-button" disabled={plan.isPending || request === null} title={planDisabledWhy} className={primaryButtonClass}>
      {plan.isPending ? 'Planning…' : 'Review plan'}
    </button>
  );
  const KindInputs = INPUTS_BY_KIND[kind];

  const replan = () => {
    submit.reset();
    planNow();
  };
  const setConfirm = (field: 'confirmName' | 'reason' | 'incidentId') => (e: ChangeEvent<HTMLInputElement>) => dispatch({ type: 'confirm', field, value: e.target.value });

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
          if (current === null) planNow();
          else if (canSubmit) submitNow(current);
        }}
      >
        <div className="flex min-h-0 flex-1 flex-col gap-4 overflow-y-auto px-5 py-4">
          {readOnlyReason !== null && (
            <p role="status" className="rounded-md border border-degraded-border bg-degraded-bg px-3 py-2 text-[13px] text-degraded-fg">
              Codeflow is read-only: {readOnlyReason}. You can review the plan; nothing can be submitted.
            </p>
          )}

          <div className="flex flex-col gap-2">
            <KindInputs
              context={context}
              inputs={state.inputs}
              messages={messages}
              dispatch={dispatch}
              planButton={planButton}
              candidates={state.candidates}
              planning={plan.isPending}
            />
            {needsPlan && validation.missing && (
              <p data-testid="op-plan-disabled-reason" className="text-xs text-fg-muted">
                {validation.missing}
              </p>
            )}
          </div>

          {planError && (
            <div role="alert" data-testid="op-plan-error" data-status={planError instanceof ApiError ? planError.status : 0} className="flex items-start gap-3 rounded-md border border-down-border bg-down-bg px-3 py-2 text-[13px] text-down-fg">
              <p className="min-w-0 flex-1">{planError.message}</p>
              {request && isRetryable(planError) && (
                <button type="button" data-testid="op-plan-retry" onClick={planNow} className={cn(buttonClass, 'h-7 shrink-0')}>
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
              <Field label={<>Type <span className="select-all font-mono font-semibold text-fg">{service}</span> to confirm</>} field="confirmName" message={messages.confirmName}>
                {(control) => (
                  <input
                    {...control}
                    data-testid="op-confirm-name"
                    autoComplete="off"
                    spellCheck={false}
                    value={confirmName}
                    onChange={setConfirm('confirmName')}
                    aria-invalid={control['aria-invalid'] ?? (confirmName.length > 0 && !nameOk)}
                    className={cn(controlClass, 'w-full font-mono', confirmName.length > 0 && !nameOk && 'border-down-border')}
                  />
                )}
              </Field>
              <div className="grid grid-cols-1 gap-3 sm:grid-cols-[minmax(0,1fr)_180px]">
                <Field label="Reason (recorded in the audit log)" field="reason" message={messages.reason}>
                  {(control) => (
                    <input
                      {...control}
                      data-testid="op-reason"
                      maxLength={500}
                      placeholder="e.g. 5xx spike after v1.5.0, INC-123"
                      value={reason}
                      onChange={setConfirm('reason')}
                      className={cn(controlClass, 'w-full')}
                    />
                  )}
                </Field>
                <Field label="Incident (optional)" field="incidentId" message={messages.incidentId}>
                  {(control) => (
                    <input
                      {...control}
                      data-testid="op-incident"
                      maxLength={64}
                      placeholder="INC-123"
                      value={incidentId}
                      onChange={setConfirm('incidentId')}
                      className={cn(controlClass, 'w-full font-mono', messages.incidentId && 'border-down-border')}
                    />
                  )}
                </Field>
              </div>
            </fieldset>
          )}

          {submitError && (
            <div role="alert" data-testid="op-error" data-status={submitError instanceof ApiError ? submitError.status : 0} className="rounded-md border border-down-border bg-down-bg px-3 py-2 text-[13px] text-down-fg">
              <p>{submitError.message}</p>
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
