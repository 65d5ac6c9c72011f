import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '@/lib/api/fetch-json';
import { DEFAULT_HARD_MAX_DESIRED_COUNT, desiredCountIssue, MAX_DESIRED_COUNT } from '@/lib/ops/contract';
import type { OperationKind, Plan } from '@/lib/ops/types';
import {
  dialogFieldOf,
  dialogReducer,
  fieldMessages,
  fieldsShown,
  fieldValues,
  initialDialogState,
  isPlanCurrent,
  isRetryable,
  unplacedIssues,
  validateInputs,
  type DialogAction,
  type DialogState,
  type ServiceActionContext,
} from './action-dialog-state';

const context: ServiceActionContext = {
  cluster: 'codeflow-cluster',
  service: 'codeflow-service',
  containers: [
    { name: 'sidecar', image: 'envoy:1', essential: false },
    { name: 'codeflow', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.4.2', essential: true },
  ],
  desiredCount: 3,
  targetGroups: [
    { name: 'codeflow-blue', arn: 'arn:blue', weight: 100 },
    { name: 'codeflow-green', arn: 'arn:green', weight: 0 },
  ],
  maxDesiredCount: DEFAULT_HARD_MAX_DESIRED_COUNT,
};

const start = (kind: OperationKind) => initialDialogState(kind, context, 'key-1');
const run = (state: DialogState, ...actions: DialogAction[]) => actions.reduce(dialogReducer, state);
const typed = (kind: OperationKind, field: 'image' | 'desiredCount', value: string) => run(start(kind), { type: 'input', field, value });
const messagesOf = (state: DialogState, kind: OperationKind) => fieldMessages(state, validateInputs(kind, state.inputs, context));

const plan = (fingerprint: string, extra: Partial<Plan> = {}) => ({ kind: 'rollback' as const, fingerprint, ...extra }) as Plan;

describe('the action dialog: where it starts', () => {
  it('the essential container, the idle target group, the current count for a scale; a fresh key', () => {
    const s = start('scale');
    assert.deepEqual(s.inputs, { image: '', container: 'codeflow', desiredCount: '3', revision: null, targetGroup: 'codeflow-green', trafficSwitch: false });
    assert.equal(s.idempotencyKey, 'key-1');
    assert.deepEqual(s.serverIssues, {});
    assert.deepEqual(s.candidates, []);
  });
});

describe('the action dialog: inputs → request', () => {
  it('an empty image or count makes no request and says why "Review plan" is disabled', () => {
    const deploy = validateInputs('deploy', start('deploy').inputs, context);
    assert.equal(deploy.request, null);
    assert.match(deploy.missing!, /Enter the image to deploy/);
    const scale = validateInputs('scale', typed('scale', 'desiredCount', '  ').inputs, context);
    assert.equal(scale.request, null);
    assert.match(scale.missing!, /Enter the desired count/);
    assert.deepEqual(scale.issues, {}, 'an empty field is not an error, only a reason');
  });

  it('every out-of-range count gives the numbers, against the policy limit it was given', () => {
    const issue = (raw: string, limits: Partial<ServiceActionContext> = {}) => validateInputs('scale', typed('scale', 'desiredCount', raw).inputs, { ...context, ...limits }).issues.desiredCount;
    assert.equal(issue('101'), '101 is above the limit of 100 tasks');
    assert.equal(issue('101'), desiredCountIssue(101, DEFAULT_HARD_MAX_DESIRED_COUNT), 'the contract words it');
    assert.equal(issue('250', { maxDesiredCount: 200 }), '250 is above the limit of 200 tasks');
    assert.equal(issue('5001', { maxDesiredCount: undefined }), `5001 is above the limit of ${MAX_DESIRED_COUNT} tasks`);
    assert.equal(issue('-2'), '-2 is below the minimum of 0 tasks');
    assert.equal(issue('2.5'), '2.5 is not a whole number of tasks');
    assert.match(issue('ten')!, /^"ten" is not a number of tasks/);
    assert.equal(issue('100'), undefined);
    assert.equal(issue('0'), undefined);
  });

  it('a valid count is a scale request; an image with spaces is refused beside the image', () => {
    assert.deepEqual(validateInputs('scale', typed('scale', 'desiredCount', ' 6 ').inputs, context).request, { kind: 'scale', desiredCount: 6 });
    const spaced = validateInputs('deploy', typed('deploy', 'image', 'v1 5').inputs, context);
    assert.equal(spaced.request, null);
    assert.match(spaced.issues.image!, /no spaces/);
  });

  it('a deploy names its container, and switches traffic only when chosen and possible', () => {
    const s = run(start('deploy'), { type: 'input', field: 'image', value: ' v1.5.0 ' }, { type: 'input', field: 'trafficSwitch', value: true });
    assert.deepEqual(validateInputs('deploy', s.inputs, context).request, { kind: 'deploy', image: 'v1.5.0', container: 'codeflow', trafficSwitch: true });
    assert.deepEqual(validateInputs('deploy', s.inputs, { ...context, targetGroups: [] }).request, { kind: 'deploy', image: 'v1.5.0', container: 'codeflow' });
  });

  it('rollback, restart and switch traffic need no typing', () => {
    assert.deepEqual(validateInputs('rollback', start('rollback').inputs, context).request, { kind: 'rollback' });
    assert.deepEqual(validateInputs('restart', start('restart').inputs, context).request, { kind: 'restart' });
    assert.deepEqual(validateInputs('switch-traffic', start('switch-traffic').inputs, context).request, { kind: 'switch-traffic', targetGroup: 'codeflow-green' });
    assert.match(validateInputs('switch-traffic', initialDialogState('switch-traffic', { ...context, targetGroups: [] }, 'k').inputs, context).issues.targetGroup!, /no second target group/);
  });
});

describe('the action dialog: messages stay current', () => {
  it('fixing the value clears its message', () => {
    let s = typed('scale', 'desiredCount', '101');
    assert.equal(messagesOf(s, 'scale').desiredCount, '101 is above the limit of 100 tasks');
    s = run(s, { type: 'input', field: 'desiredCount', value: '100' });
    assert.equal(messagesOf(s, 'scale').desiredCount, undefined);
  });

  it("the server's field messages land on their fields, request. prefix or not, and last only while the field holds the value it saw", () => {
    let s = run(start('scale'), { type: 'input', field: 'desiredCount', value: '40' });
    const values = fieldValues(s);
    s = run(s, { type: 'refused', fields: [{ path: 'request.desiredCount', message: '40 is above the limit of 30 tasks' }, { path: 'incidentId', message: 'no incident INC-9 exists' }], values });
    assert.deepEqual(messagesOf(s, 'scale'), { desiredCount: '40 is above the limit of 30 tasks', incidentId: 'no incident INC-9 exists' });
    s = run(s, { type: 'input', field: 'desiredCount', value: '30' }, { type: 'confirm', field: 'incidentId', value: 'INC-1' });
    assert.deepEqual(messagesOf(s, 'scale'), {}, 'both fixed, both gone');
    s = run(s, { type: 'input', field: 'desiredCount', value: '40' });
    assert.equal(messagesOf(s, 'scale').desiredCount, '40 is above the limit of 30 tasks', 'the value the server refused is still refused');
  });

  it('a message is about the value that was sent, not one typed while the request was on its way', () => {
    const sent = fieldValues(typed('scale', 'desiredCount', '40'));
    const s = run(typed('scale', 'desiredCount', '4'), { type: 'refused', fields: [{ path: 'desiredCount', message: '40 is above the limit of 30 tasks' }], values: sent });
    assert.equal(messagesOf(s, 'scale').desiredCount, undefined);
  });

  it('a plan the server accepted clears what it said before; a later refusal replaces it', () => {
    let s = typed('scale', 'desiredCount', '40');
    s = run(s, { type: 'refused', fields: [{ path: 'desiredCount', message: 'x' }], values: fieldValues(s) });
    assert.deepEqual(run(s, { type: 'planned', plan: plan('f1'), freshKey: 'key-2' }).serverIssues, {});
    assert.deepEqual(run(s, { type: 'refused', fields: [], values: fieldValues(s) }).serverIssues, {});
  });

  it('server paths the dialog has no field for are named in its error panel instead', () => {
    assert.equal(dialogFieldOf('request.desiredCount'), 'desiredCount');
    assert.equal(dialogFieldOf('role'), null);
    const shown = fieldsShown('scale', context);
    assert.deepEqual(
      unplacedIssues([{ path: 'desiredCount', message: 'a' }, { path: 'role', message: 'b' }, { path: 'image', message: 'c' }], shown).map((f) => f.path),
      ['role', 'image'],
    );
    assert.equal(fieldsShown('deploy', { ...context, containers: context.containers.slice(1) }).has('container'), false, 'one container: no container select');
    assert.equal(fieldsShown('deploy', context).has('container'), true);
  });
});

describe('the action dialog: plans and keys', () => {
  it('a rollback plan preselects the previous completed revision once; a new plan gets a new key', () => {
    const candidates = [
      { arn: 'arn:td/codeflow:2', image: 'x', preselected: false },
      { arn: 'arn:td/codeflow:1', image: 'y', preselected: true },
    ] as Plan['rollbackCandidates'];
    let s = run(start('rollback'), { type: 'planned', plan: plan('f1', { rollbackCandidates: candidates }), freshKey: 'key-2' });
    assert.equal(s.inputs.revision, 'arn:td/codeflow:1');
    assert.equal(s.idempotencyKey, 'key-1', 'the first plan keeps the dialog key');
    s = run(s, { type: 'input', field: 'revision', value: 'arn:td/codeflow:2' }, { type: 'planned', plan: plan('f2', { rollbackCandidates: candidates }), freshKey: 'key-3' });
    assert.equal(s.inputs.revision, 'arn:td/codeflow:2', 'a picked revision is kept');
    assert.equal(s.idempotencyKey, 'key-3');
    assert.deepEqual(s.candidates, candidates);
    assert.deepEqual(run(s, { type: 'planned', plan: plan('f3'), freshKey: 'key-5' }).candidates, candidates, 'a plan without candidates keeps the ones offered');
    assert.equal(run(s, { type: 'planned', plan: plan('f2'), freshKey: 'key-4' }).idempotencyKey, 'key-3', 'the same plan again replays');
  });

  it('the plan on screen is current only for the inputs it was made from', () => {
    const p = plan('f1', { rollbackCandidates: [{ arn: 'arn:1', image: 'y', preselected: true }] as Plan['rollbackCandidates'] });
    assert.equal(isPlanCurrent('scale', { kind: 'scale', desiredCount: 4 }, p, { kind: 'scale', desiredCount: 4 }, null), true);
    assert.equal(isPlanCurrent('scale', { kind: 'scale', desiredCount: 4 }, p, { kind: 'scale', desiredCount: 5 }, null), false);
    assert.equal(isPlanCurrent('scale', { kind: 'scale', desiredCount: 4 }, p, null, null), false, 'an emptied field has no plan');
    assert.equal(isPlanCurrent('rollback', { kind: 'rollback' }, p, { kind: 'rollback', revision: 'arn:1' }, 'arn:1'), true, 'the preselection is what was planned');
    assert.equal(isPlanCurrent('rollback', { kind: 'rollback' }, p, { kind: 'rollback', revision: 'arn:2' }, 'arn:2'), false);
  });

  it('"Try again" only for failures that may pass by themselves, never for bad input', () => {
    assert.equal(isRetryable(new ApiError(400, 'invalid', 'desiredCount: 101 is above the limit of 100 tasks', undefined, { subCode: 'invalid' })), false);
    assert.equal(isRetryable(new ApiError(409, 'conflict', 'locked', undefined, { subCode: 'locked' })), false);
    assert.equal(isRetryable(new ApiError(0, 'network', 'unreachable')), true);
    assert.equal(isRetryable(new ApiError(429, 'rate_limited', 'slow down')), true);
    assert.equal(isRetryable(new ApiError(503, 'unavailable', 'AWS is unreachable')), true);
  });
});
