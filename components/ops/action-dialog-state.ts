import { ApiError } from '@/lib/api/fetch-json';
import type { PlaceRef } from '@/lib/accounts/places';
import type { FieldIssue } from '@/lib/errors';
import { desiredCountIssue, MAX_DESIRED_COUNT } from '@/lib/ops/contract';
import type { OperationKind, Plan, PlanRequest } from '@/lib/ops/types';
import type { AlarmsChange } from '@/lib/ops/alarm-contract';

/**
 * The action dialog's state and its rules, without React: what the user typed, which request that
 * makes (or why it makes none yet), and which messages belong beside which field. The dialog keeps
 * this in a reducer; the plan and the submission themselves are TanStack mutations.
 */

/** What the dialog needs to know about the service, read from the service page's data. */
export interface ServiceActionContext {
  /** The service's account and Region when not home's: plans and submissions name them. */
  place?: PlaceRef | null;
  cluster: string;
  service: string;
  containers: { name: string; image: string; essential: boolean }[];
  desiredCount: number;
  /** The target groups behind the service's listener, with their current share (switch traffic). */
  targetGroups: { name: string; arn: string; weight: number }[];
  /** The policy's ceiling on a desired count (`hardMaxDesiredCount`); the API's own ceiling when not given. */
  maxDesiredCount?: number;
  /** alarms: the change chosen in the alarms card (its editor, "recommended", a row's actions), fixed for the dialog's life. */
  alarms?: AlarmsChange;
}

/** The inputs, named as the request fields they fill (so the server's `fields` land on them). */
export interface ActionInputs {
  image: string;
  container: string;
  /** As typed: validated into `request.desiredCount`. */
  desiredCount: string;
  /** null until picked, or preselected by the first rollback plan. */
  revision: string | null;
  targetGroup: string;
  trafficSwitch: boolean;
}

export interface ConfirmInputs {
  confirmName: string;
  reason: string;
  incidentId: string;
}

export type InputField = keyof ActionInputs;
export type ConfirmField = keyof ConfirmInputs;
export type DialogField = InputField | ConfirmField;

const DIALOG_FIELDS: readonly DialogField[] = ['image', 'container', 'desiredCount', 'revision', 'targetGroup', 'trafficSwitch', 'confirmName', 'reason', 'incidentId'];

/** A message from the server about a field, kept with the value it was about. */
interface ServerIssue {
  message: string;
  value: string;
}

export interface DialogState {
  inputs: ActionInputs;
  confirm: ConfirmInputs;
  /** Lives as long as the plan it confirms: a double click or a retry replays, a new plan gets a new key. */
  idempotencyKey: string;
  lastFingerprint: string | null;
  /** rollback: the revisions the last plan offered, kept while a re-plan is on its way or refused. */
  candidates: NonNullable<Plan['rollbackCandidates']>;
  serverIssues: Partial<Record<DialogField, ServerIssue>>;
}

export type DialogAction =
  | { type: 'input'; field: 'trafficSwitch'; value: boolean }
  | { type: 'input'; field: Exclude<InputField, 'trafficSwitch'>; value: string }
  | { type: 'confirm'; field: ConfirmField; value: string }
  /** A plan arrived; `freshKey` is used if it differs from the last one (the same key with another body is 422). */
  | { type: 'planned'; plan: Pick<Plan, 'kind' | 'fingerprint' | 'rollbackCandidates'>; freshKey: string }
  /** The server refused: its field issues, and the field values they were about (as they were when sent). */
  | { type: 'refused'; fields: FieldIssue[]; values: Record<DialogField, string> };

export function initialDialogState(kind: OperationKind, context: ServiceActionContext, idempotencyKey: string): DialogState {
  const essential = context.containers.find((c) => c.essential) ?? context.containers[0];
  const idle = context.targetGroups.find((g) => g.weight === 0) ?? context.targetGroups[1];
  return {
    inputs: {
      image: '',
      container: essential?.name ?? '',
      desiredCount: kind === 'scale' ? String(context.desiredCount) : '',
      revision: null,
      targetGroup: idle?.name ?? '',
      trafficSwitch: false,
    },
    confirm: { confirmName: '', reason: '', incidentId: '' },
    idempotencyKey,
    lastFingerprint: null,
    candidates: [],
    serverIssues: {},
  };
}

