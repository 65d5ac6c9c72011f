/**
 * Alarm changes (guide §4.1) through the guarded-action pipeline, against the sandbox's CloudWatch
 * and a fresh database per test (PGlite, and PostgreSQL when TEST_DATABASE_URL reaches one).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { eq } from 'drizzle-orm';
import { describeAlarms, putMetricAlarm, getAlarm } from '../aws/cloudwatch';
import { updateService } from '../aws/ecs';
import type { CurrentUser } from '../auth/identity';
import { auditLog } from '../db/schema';
import { describeTargets } from '../db/test-targets';
import { isAppError } from '../errors';
import { AWS_CLI_MISSING, awsCli, awsCliAvailable } from '../../sandbox/testing/aws-cli';
import { alarmsNotApplied, definitionOf } from './alarms';
import type { OpsContext } from './context';
import { planRequestSchema } from './contract';
import { planOperation } from './plan';
import { approveOperation, submitOperation } from './pipeline';
import { getOperation } from './store';
import type { PlanRequest } from './types';
import { verifyStep } from './verify';
import { quickPolicy, testUser, useOpsSandbox } from './testing/harness';

const alice = testUser('alice');
const bob = testUser('bob');
const viewer = testUser('vera', 'viewer');
const responder = testUser('rory', 'responder');
const CLUSTER = 'codeflow-cluster';
const SERVICE = 'codeflow-service';

const cliAvailable = await awsCliAvailable();
let key = 0;
const newKey = () => `alarm-key-${process.pid}-${++key}`;

describeTargets('lib/ops alarms', (target) => {
  let ctx: OpsContext;
  const sandbox = useOpsSandbox(target, { maxConnections: 10, policy: () => quickPolicy(), onContext: (c) => (ctx = c) });
  const cloudwatchWrites = async () => (await sandbox.calls('monitoring:PutMetricAlarm')) + (await sandbox.calls('monitoring:DeleteAlarms')) + (await sandbox.calls('monitoring:EnableAlarmActions')) + (await sandbox.calls('monitoring:DisableAlarmActions'));

  async function submit(u: CurrentUser, request: PlanRequest, service = SERVICE) {
    const plan = await planOperation(ctx, CLUSTER, service, request, { role: u.role });
    return { plan, result: await submitOperation(ctx, u, { cluster: CLUSTER, service, request, fingerprint: plan.fingerprint, confirmName: service, reason: 'guide §4.1' }, newKey()) };
  }

  async function untilDone(id: string) {
    for (let i = 0; i < 20; i++) {
      const op = await verifyStep(ctx, id);
      if (!['verifying', 'executing', 'outcome_unknown'].includes(op.status)) return op;
      await sandbox.advance(5);
    }
    return getOperation(ctx.db, id);
  }

  it('the recommended set: one plan lists every alarm with its command, one operation creates them, CloudWatch shows them, and a second plan has nothing to do', async () => {
    const plan = await planOperation(ctx, CLUSTER, SERVICE, { kind: 'alarms', alarms: { recommended: true } }, { role: 'operator' });
    const items = plan.alarms!.items;
    assert.deepEqual(items.map((i) => [i.name, i.action]), [
      ['codeflow-cluster-codeflow-service-HighCPU', 'create'],
      ['codeflow-cluster-codeflow-service-HighMemory', 'create'],
      ['codeflow-cluster-codeflow-service-HighLatency', 'create'],
      ['codeflow-cluster-codeflow-service-5xxRate', 'create'],
      ['codeflow-cluster-codeflow-service-RollbackTrigger-Latency', 'create'],
      ['codeflow-cluster-codeflow-service-RollbackTrigger-5xx', 'create'],
    ]);
    assert.equal(plan.summary, 'Change the alarms of codeflow-service: 6 created');
    assert.match(items[0]!.command!, /^aws cloudwatch put-metric-alarm --alarm-name codeflow-cluster-codeflow-service-HighCPU .*--namespace AWS\/ECS --metric-name CPUUtilization --statistic Average --period 300 --dimensions Name=ClusterName,Value=codeflow-cluster Name=ServiceName,Value=codeflow-service --threshold 70 --comparison-operator GreaterThanThreshold --evaluation-periods 1 --region us-east-1$/);
    assert.match(items[2]!.command!, /--extended-statistic p95 --period 60 --dimensions Name=LoadBalancer,Value=app\/\S+ Name=TargetGroup,Value=targetgroup\/\S+ --threshold 0\.2 .*--evaluation-periods 3 --datapoints-to-alarm 2 --treat-missing-data notBreaching/);
    assert.match(items[5]!.command!, /--metrics '\[.*FILL\(m1, 0\) \/ m2 \* 100.*\]' --threshold 5 /, 'the rollback trigger comes from the policy (5xx > 5 %)');
    assert.equal(plan.requiresApproval, false, 'production asks a second operator for deploys only by default');

    const before = await cloudwatchWrites();
    const { result } = await submit(alice, { kind: 'alarms', alarms: { recommended: true } });
    const op = await untilDone(result.operation.id);
    assert.equal(op.status, 'succeeded', `${op.error ?? ''} ${JSON.stringify(await alarmsNotApplied(ctx, op.plan.target!.alarms!))}`);
    assert.equal((await cloudwatchWrites()) - before, 6, 'one PutMetricAlarm per alarm, nothing else');
    const made = await describeAlarms(ctx.aws, { prefix: 'codeflow-cluster-codeflow-service-' });
    assert.equal(made.length, 6);
    const cpu = made.find((a) => a.name === 'codeflow-cluster-codeflow-service-HighCPU')!;
    assert.equal(cpu.threshold, 70);
    assert.equal(cpu.evaluationPeriods, 1);
    const audit = await ctx.db.select().from(auditLog).where(eq(auditLog.action, 'ops.alarms.put-metric-alarm'));
    assert.equal(audit.filter((a) => a.outcome === 'success').length, 6, 'each call audited, intent and outcome');

    const again = await planOperation(ctx, CLUSTER, SERVICE, { kind: 'alarms', alarms: { recommended: true } }, { role: 'operator' });
    assert.ok(again.alarms!.items.every((i) => i.action === 'unchanged'));
    assert.equal(again.blocked, true);
    await assert.rejects(submit(alice, { kind: 'alarms', alarms: { recommended: true } }), (e) => isAppError(e) && e.code === 'invalid' && /already as asked/.test(e.message));

    // The same service name in another cluster of this account and Region gets its own set, not a clash.
    const staging = await planOperation(ctx, 'codeflow-staging', SERVICE, { kind: 'alarms', alarms: { recommended: true } }, { role: 'operator' });
    assert.deepEqual(staging.alarms!.items.map((i) => [i.name, i.action]).slice(0, 2), [['codeflow-staging-codeflow-service-HighCPU', 'create'], ['codeflow-staging-codeflow-service-HighMemory', 'create']]);
  });

  it('editing the guide\'s Codeflow-HighCPU: the plan names what changes, fills the evaluation periods the guide leaves out and says so, and keeps its actions', async () => {
    const before = definitionOf((await getAlarm(ctx.aws, 'Codeflow-HighCPU'))!);
    const request: PlanRequest = {
      kind: 'alarms',
      alarms: { put: [{ name: 'Codeflow-HighCPU', metric: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: [{ name: 'ClusterName', value: CLUSTER }, { name: 'ServiceName', value: SERVICE }], statistic: 'Average', period: 300 }, threshold: 70, comparison: 'GreaterThanThreshold' }] },
    };
    const { plan, result } = await submit(alice, request);
    const [item] = plan.alarms!.items;
    assert.equal(item!.action, 'update');
    assert.deepEqual(item!.differences, ['threshold 80 → 70']);
    assert.match(plan.alarms!.notes.join(' '), /Codeflow-HighCPU: no evaluation periods given; CloudWatch requires them \(the guide's §4\.1 command leaves them out\), so 1 is used/);
    assert.equal((await untilDone(result.operation.id)).status, 'succeeded');
    const after = definitionOf((await getAlarm(ctx.aws, 'Codeflow-HighCPU'))!);
    assert.equal(after.threshold, 70);
    assert.equal(after.description, before.description, 'what the change leaves out keeps its value');
    assert.deepEqual(after.alarmActions, before.alarmActions);
  });

  it('actions off, then the alarm deleted: each its own call, verified from CloudWatch', async () => {
    const off = await submit(alice, { kind: 'alarms', alarms: { disableActions: ['Codeflow-HighLatency'] } });
    assert.deepEqual(off.plan.alarms!.items[0]!.differences, ['actions on → off']);
    assert.equal(off.plan.alarms!.items[0]!.command, 'aws cloudwatch disable-alarm-actions --alarm-names Codeflow-HighLatency --region us-east-1');
    assert.equal((await untilDone(off.result.operation.id)).status, 'succeeded');
    assert.equal((await getAlarm(ctx.aws, 'Codeflow-HighLatency'))!.actionsEnabled, false);
    const gone = await submit(alice, { kind: 'alarms', alarms: { delete: ['Codeflow-HighLatency'] } });
    assert.equal((await untilDone(gone.result.operation.id)).status, 'succeeded');
    assert.equal(await getAlarm(ctx.aws, 'Codeflow-HighLatency'), null);
  });

  it('an environment whose policy asks a second operator for alarm changes holds them for approval; nothing is sent until another operator approves', async () => {
    ctx.policy.environments.production!.approvalFor = ['deploy', 'alarms'];
    const before = await cloudwatchWrites();
    const { plan, result } = await submit(alice, { kind: 'alarms', alarms: { disableActions: ['Codeflow-HighCPU'] } });
    assert.equal(plan.requiresApproval, true);
    assert.equal(result.operation.status, 'awaiting_approval');
    assert.equal(await cloudwatchWrites(), before, 'nothing sent while it waits');
    await assert.rejects(approveOperation(ctx, alice, result.operation.id), (e) => isAppError(e) && e.code === 'forbidden');
    await approveOperation(ctx, bob, result.operation.id, 'agreed: it pages for nothing');
    assert.equal((await untilDone(result.operation.id)).status, 'succeeded');
    assert.equal((await getAlarm(ctx.aws, 'Codeflow-HighCPU'))!.actionsEnabled, false);
    assert.equal((await cloudwatchWrites()) - before, 1);
  });

  it('refusals change nothing: a viewer and a responder get 403, another service\'s metrics or alarms and unknown alarms are 400 naming the field', async () => {
    const before = await cloudwatchWrites();
    for (const who of [viewer, responder]) {
      await assert.rejects(submit(who, { kind: 'alarms', alarms: { recommended: true } }), (e) => isAppError(e) && e.code === 'forbidden' && /alarms\.write needs operator/.test(e.message));
    }
    const foreign: PlanRequest = { kind: 'alarms', alarms: { put: [{ name: 'sneaky', metric: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: [{ name: 'ClusterName', value: CLUSTER }, { name: 'ServiceName', value: 'payments-api' }], statistic: 'Average', period: 60 }, threshold: 1, comparison: 'GreaterThanThreshold', evaluationPeriods: 1 }] } };
    await assert.rejects(planOperation(ctx, CLUSTER, SERVICE, foreign), (e) => isAppError(e) && e.code === 'invalid' && e.fields?.[0]?.path === 'alarms.put.0.metric' && /not codeflow-service's/.test(e.message));
    await assert.rejects(planOperation(ctx, CLUSTER, SERVICE, { kind: 'alarms', alarms: { delete: ['payments-api-HighLatency'] } }), (e) => isAppError(e) && e.fields?.[0]?.path === 'alarms.delete.0' && /does not watch codeflow-service's metrics/.test(e.message));
    await assert.rejects(planOperation(ctx, CLUSTER, SERVICE, { kind: 'alarms', alarms: { enableActions: ['no-such-alarm'] } }), (e) => isAppError(e) && /CloudWatch has no alarm named "no-such-alarm"/.test(e.message));
    // Taking over another service's alarm by its name is refused too.
    const hijack: PlanRequest = { kind: 'alarms', alarms: { put: [{ name: 'payments-api-HighLatency', metric: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: [{ name: 'ClusterName', value: CLUSTER }, { name: 'ServiceName', value: SERVICE }], statistic: 'Average', period: 60 }, threshold: 1, comparison: 'GreaterThanThreshold', evaluationPeriods: 1 }] } };
    await assert.rejects(planOperation(ctx, CLUSTER, SERVICE, hijack), (e) => isAppError(e) && /already exists and watches another service's metrics/.test(e.message));
    // A name of the recommended set already taken by another service's alarm: the refusal names `recommended`.
    await putMetricAlarm(ctx.aws, { name: 'codeflow-cluster-codeflow-service-HighCPU', metric: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: [{ name: 'ClusterName', value: CLUSTER }, { name: 'ServiceName', value: 'payments-api' }], statistic: 'Average', period: 60 }, threshold: 1, comparison: 'GreaterThanThreshold', evaluationPeriods: 1 });
    await assert.rejects(planOperation(ctx, CLUSTER, SERVICE, { kind: 'alarms', alarms: { recommended: true } }), (e) => isAppError(e) && e.fields?.[0]?.path === 'alarms.recommended' && /rename or delete it to use the recommended set/.test(e.message));
    assert.equal(await cloudwatchWrites(), before + 1, 'only the test\'s own PutMetricAlarm');
  });

  it('an alarm changed in CloudWatch after planning makes the plan stale (409 naming it); a deployment in between does not', async () => {
    const request: PlanRequest = { kind: 'alarms', alarms: { disableActions: ['Codeflow-HighCPU'] } };
    const plan = await planOperation(ctx, CLUSTER, SERVICE, request, { role: 'operator' });
    const cpu = definitionOf((await getAlarm(ctx.aws, 'Codeflow-HighCPU'))!);
    // Another operator scales the service meanwhile: not what this plan rests on.
    const moved = await planOperation(ctx, CLUSTER, SERVICE, request, { role: 'operator' });
    await updateService(ctx.aws, { cluster: CLUSTER, service: SERVICE, desiredCount: 7 });
    assert.equal((await planOperation(ctx, CLUSTER, SERVICE, request, { role: 'operator' })).fingerprint, moved.fingerprint, 'a scale in between leaves an alarms plan current');
    await putMetricAlarm(ctx.aws, { ...cpu, threshold: 95 });
    await assert.rejects(
      submitOperation(ctx, alice, { cluster: CLUSTER, service: SERVICE, request, fingerprint: plan.fingerprint, confirmName: SERVICE, reason: 'x' }, newKey()),
      (e) => isAppError(e) && e.code === 'conflict' && /alarm Codeflow-HighCPU changed in CloudWatch since you planned/.test(e.message),
    );
  });

  it('the request is checked as CloudWatch checks PutMetricAlarm: bad periods, statistics, names and mixes are 400s naming the field', () => {
    const base = { name: 'x', metric: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: [], statistic: 'Average', period: 300 }, threshold: 1, comparison: 'GreaterThanThreshold' };
    const issues = (alarms: unknown) => {
      const r = planRequestSchema.safeParse({ kind: 'alarms', alarms });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    assert.match(issues({ put: [{ ...base, metric: { ...base.metric, period: 45 } }] }).join(), /alarms\.put\.0\.metric\.period: period must be 10, 20, 30 or a multiple of 60/);
    assert.match(issues({ put: [{ ...base, metric: { ...base.metric, statistic: 'Median' } }] }).join(), /statistic must be one of/);
    assert.match(issues({ put: [{ ...base, name: ' padded' }] }).join(), /no leading or trailing spaces/);
    assert.match(issues({ put: [{ ...base, evaluationPeriods: 1, datapointsToAlarm: 3 }] }).join(), /datapointsToAlarm \(3\) cannot exceed evaluationPeriods \(1\)/);
    assert.match(issues({ put: [base], delete: ['x'] }).join(), /alarm "x" is both put and deleted/);
    assert.match(issues({}).join(), /say what to change/);
    assert.match(issues({ put: [{ ...base, threshold: 'high' }] }).join(), /threshold is a number/);
    assert.equal(planRequestSchema.safeParse({ kind: 'scale', desiredCount: 1, alarms: { recommended: true } }).success, false);
    assert.deepEqual(issues({ recommended: true }), []);
  });
});

describeTargets('lib/ops alarms: the plan\'s AWS CLI commands', (target) => {
  let ctx: OpsContext;
  const sandbox = useOpsSandbox(target, { maxConnections: 5, policy: () => quickPolicy(), onContext: (c) => (ctx = c) });

  it('run with the real AWS CLI, the commands a plan shows make exactly the change the operation would', { skip: cliAvailable ? false : AWS_CLI_MISSING }, async () => {
    const { shell } = awsCli(sandbox.url());
    const request: PlanRequest = { kind: 'alarms', alarms: { recommended: true, disableActions: ['Codeflow-HighLatency'], delete: ['Codeflow-HighMemory'] } };
    const plan = await planOperation(ctx, CLUSTER, SERVICE, request, { role: 'operator' });
    const commands = plan.alarms!.items.map((i) => i.command).filter((c): c is string => c !== null);
    assert.equal(commands.length, 8);
    assert.notEqual((await alarmsNotApplied(ctx, plan.target!.alarms!)).length, 0, 'before: none of it is there');
    for (const command of commands) await shell(command);
    assert.deepEqual(await alarmsNotApplied(ctx, plan.target!.alarms!), [], 'after the CLI: CloudWatch shows exactly what the operation verifies');
  });
});
