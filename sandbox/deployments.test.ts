/**
 * Guarded actions' AWS side in the sandbox, driven as Codeflow drives it (lib/aws over the wire,
 * the admin API for the clock): task definition revisions kept and listed, StopServiceDeployment,
 * forced deployments, native BLUE_GREEN with lifecycle stages and a PAUSE hook, and the guide's
 * blue/green by listener switch with real target health.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { DeregisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { isAppError } from '../lib/errors';
import type { AwsClients } from '../lib/aws/client';
import {
  continueServiceDeployment,
  describeServiceDeployments,
  describeServiceRevisions,
  describeServices,
  describeTaskDefinition,
  listServiceDeployments,
  listTaskDefinitionRevisions,
  registerTaskDefinition,
  stopServiceDeployment,
  updateService,
} from '../lib/aws/ecs';
import { describeListeners, describeLoadBalancers, describeTargetGroups, describeTargetHealth, modifyListenerForward } from '../lib/aws/elbv2';
import { getMetricData } from '../lib/aws/cloudwatch';
import { testClients } from '../lib/aws/testing/fixtures';
import { startSandbox, type RunningSandbox } from './server';

const START = Date.parse('2026-11-27T00:00:00Z');
const PROD = 'codeflow-cluster';
const STAGING = 'codeflow-staging';

let running: RunningSandbox;
let aws: AwsClients;

async function advance(seconds: number): Promise<number> {
  const res = await fetch(`${running.url}/_sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds }) });
  assert.equal(res.status, 200);
  return Date.parse(((await res.json()) as { now: string }).now);
}

/** Advances in steps until `done` holds (the scheduler acts every simulated second). */
async function advanceUntil(done: () => Promise<boolean>, what: string, stepSeconds = 5, maxSeconds = 1800): Promise<void> {
  for (let waited = 0; waited <= maxSeconds; waited += stepSeconds) {
    if (await done()) return;
    await advance(stepSeconds);
  }
  assert.fail(`not reached within ${maxSeconds} simulated seconds: ${what}`);
}

async function deploymentOf(cluster: string, service: string, taskDefinitionArn: string) {
  const records = await listServiceDeployments(aws, cluster, service);
  const [svc] = await describeServices(aws, cluster, [service]);
  const primary = svc!.deployments.find((d) => d.taskDefinitionArn === taskDefinitionArn);
  assert.ok(primary, `a deployment of ${taskDefinitionArn}`);
  const [latest] = await describeServiceDeployments(aws, [records[0]!.arn]);
  return latest!;
}

const describe1 = async (arn: string) => (await describeServiceDeployments(aws, [arn]))[0]!;
const healthyIn = async (groupArn: string) => (await describeTargetHealth(aws, groupArn)).filter((t) => t.state === 'healthy').length;

async function newRevision(cluster: string, service: string, image: string) {
  const [svc] = await describeServices(aws, cluster, [service]);
  const td = await describeTaskDefinition(aws, svc!.taskDefinitionArn);
  return registerTaskDefinition(aws, { baseTaskDefinitionArn: td.arn, images: { [td.containers[0]!.name]: image } });
}

async function groupsByName() {
  const groups = await describeTargetGroups(aws);
  return new Map(groups.map((g) => [g.name, g.arn]));
}