export function dialogReducer(state: DialogState, action: DialogAction): DialogState {
  switch (action.type) {
    case 'input':
      return { ...state, inputs: { ...state.inputs, [action.field]: action.value } };
    case 'confirm':
      return { ...state, confirm: { ...state.confirm, [action.field]: action.value } };
    case 'planned': {
      const { plan } = action;
      const replanned = state.lastFingerprint !== null && state.lastFingerprint !== plan.fingerprint;
      const preselected = plan.kind === 'rollback' && state.inputs.revision === null ? (plan.rollbackCandidates?.find((c) => c.preselected)?.arn ?? null) : null;
      return {
        ...state,
        idempotencyKey: replanned ? action.freshKey : state.idempotencyKey,
        lastFingerprint: plan.fingerprint,
        inputs: preselected ? { ...state.inputs, revision: preselected } : state.inputs,
        candidates: plan.rollbackCandidates?.length ? plan.rollbackCandidates : state.candidates,
        // The server accepted these inputs: what it said about earlier ones no longer applies.
        serverIssues: {},
      };
    }
    case 'refused': {
      const serverIssues: DialogState['serverIssues'] = {};
      for (const issue of action.fields) {
        const field = dialogFieldOf(issue.path);
        if (field) serverIssues[field] = { message: issue.message, value: action.values[field] };
      }
      return { ...state, serverIssues };
    }
  }
}

/** The field a server path is about: `desiredCount` and `request.desiredCount` alike; null for one the dialog has no input for. */
export function dialogFieldOf(path: string): DialogField | null {
  const name = path.replace(/^request\./, '');
  return (DIALOG_FIELDS as readonly string[]).includes(name) ? (name as DialogField) : null;
}

/** Every field's value as text: what a server issue is compared with to know whether it is still current. */
export function fieldValues(state: Pick<DialogState, 'inputs' | 'confirm'>): Record<DialogField, string> {
  const { inputs, confirm } = state;
  return { ...inputs, revision: inputs.revision ?? '', trafficSwitch: String(inputs.trafficSwitch), ...confirm };
}

/** The request the inputs make, or why they make none yet. */
export interface Validation {
  request: PlanRequest | null;
  /** What is wrong with a field as typed, computed from its current value (so fixing it clears it). */
  issues: Partial<Record<InputField, string>>;
  /** Why nothing can be planned yet (a required field is empty): shown beside the disabled "Review plan". */
  missing: string | null;
}

export function validateInputs(kind: OperationKind, inputs: ActionInputs, context: Pick<ServiceActionContext, 'targetGroups' | 'maxDesiredCount' | 'alarms'>): Validation {
  const none = (issues: Validation['issues'], missing: string | null = null): Validation => ({ request: null, issues, missing });
  switch (kind) {
    case 'deploy': {
      const image = inputs.image.trim();
      if (!image) return none({}, 'Enter the image to deploy (a tag such as v1.5.0, a digest, or a full reference) to review the plan.');
      if (/\s/.test(image)) return none({ image: 'an image reference has no spaces' });
      if (image.length > 512) return none({ image: `an image reference has at most 512 characters (this one has ${image.length})` });
      // Blue/green by listener switch is offered only where the listener forwards to two target groups.
      const trafficSwitch = inputs.trafficSwitch && context.targetGroups.length === 2;
      return { request: { kind, image, ...(inputs.container ? { container: inputs.container } : {}), ...(trafficSwitch ? { trafficSwitch: true } : {}) }, issues: {}, missing: null };
    }
    case 'scale': {
      const raw = inputs.desiredCount.trim();
      if (!raw) return none({}, 'Enter the desired count to review the plan.');
      const count = /^[+-]?\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
      if (Number.isNaN(count)) return none({ desiredCount: `"${raw.slice(0, 12)}" is not a number of tasks: give a whole number, 0 or more` });
      const issue = desiredCountIssue(count, context.maxDesiredCount ?? MAX_DESIRED_COUNT);
      return issue ? none({ desiredCount: issue }) : { request: { kind, desiredCount: count }, issues: {}, missing: null };
    }
    case 'rollback':
      return { request: inputs.revision ? { kind, revision: inputs.revision } : { kind }, issues: {}, missing: null };
    case 'restart':
      return { request: { kind }, issues: {}, missing: null };
    case 'alarms':
      return context.alarms ? { request: { kind, alarms: context.alarms }, issues: {}, missing: null } : none({}, 'Choose the alarms to change in the Alarms card.');
    case 'switch-traffic':
      return inputs.targetGroup ? { request: { kind, targetGroup: inputs.targetGroup }, issues: {}, missing: null } : none({ targetGroup: 'this service has no second target group to switch to' });
  }
}

