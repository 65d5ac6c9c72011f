/**
 * Blue/green by listener switch against the real sandbox (frozen clock, advanced by the tests) and a
 * fresh database per test (PGlite, and PostgreSQL when TEST_DATABASE_URL reaches one). The fleet's
 * production codeflow-service runs ROLLING behind codeflow-alb :443, which forwards to
 * codeflow-blue (100) and codeflow-green (0).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeServices } from '../aws/ecs';
import { testClients } from '../aws/testing/fixtures';
import { describeListeners, describeTargetGroups, describeTargetHealth } from '../aws/elbv2';
import type { CurrentUser } from '../auth/identity';
import { auditLog } from '../db/schema';
import { describeTargets } from '../db/test-targets';
import { isAppError } from '../errors';
import { planRequestSchema } from '../api/operations/schemas';
import type { OpsContext } from './context';
import { lockHolder } from './lock';
import { planOperation } from './plan';
import { approveOperation, rollbackFromProposal, submitOperation } from './pipeline';
import type { PolicyConfig } from './policy-config';
import { getOperation } from './store';
import { verifyStep } from './verify';
import type { Operation, PlanRequest } from './types';
import { quickPolicy, testUser, useOpsSandbox, TEST_PLACE } from './testing/harness';

const user = testUser;
const alice = user('alice');
const bob = user('bob');

const CLUSTER = 'codeflow-cluster';
const SERVICE = 'codeflow-service';

const testPolicy = (onTrigger: 'notify' | 'propose' | 'rollback' = 'rollback', approval = false): PolicyConfig =>
  quickPolicy((envs) => {
    envs.production!.onTrigger = onTrigger;
    if (!approval) envs.production!.approvalFor = [];
  });

let key = 0;
const newKey = () => `bg-key-${process.pid}-${++key}`;

describeTargets('lib/ops blue/green by listener switch', (target) => {
  let ctx: OpsContext;
  const sandbox = useOpsSandbox(target, { maxConnections: 10, policy: testPolicy, onContext: (c) => (ctx = c) });
  const { calls, advance } = sandbox;

  /** codeflow-alb's :443 listener, its groups by name, and each group's healthy/total targets. */
  async function traffic() {
    const groups = await describeTargetGroups(ctx.aws, {});
    const blue = groups.find((g) => g.name === 'codeflow-blue')!;
    const green = groups.find((g) => g.name === 'codeflow-green')!;
    const listener = (await describeListeners(ctx.aws, blue.loadBalancerArns[0]!)).find((l) => l.port === 443)!;
    const weight = (arn: string) => listener.forwards.find((f) => f.targetGroupArn === arn)?.weight ?? 0;
    const health = async (arn: string) => {
      const t = await describeTargetHealth(ctx.aws, arn);
      return { healthy: t.filter((x) => x.state === 'healthy').length, total: t.length };
    };
    return { blue: { arn: blue.arn, weight: weight(blue.arn), ...(await health(blue.arn)) }, green: { arn: green.arn, weight: weight(green.arn), ...(await health(green.arn)) } };
  }

  /**
   * Steps the operation (advancing the sandbox `seconds` between steps) until it finishes; after
   * every step, the group the listener sends traffic to must have healthy targets.
   */
  async function stepUntilDone(id: string, seconds = 5, maxSteps = 200): Promise<{ op: Operation; emptyLive: number }> {
    let emptyLive = 0;
    for (let i = 0; i < maxSteps; i++) {
      const op = await verifyStep(ctx, id);
      const t = await traffic();
      const live = t.blue.weight > 0 ? t.blue : t.green;
      if (live.healthy === 0) emptyLive++;
      if (!['verifying', 'executing', 'paused', 'outcome_unknown'].includes(op.status)) return { op, emptyLive };
      await advance(seconds);
    }
    return { op: await getOperation(ctx.db, id), emptyLive };
  }

  async function submit(request: PlanRequest, u = alice) {
    const plan = await planOperation(ctx, CLUSTER, SERVICE, request, { role: u.role });
    const { operation } = await submitOperation(ctx, u, { cluster: CLUSTER, service: SERVICE, request, fingerprint: plan.fingerprint, confirmName: SERVICE, reason: 'release' }, newKey());
    return { plan, operation };
  }

  const audited = async () => (await ctx.db.select({ action: auditLog.action, outcome: auditLog.outcome, params: auditLog.params }).from(auditLog)).map((r) => ({ ...r, key: `${r.action}:${r.outcome}` }));

  it('plans revision A → B, the image diff and listener blue → green; refuses services it does not fit', async () => {
    const plan = await planOperation(ctx, CLUSTER, SERVICE, { kind: 'deploy', image: 'v1.5.0', trafficSwitch: true }, { role: 'operator' });
    assert.equal(plan.blocked, false, JSON.stringify(plan.guards));
    assert.match(plan.summary, /codeflow:1 → codeflow:\(new revision\).*listener codeflow-blue → codeflow-green/);
    assert.deepEqual(plan.imageDiff.map((d) => d.to.split(':').pop()), ['v1.5.0']);
    assert.ok(plan.changes.some((c) => c.label === 'Tasks register in' && c.from === 'codeflow-blue' && c.to === 'codeflow-green'));
    assert.ok(plan.changes.some((c) => c.label === 'Listener :443' && c.from === 'codeflow-blue 100 / codeflow-green 0' && c.to === 'codeflow-blue 0 / codeflow-green 100'));
    assert.equal(plan.listenerSwitch?.to.name, 'codeflow-green');
    assert.ok(plan.guards.some((g) => g.id === 'listener_switch' && g.status === 'ok'));
    assert.ok(plan.basis.listenerForwards?.length === 2, 'the listener split is part of the basis (a switch in between makes the plan stale)');
    // A rolling deploy's plan differs (its fingerprint too): the option is part of the request.
    const rolling = await planOperation(ctx, CLUSTER, SERVICE, { kind: 'deploy', image: 'v1.5.0' });
    assert.notEqual(rolling.fingerprint, plan.fingerprint);
    // One target group (staging) or ECS-native blue/green (checkout-api): 400 naming the field.
    await assert.rejects(planOperation(ctx, 'codeflow-staging', SERVICE, { kind: 'deploy', image: 'v2', trafficSwitch: true }), (e) => isAppError(e) && e.code === 'invalid' && /^trafficSwitch:/.test(e.message));
    assert.equal(planRequestSchema.safeParse({ kind: 'deploy', image: 'v2', trafficSwitch: true }).success, true);
    assert.equal(planRequestSchema.safeParse({ kind: 'scale', desiredCount: 2, trafficSwitch: true }).success, false, 'trafficSwitch applies to deploy and rollback only');
    assert.equal(planRequestSchema.safeParse({ kind: 'deploy', image: 'v2', trafficSwitch: 'yes' }).success, false);
    await assert.rejects(planOperation(ctx, 'codeflow-staging', 'checkout-api', { kind: 'deploy', image: 'v2', trafficSwitch: true }), (e) => isAppError(e) && e.code === 'invalid' && /^trafficSwitch:.*native blue\/green/.test(e.message));
  });

  it('a good image: one operation deploys to green, switches the listener once green is healthy, and leaves blue empty', async () => {
    const { plan, operation } = await submit({ kind: 'deploy', image: 'v1.5.0', trafficSwitch: true });
    assert.equal(operation.status, 'verifying');
    assert.match(operation.steps.find((s) => s.name === 'execute')!.detail ?? '', /tasks in codeflow-green/);
    let t = await traffic();
    assert.equal(t.blue.weight, 100, 'the listener does not move at execute');
    const { op, emptyLive } = await stepUntilDone(operation.id);
    assert.equal(op.status, 'succeeded', op.error ?? '');
    assert.equal(emptyLive, 0, 'the listener never sent traffic to a group without healthy targets');
    t = await traffic();
    assert.deepEqual([t.blue.weight, t.green.weight], [0, 100]);
    assert.equal(t.green.healthy, 3);
    assert.equal(t.blue.total, 0, 'the old group is empty');
    const [service] = await describeServices(ctx.aws, CLUSTER, [SERVICE]);
    assert.notEqual(service!.taskDefinitionArn, plan.basis.taskDefinitionArn);
    assert.equal(service!.loadBalancers[0]!.targetGroupArn, t.green.arn);
    assert.equal(await calls('elasticloadbalancing:ModifyListener'), 1);
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: CLUSTER, service: SERVICE }), null);
    const log = await audited();
    const modify = log.filter((r) => r.action === 'ops.deploy.modify-listener');
    assert.deepEqual(modify.map((r) => r.outcome), ['intent', 'success']);
    assert.ok(Number((modify[0]!.params as { healthyTargets?: number }).healthyTargets) >= 3, 'green had its 3 targets healthy when the switch was sent');
    assert.ok(log.some((r) => r.key === 'ops.verify:success'));
    assert.match(op.steps.find((s) => s.name === 'verify')!.detail ?? '', /forwards 100 % to codeflow-green/);
  });

  it('a bad image: never switched, the service is back on its old revision in blue, the listener unchanged', async () => {
    const { plan, operation } = await submit({ kind: 'deploy', image: 'v9.9.9-bad', trafficSwitch: true });
    const { op, emptyLive } = await stepUntilDone(operation.id);
    assert.equal(op.status, 'rolled_back', op.error ?? '');
    assert.match(op.error ?? '', /never switched/);
    assert.ok(op.triggers.some((x) => x.tripped));
    assert.equal(op.followUpOperationId, null, 'restored within the operation, not by a follow-up');
    assert.equal(emptyLive, 0);
    assert.equal(await calls('elasticloadbalancing:ModifyListener'), 0, 'the listener was never modified');
    const t = await traffic();
    assert.deepEqual([t.blue.weight, t.green.weight], [100, 0]);
    assert.equal(t.blue.healthy, 3);
    const [service] = await describeServices(ctx.aws, CLUSTER, [SERVICE]);
    assert.equal(service!.taskDefinitionArn, plan.basis.taskDefinitionArn);
    assert.equal(service!.loadBalancers[0]!.targetGroupArn, t.blue.arn);
    const log = await audited();
    assert.ok(log.some((r) => r.key === 'ops.deploy.restore-update-service:success'));
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: CLUSTER, service: SERVICE }), null);
  });

  it('a restore whose UpdateService gets no answer: read back once it lands, never sent twice, and still ends on blue', async () => {
    const { plan, operation } = await submit({ kind: 'deploy', image: 'v9.9.9-bad', trafficSwitch: true });
    const updatesBefore = await calls('ecs:UpdateService');
    // From now on AWS answers UpdateService after 3 s and Codeflow waits 0.6 s: the restore's call goes unanswered.
    ctx.aws = testClients(sandbox.url(), { callDeadlineMs: 600 });
    await fetch(`${sandbox.url()}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules: [{ service: 'ecs', operation: 'UpdateService', latencyMs: 3000 }] }) });
    let unanswered: Operation | null = null;
    for (let i = 0; i < 100 && !unanswered; i++) {
      const op = await verifyStep(ctx, operation.id);
      if (/did not get an answer/.test(op.steps.find((s) => s.name === 'verify')?.detail ?? '')) unanswered = op;
      else {
        assert.ok(['verifying', 'executing'].includes(op.status), `${op.status}: ${op.error}`);
        await advance(5);
      }
    }
    assert.ok(unanswered, 'the restore sent UpdateService and got no answer');
    assert.equal(unanswered.status, 'verifying', 'an unanswered restore is not a finished operation');
    await new Promise((r) => setTimeout(r, 3300)); // AWS applies it meanwhile
    await fetch(`${sandbox.url()}/_sandbox/faults`, { method: 'DELETE' });

    const { op, emptyLive } = await stepUntilDone(operation.id);
    assert.equal(op.status, 'rolled_back', op.error ?? '');
    assert.equal(emptyLive, 0, 'traffic never went to a group without healthy targets');
    assert.equal(await calls('ecs:UpdateService'), updatesBefore + 1, 'the restore was read back, not sent again');
    const t = await traffic();
    assert.deepEqual([t.blue.weight, t.green.weight], [100, 0]);
    const [service] = await describeServices(ctx.aws, CLUSTER, [SERVICE]);
    assert.equal(service!.taskDefinitionArn, plan.basis.taskDefinitionArn);
    assert.equal(service!.loadBalancers[0]!.targetGroupArn, t.blue.arn);
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: CLUSTER, service: SERVICE }), null);
  });

  it('a slow image trips p95 after the switch: switched back, the listener on blue with healthy targets (policy rollback)', async () => {
    const { plan, operation } = await submit({ kind: 'deploy', image: 'v1.5.0-slow', trafficSwitch: true });
    const { op, emptyLive } = await stepUntilDone(operation.id);
    assert.equal(op.status, 'rolled_back', op.error ?? '');
    const p95 = op.triggers.find((x) => x.id === 'p95_latency')!;
    assert.ok(p95.tripped && (p95.value ?? 0) > 500, JSON.stringify(op.triggers));
    assert.match(op.error ?? '', /after the switch.*Restored/);
    assert.equal(emptyLive, 0, 'traffic stayed on a group with healthy targets while switching back');
    assert.equal(await calls('elasticloadbalancing:ModifyListener'), 2, 'switched, then switched back');
    const t = await traffic();
    assert.deepEqual([t.blue.weight, t.green.weight], [100, 0]);
    assert.equal(t.blue.healthy, 3);
    const [service] = await describeServices(ctx.aws, CLUSTER, [SERVICE]);
    assert.equal(service!.taskDefinitionArn, plan.basis.taskDefinitionArn);
    assert.equal(service!.loadBalancers[0]!.targetGroupArn, t.blue.arn);
    const keys = (await audited()).map((r) => r.key);
    for (const k of ['ops.deploy.modify-listener:success', 'ops.deploy.restore-update-service:success', 'ops.deploy.restore-modify-listener:success', 'ops.verify:failure']) assert.ok(keys.includes(k), k);
  });

  it('policy propose: a tripped trigger proposes; the one-click rollback goes back to blue by listener switch', async () => {
    ctx.policy = testPolicy('propose');
    const { plan, operation } = await submit({ kind: 'deploy', image: 'v1.5.1-slow', trafficSwitch: true });
    const { op } = await stepUntilDone(operation.id);
    assert.equal(op.status, 'failed', op.error ?? '');
    assert.equal(op.rollbackProposed, true);
    let t = await traffic();
    assert.equal(t.green.weight, 100, 'propose leaves traffic where it is (on healthy targets) until someone decides');
    const { operation: rb } = await rollbackFromProposal(ctx, bob, op.id, { confirmName: SERVICE, reason: 'p95' }, newKey());
    assert.equal(rb.kind, 'rollback');
    assert.equal(rb.plan.listenerSwitch?.to.name, 'codeflow-blue');
    const done = await stepUntilDone(rb.id);
    assert.equal(done.op.status, 'succeeded', done.op.error ?? '');
    assert.equal(done.emptyLive, 0);
    t = await traffic();
    assert.deepEqual([t.blue.weight, t.green.weight], [100, 0]);
    const [service] = await describeServices(ctx.aws, CLUSTER, [SERVICE]);
    assert.equal(service!.taskDefinitionArn, plan.basis.taskDefinitionArn);
  });

  it('production with approval: waits for a second operator, then runs the same stages', async () => {
    ctx.policy = testPolicy('rollback', true);
    const { operation } = await submit({ kind: 'deploy', image: 'v1.5.0', trafficSwitch: true });
    assert.equal(operation.status, 'awaiting_approval');
    assert.equal(await calls('ecs:UpdateService'), 0);
    const approved = await approveOperation(ctx, bob, operation.id, 'ok');
    assert.equal(approved.status, 'verifying');
    const { op } = await stepUntilDone(operation.id, 15);
    assert.equal(op.status, 'succeeded', op.error ?? '');
    assert.equal((await traffic()).green.weight, 100);
  });
});