describe('sandbox: guarded actions on ECS and ELB', { timeout: 240_000 }, () => {
  beforeEach(async () => {
    await running?.close();
    running = await startSandbox({ seed: 42, speed: 0, startTime: START });
    aws = testClients(running.url);
  });
  after(async () => {
    await running?.close();
  });

  it('keeps revisions, lists them newest first, and deregistering marks INACTIVE without stopping what runs it', async () => {
    const first = await listTaskDefinitionRevisions(aws, 'payments-api');
    assert.ok(first.length >= 2);
    assert.deepEqual(first.map((r) => r.revision), [...first.map((r) => r.revision)].sort((a, b) => b - a), 'newest first');
    assert.ok(first.every((r) => r.family === 'payments-api'));
    assert.equal((await listTaskDefinitionRevisions(aws, 'payments-api', { max: 1 })).length, 1);
    // An exact family: codeflow does not list codeflow-worker's revisions.
    assert.ok((await listTaskDefinitionRevisions(aws, 'codeflow')).every((r) => r.family === 'codeflow'));

    const [svc] = await describeServices(aws, PROD, ['payments-api']);
    const running0 = svc!.taskDefinitionArn;
    const older = first.find((r) => r.arn !== running0)!;
    for (const arn of [older.arn, running0]) await aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    const active = await listTaskDefinitionRevisions(aws, 'payments-api');
    const inactive = await listTaskDefinitionRevisions(aws, 'payments-api', { status: 'INACTIVE' });
    assert.deepEqual(inactive.map((r) => r.arn).sort(), [older.arn, running0].sort());
    assert.ok(!active.some((r) => r.arn === older.arn));
    assert.equal((await describeTaskDefinition(aws, older.arn)).status, 'INACTIVE', 'still describable');

    // The service keeps running its now INACTIVE revision, can scale and restart on it, but cannot be pointed at another INACTIVE one.
    await advance(30);
    const [after1] = await describeServices(aws, PROD, ['payments-api']);
    assert.equal(after1!.taskDefinitionArn, running0);
    assert.equal(after1!.runningCount, after1!.desiredCount);
    await updateService(aws, { cluster: PROD, service: 'payments-api', forceNewDeployment: true });
    await assert.rejects(updateService(aws, { cluster: PROD, service: 'payments-api', taskDefinition: older.arn }), (e) => isAppError(e) && e.code === 'invalid' && /inactive/i.test(e.message));
    await assert.rejects(
      aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'payments-api' })),
      (e: Error) => e.name === 'ClientException' && /revision/.test(e.message),
    );
  });

  it('rolls a rolling deployment back with StopServiceDeployment; a repeat is harmless; a finished one is a conflict', async () => {
    const [before] = await describeServices(aws, PROD, ['codeflow-service']);
    const next = await newRevision(PROD, 'codeflow-service', `123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.5.0`);
    await updateService(aws, { cluster: PROD, service: 'codeflow-service', taskDefinition: next.arn });
    await advance(15);
    const deployment = await deploymentOf(PROD, 'codeflow-service', next.arn);
    assert.equal(deployment.status, 'IN_PROGRESS');
    assert.equal(deployment.sourceServiceRevisionArns.length, 1);
    const [source] = await describeServiceRevisions(aws, deployment.sourceServiceRevisionArns);
    assert.equal(source!.taskDefinitionArn, before!.taskDefinitionArn, 'the source revision runs what ran before');

    const first = await stopServiceDeployment(aws, deployment.arn, { stopType: 'ROLLBACK' });
    assert.equal(first.serviceDeploymentArn, deployment.arn);
    assert.equal((await describe1(deployment.arn)).status, 'ROLLBACK_REQUESTED');
    await stopServiceDeployment(aws, deployment.arn, { stopType: 'ROLLBACK' });
    await advance(2);
    assert.equal((await describe1(deployment.arn)).status, 'ROLLBACK_IN_PROGRESS');
    await stopServiceDeployment(aws, deployment.arn, { stopType: 'ROLLBACK' });
    const [mid] = await describeServices(aws, PROD, ['codeflow-service']);
    assert.equal(mid!.deployments.filter((d) => d.taskDefinitionArn === before!.taskDefinitionArn && d.status === 'PRIMARY').length, 1, 'repeats start no second rollback');

    await advanceUntil(async () => (await describe1(deployment.arn)).status === 'ROLLBACK_SUCCESSFUL', 'rollback completes');
    const done = await describe1(deployment.arn);
    assert.ok(done.rollback?.serviceRevisionArn);
    const [rolledBack] = await describeServices(aws, PROD, ['codeflow-service']);
    assert.equal(rolledBack!.taskDefinitionArn, before!.taskDefinitionArn);
    assert.equal(rolledBack!.deployments.length, 1);

    // Once rolled back, asking again is answered, not refused; ABORT of a finished deployment is a conflict.
    assert.equal((await stopServiceDeployment(aws, deployment.arn, { stopType: 'ROLLBACK' })).status, 'ROLLBACK_SUCCESSFUL');
    await assert.rejects(stopServiceDeployment(aws, deployment.arn, { stopType: 'ABORT' }), (e) => isAppError(e) && e.code === 'conflict');
    const successful = (await listServiceDeployments(aws, PROD, 'codeflow-worker'))[0]!;
    assert.equal(successful.status, 'SUCCESSFUL');
    await assert.rejects(stopServiceDeployment(aws, successful.arn, { stopType: 'ROLLBACK' }), (e) => isAppError(e) && e.code === 'conflict');
    await assert.rejects(
      stopServiceDeployment(aws, successful.arn.replace(/\/[^/]+$/, '/nope'), { stopType: 'ROLLBACK' }),
      (e) => isAppError(e) && e.code === 'not_found',
    );
  });

  it('ABORT stops a deployment where it is', async () => {
    const next = await newRevision(PROD, 'codeflow-worker', '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow-worker:v1.5.0');
    await updateService(aws, { cluster: PROD, service: 'codeflow-worker', taskDefinition: next.arn });
    await advance(5);
    const deployment = await deploymentOf(PROD, 'codeflow-worker', next.arn);
    await stopServiceDeployment(aws, deployment.arn, { stopType: 'ABORT' });
    assert.equal((await describe1(deployment.arn)).status, 'STOP_REQUESTED');
    await advance(2);
    const stopped = await describe1(deployment.arn);
    assert.equal(stopped.status, 'STOPPED');
    assert.ok(stopped.stoppedAt);
    const [svc] = await describeServices(aws, PROD, ['codeflow-worker']);
    const countsAtStop = svc!.deployments.map((d) => d.runningCount + d.pendingCount);
    await advance(120);
    const [later] = await describeServices(aws, PROD, ['codeflow-worker']);
    assert.equal(later!.deployments.length, svc!.deployments.length, 'no further rollout');
    assert.deepEqual(later!.deployments.map((d) => d.runningCount + d.pendingCount), countsAtStop);
  });

  it('forces a new deployment that replaces every task with the same revision; desiredCount is validated as ECS does', async () => {
    const [before] = await describeServices(aws, PROD, ['auth-gateway']);
    const tasksBefore = await taskIds(PROD, 'auth-gateway');
    const updated = await updateService(aws, { cluster: PROD, service: 'auth-gateway', forceNewDeployment: true });
    assert.equal(updated.deployments.length, 2);
    assert.equal(updated.deployments[0]!.taskDefinitionArn, before!.taskDefinitionArn);
    await advanceUntil(async () => (await describeServices(aws, PROD, ['auth-gateway']))[0]!.deployments.length === 1, 'restart completes');
    const tasksAfter = await taskIds(PROD, 'auth-gateway');
    assert.equal(tasksAfter.length, before!.desiredCount);
    assert.ok(tasksAfter.every((id) => !tasksBefore.includes(id)), 'every task replaced');

    for (const desiredCount of [-1, 5001]) {
      await assert.rejects(aws.ecs.send(new UpdateServiceCommand({ cluster: PROD, service: 'auth-gateway', desiredCount })), (e: Error) => e.name === 'InvalidParameterException');
    }
    await assert.rejects(updateService(aws, { cluster: PROD, service: 'auth-gateway', desiredCount: 1.5 }), (e) => isAppError(e) && e.code === 'invalid');
    const scaled = await updateService(aws, { cluster: PROD, service: 'auth-gateway', desiredCount: 5 });
    assert.equal(scaled.desiredCount, 5);
    assert.equal(scaled.deployments.length, 1, 'scaling starts no deployment');
  });

  it('runs a native BLUE_GREEN deployment through its lifecycle stages, pausing at the hook until continued', async () => {
    const [svc] = await describeServices(aws, STAGING, ['checkout-api']);
    assert.equal(svc!.deploymentStrategy, 'BLUE_GREEN');
    assert.equal(svc!.bakeTimeInMinutes, 2);
    assert.ok(svc!.lifecycleHooks.some((h) => /pause/.test(h.hookTargetArn ?? '') && h.lifecycleStages.includes('POST_TEST_TRAFFIC_SHIFT')));
    const groups = await groupsByName();
    const blue = groups.get('stg-checkout-api-blue')!;
    const green = groups.get('stg-checkout-api-green')!;
    assert.equal(svc!.loadBalancers[0]!.targetGroupArn, blue);
    const listener = await listenerForwarding(blue);
    assert.ok((await healthyIn(blue)) > 0);
    assert.equal(await healthyIn(green), 0, 'the alternate group has no targets before a deployment');

    const next = await newRevision(STAGING, 'checkout-api', '123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout-api:v2.0.0');
    await updateService(aws, { cluster: STAGING, service: 'checkout-api', taskDefinition: next.arn });
    const arn = (await listServiceDeployments(aws, STAGING, 'checkout-api'))[0]!.arn;
    const stages: string[] = [];
    const seen = async () => {
      const r = await describe1(arn);
      if (r.lifecycleStage && stages[stages.length - 1] !== r.lifecycleStage) stages.push(r.lifecycleStage);
      return r;
    };
    await advanceUntil(async () => (await seen()).pausedAtHook, 'paused at the hook', 2);
    const paused = await describe1(arn);
    assert.equal(paused.lifecycleStage, 'POST_TEST_TRAFFIC_SHIFT');
    assert.equal(paused.status, 'IN_PROGRESS');
    assert.ok(paused.lifecycleHooks.some((h) => h.status === 'AWAITING_ACTION' && h.hookId));
    assert.deepEqual(stages.slice(0, 4), ['RECONCILE_SERVICE', 'PRE_SCALE_UP', 'SCALE_UP', 'POST_SCALE_UP']);
    assert.equal(await healthyIn(green), 2, 'green tasks registered and healthy in the alternate group');
    assert.ok((await healthyIn(blue)) > 0, 'blue still serves');
    assert.deepEqual(await weights(listener), { [blue]: 100, [green]: 0 }, 'production traffic still on blue');

    await advance(600);
    assert.equal((await describe1(arn)).pausedAtHook, true, 'a pause waits as long as it takes');
    await continueServiceDeployment(aws, arn);
    await assert.rejects(continueServiceDeployment(aws, arn), (e) => isAppError(e) && e.code === 'conflict', 'nothing waits any more');

    await advanceUntil(async () => (await seen()).lifecycleStage === 'BAKE_TIME', 'bake time', 2);
    assert.deepEqual(await weights(listener), { [blue]: 0, [green]: 100 }, 'listener switched at PRODUCTION_TRAFFIC_SHIFT');
    assert.ok((await healthyIn(blue)) > 0, 'blue kept through the bake time');
    await advanceUntil(async () => (await seen()).status === 'SUCCESSFUL', 'deployment completes', 5);
    assert.deepEqual(stages, [
      'RECONCILE_SERVICE', 'PRE_SCALE_UP', 'SCALE_UP', 'POST_SCALE_UP', 'TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT',
      'PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME', 'CLEAN_UP',
    ]);
    await advance(30);
    assert.equal(await healthyIn(blue), 0, 'blue cleaned up');
    const [afterDeploy] = await describeServices(aws, STAGING, ['checkout-api']);
    assert.equal(afterDeploy!.taskDefinitionArn, next.arn);
    assert.equal(afterDeploy!.loadBalancers[0]!.targetGroupArn, green, 'the groups swap roles for the next deployment');
    assert.equal(afterDeploy!.deployments.length, 1);
  });

  it('rolls a BLUE_GREEN deployment back: a bad image fails at scale-up, a rollback after the shift returns traffic to blue', async () => {
    const groups = await groupsByName();
    const blue = groups.get('stg-checkout-api-blue')!;
    const green = groups.get('stg-checkout-api-green')!;
    const listener = await listenerForwarding(blue);
    const [before] = await describeServices(aws, STAGING, ['checkout-api']);

    const bad = await newRevision(STAGING, 'checkout-api', '123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout-api:v2.0.1-bad');
    await updateService(aws, { cluster: STAGING, service: 'checkout-api', taskDefinition: bad.arn });
    const badArn = (await listServiceDeployments(aws, STAGING, 'checkout-api'))[0]!.arn;
    await advanceUntil(async () => (await describe1(badArn)).status === 'ROLLBACK_SUCCESSFUL', 'bad image rolled back');
    assert.deepEqual(await weights(listener), { [blue]: 100, [green]: 0 });
    assert.match((await describe1(badArn)).rollback?.reason ?? '', /circuit breaker/);
    assert.equal((await describeServices(aws, STAGING, ['checkout-api']))[0]!.taskDefinitionArn, before!.taskDefinitionArn);

    const good = await newRevision(STAGING, 'checkout-api', '123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout-api:v2.0.2');
    await updateService(aws, { cluster: STAGING, service: 'checkout-api', taskDefinition: good.arn });
    const arn = (await listServiceDeployments(aws, STAGING, 'checkout-api'))[0]!.arn;
    await advanceUntil(async () => (await describe1(arn)).pausedAtHook, 'paused', 2);
    await continueServiceDeployment(aws, arn);
    await advanceUntil(async () => (await describe1(arn)).lifecycleStage === 'BAKE_TIME', 'baking', 2);
    assert.deepEqual(await weights(listener), { [blue]: 0, [green]: 100 });
    await stopServiceDeployment(aws, arn, { stopType: 'ROLLBACK' });
    await advanceUntil(async () => (await describe1(arn)).status === 'ROLLBACK_SUCCESSFUL', 'rolled back from bake time');
    assert.deepEqual(await weights(listener), { [blue]: 100, [green]: 0 }, 'traffic back on blue');
    assert.equal(await healthyIn(green), 0);
    assert.ok((await healthyIn(blue)) > 0);
    const [after] = await describeServices(aws, STAGING, ['checkout-api']);
    assert.equal(after!.taskDefinitionArn, before!.taskDefinitionArn);
    assert.equal(after!.loadBalancers[0]!.targetGroupArn, blue);
  });

  it("switches the guide's listener once the idle group is healthy, with health and HealthyHostCount to match", async () => {
    const groups = await groupsByName();
    const blue = groups.get('codeflow-blue')!;
    const green = groups.get('codeflow-green')!;
    const listener = await listenerForwarding(blue);
    assert.equal(listener.port, 443);
    assert.equal(await healthyIn(green), 0, 'nothing to switch to yet');

    const next = await newRevision(PROD, 'codeflow-service', '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.5.0');
    const [svc] = await describeServices(aws, PROD, ['codeflow-service']);
    const binding = svc!.loadBalancers[0]!;
    await updateService(aws, {
      cluster: PROD,
      service: 'codeflow-service',
      taskDefinition: next.arn,
      loadBalancers: [{ targetGroupArn: green, containerName: binding.containerName!, containerPort: binding.containerPort! }],
    });
    await advanceUntil(async () => (await healthyIn(green)) === 3, 'green healthy');
    await modifyListenerForward(aws, listener.arn, [{ targetGroupArn: green, weight: 1 }]);
    await advanceUntil(async () => (await describeServices(aws, PROD, ['codeflow-service']))[0]!.deployments.length === 1, 'rollout done');
    assert.equal(await healthyIn(blue), 0, 'blue has no healthy targets once its tasks are gone');

    const now = await advance(180);
    const dims = (arn: string) => [
      { name: 'TargetGroup', value: arn.slice(arn.lastIndexOf(':') + 1) },
      { name: 'LoadBalancer', value: listener.loadBalancerArn.slice(listener.loadBalancerArn.indexOf('loadbalancer/') + 'loadbalancer/'.length) },
    ];
    const result = await getMetricData(aws, {
      queries: [
        { id: 'green', namespace: 'AWS/ApplicationELB', metricName: 'HealthyHostCount', dimensions: dims(green), stat: 'Minimum', period: 60 },
        { id: 'blue', namespace: 'AWS/ApplicationELB', metricName: 'HealthyHostCount', dimensions: dims(blue), stat: 'Maximum', period: 60 },
      ],
      start: new Date(now - 120_000).toISOString(),
      end: new Date(now).toISOString(),
    });
    const last = (id: string) => {
      const series = result.find((r) => r.id === id)!;
      return series.values[series.values.length - 1];
    };
    assert.equal(last('green'), 3);
    assert.equal(last('blue'), 0);
  });
});

async function taskIds(cluster: string, service: string): Promise<string[]> {
  const { listTaskArns } = await import('../lib/aws/ecs');
  const ids: string[] = [];
  for await (const arn of listTaskArns(aws, cluster, { serviceName: service })) ids.push(arn.slice(arn.lastIndexOf('/') + 1));
  return ids;
}

async function listenerForwarding(groupArn: string) {
  const lbs = await describeLoadBalancers(aws);
  for (const lb of lbs) {
    for (const l of await describeListeners(aws, lb.arn)) if (l.forwards.some((f) => f.targetGroupArn === groupArn)) return l;
  }
  throw new Error(`no listener forwards to ${groupArn}`);
}

async function weights(listener: { arn: string; loadBalancerArn: string }): Promise<Record<string, number>> {
  const l = (await describeListeners(aws, listener.loadBalancerArn)).find((x) => x.arn === listener.arn)!;
  return Object.fromEntries(l.forwards.map((f) => [f.targetGroupArn, f.weight]));
}