/**
 * The message to show beside each field: what is wrong with it as typed, else what the server said
 * about it — only while the field still holds the value the server saw.
 */
export function fieldMessages(state: DialogState, validation: Validation): Partial<Record<DialogField, string>> {
  const now = fieldValues(state);
  const out: Partial<Record<DialogField, string>> = {};
  for (const [field, issue] of Object.entries(state.serverIssues) as [DialogField, ServerIssue][]) {
    if (issue.value === now[field]) out[field] = issue.message;
  }
  return { ...out, ...validation.issues };
}

/**
 * The server's issues that no input of this dialog shows (the dialog names them in its error
 * panel instead). `shown` are the fields this kind's inputs and the confirmation display.
 */
export function unplacedIssues(fields: FieldIssue[] | undefined, shown: ReadonlySet<DialogField>): FieldIssue[] {
  return (fields ?? []).filter((f) => {
    const field = dialogFieldOf(f.path);
    return field === null || !shown.has(field);
  });
}

/** The fields a kind's inputs show (the confirmation's are shown with any plan that can be submitted). */
export function fieldsShown(kind: OperationKind, context: Pick<ServiceActionContext, 'containers' | 'targetGroups'>): ReadonlySet<DialogField> {
  const confirm: DialogField[] = ['confirmName', 'reason', 'incidentId'];
  switch (kind) {
    case 'deploy':
      return new Set<DialogField>(['image', ...(context.containers.length > 1 ? (['container'] as const) : []), ...(context.targetGroups.length === 2 ? (['trafficSwitch'] as const) : []), ...confirm]);
    case 'scale':
      return new Set<DialogField>(['desiredCount', ...confirm]);
    case 'rollback':
      return new Set<DialogField>(['revision', ...confirm]);
    case 'switch-traffic':
      return new Set<DialogField>(['targetGroup', ...confirm]);
    case 'restart':
    case 'alarms':
      return new Set<DialogField>(confirm);
  }
}

/** Whether the plan on screen is the plan of the current inputs (a rollback planned without a revision matches its preselection). */
export function isPlanCurrent(kind: OperationKind, planned: PlanRequest | undefined, plan: Plan | undefined, request: PlanRequest | null, revision: string | null): boolean {
  if (!plan || !planned) return false;
  if (request && sameRequest(planned, request)) return true;
  return kind === 'rollback' && planned.revision === undefined && revision !== null && revision === plan.rollbackCandidates?.find((c) => c.preselected)?.arn;
}

export function sameRequest(a: PlanRequest | null | undefined, b: PlanRequest | null | undefined): boolean {
  return !!a && !!b && JSON.stringify(a) === JSON.stringify(b);
}

/** Only a failure that may pass by itself (unreachable, throttled, a server error) is worth a "Try again"; bad input is not. */
export function isRetryable(e: unknown): boolean {
  return !(e instanceof ApiError) || e.status === 0 || e.status === 429 || e.status >= 500;
}
