import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Sandbox } from '../state';
import { continueHook, lambdaHookBehaviour, setDesiredCount, startDeployment } from './engine';
import type { TaskDefinitionRecord } from './world';

const START = Date.parse('2026-11-27T00:00:00Z');

function freshSandbox(seed = 7) {
  return new Sandbox('us-east-1', { seed, speed: 0, startTime: START });
}

function registerImage(sandbox: Sandbox, family: string, image: string): TaskDefinitionRecord {
  const revisions = sandbox.world.taskDefinitions.get(family)!;
  const last = revisions[revisions.length - 1]!;
  const next = { ...last, revision: last.revision + 1, arn: last.arn.replace(/:\d+$/, `:${last.revision + 1}`), containerDefinitions: [{ ...last.containerDefinitions[0]!, image }] };
  revisions.push(next);
  return next;
}

const service = (sandbox: Sandbox, cluster: string, name: string) => sandbox.world.clusters.get(cluster)!.services.get(name)!;
const tasksOf = (sandbox: Sandbox, cluster: string, name: string) => [...sandbox.world.clusters.get(cluster)!.tasks.values()].filter((t) => t.service === name);

describe('simulation engine', () => {
  it('rolls a good image out: new tasks start, become healthy, old ones drain, rollout completes', () => {
    const sandbox = freshSandbox();
    const svc = service(sandbox, 'codeflow-cluster', 'codeflow-service');
    const oldTasks = tasksOf(sandbox, 'codeflow-cluster', 'codeflow-service').map((t) => t.id);
    const td = registerImage(sandbox, 'codeflow', 'registry/codeflow:v1.5.0');
    startDeployment(sandbox.world, svc, td.arn, sandbox.now());

    assert.equal(svc.deployments.length, 2);
    assert.equal(svc.deployments[0]!.rolloutState, 'IN_PROGRESS');
    sandbox.advance(20);
    assert.equal(svc.deployments.length, 2, 'old deployment still holds its tasks while the new ones start');
    sandbox.advance(120);

    assert.equal(svc.deployments.length, 1);
    assert.equal(svc.deployments[0]!.rolloutState, 'COMPLETED');
    assert.equal(svc.deployments[0]!.taskDefinition, td.arn);
    const live = tasksOf(sandbox, 'codeflow-cluster', 'codeflow-service').filter((t) => t.lastStatus !== 'STOPPED');
    assert.equal(live.length, 3);
    assert.ok(live.every((t) => t.taskDefinition === td.arn));
    const stopped = tasksOf(sandbox, 'codeflow-cluster', 'codeflow-service').filter((t) => oldTasks.includes(t.id));
    assert.ok(stopped.every((t) => t.lastStatus === 'STOPPED' && t.stopCode === 'ServiceSchedulerInitiated'));
    assert.match(svc.events[0]!.message, /has reached a steady state/);
  });

  it('fails a bad image through the circuit breaker and rolls back to the last completed revision', () => {
    const sandbox = freshSandbox();
    const svc = service(sandbox, 'codeflow-cluster', 'codeflow-service');
    const before = svc.deployments[0]!.taskDefinition;
    const td = registerImage(sandbox, 'codeflow', 'registry/codeflow:v1.5.0-bad');
    const failed = startDeployment(sandbox.world, svc, td.arn, sandbox.now());

    sandbox.advance(60);
    assert.equal(failed.rolloutState, 'FAILED');
    assert.match(failed.rolloutStateReason, /circuit breaker/);
    assert.equal(svc.deployments[0]!.taskDefinition, before, 'a rollback deployment of the previous revision is primary');
    const crashed = tasksOf(sandbox, 'codeflow-cluster', 'codeflow-service').filter((t) => t.taskDefinition === td.arn);
    assert.ok(crashed.length >= 3);
    assert.ok(crashed.every((t) => t.stopCode === 'EssentialContainerExited' && t.exitCode === 1));

    sandbox.advance(120);
    assert.equal(svc.deployments.length, 1);
    assert.equal(svc.deployments[0]!.rolloutState, 'COMPLETED');
    assert.equal(svc.history.find((h) => h.deploymentId === failed.id)!.status, 'ROLLBACK_SUCCESSFUL');
    assert.ok(svc.events.some((e) => /deployment failed: tasks failed to start/.test(e.message)));
  });

  it('keeps the old tasks serving while a bad deployment fails (minimum healthy 100 %)', () => {
    const sandbox = freshSandbox();
    const svc = service(sandbox, 'codeflow-cluster', 'codeflow-service');
    const td = registerImage(sandbox, 'codeflow', 'registry/codeflow:broken');
    startDeployment(sandbox.world, svc, td.arn, sandbox.now());
    for (let i = 0; i < 12; i++) {
      sandbox.advance(5);
      const healthy = sandbox.world.targetGroups.get(svc.loadBalancers[0]!.targetGroupArn)!.targets.filter((t) => t.state === 'healthy');
      assert.ok(healthy.length >= 3, `at least 3 healthy targets at every step (step ${i})`);
    }
  });

  it('converges a desired-count change up and down', () => {
    const sandbox = freshSandbox();
    const svc = service(sandbox, 'codeflow-cluster', 'payments-api');
    setDesiredCount(svc, 6, sandbox.now());
    sandbox.advance(60);
    assert.equal(tasksOf(sandbox, 'codeflow-cluster', 'payments-api').filter((t) => t.lastStatus === 'RUNNING').length, 6);
    setDesiredCount(svc, 2, sandbox.now());
    sandbox.advance(30);
    assert.equal(tasksOf(sandbox, 'codeflow-cluster', 'payments-api').filter((t) => t.lastStatus !== 'STOPPED').length, 2);
  });

  it('is reproducible: the same seed and clock steps give the same state', () => {
    const snapshot = (sandbox: Sandbox) => {
      sandbox.advance(3 * 3600);
      return JSON.stringify([...sandbox.world.clusters.values()].map((c) => [[...c.tasks.values()], [...c.services.values()].map((s) => [s.deployments, s.events])]));
    };
    assert.equal(snapshot(freshSandbox(11)), snapshot(freshSandbox(11)));
    assert.notEqual(snapshot(freshSandbox(11)), snapshot(freshSandbox(12)));
  });

  it('tops the named fleet up to the requested size', () => {
    const sandbox = new Sandbox('us-east-1', { seed: 1, speed: 0, startTime: START, fleetSize: 200 });
    const total = [...sandbox.world.clusters.values()].reduce((n, c) => n + c.services.size, 0);
    assert.equal(total, 200);
  });
});

describe('runUntil', () => {
  it('calls onMinute once per simulated minute, whatever the start time’s milliseconds', async () => {
    const { runUntil } = await import('./engine');
    const sandbox = new Sandbox('us-east-1', { seed: 3, speed: 0, startTime: Date.parse('2026-11-27T00:00:17.345Z') });
    const minutes: number[] = [];
    runUntil(sandbox.world, sandbox.world.tickedTo + 5 * 60_000, (m) => minutes.push(m));
    assert.equal(minutes.length, 5);
    assert.ok(minutes.every((m) => m % 60_000 === 0));
    assert.equal(new Set(minutes).size, 5);
  });
});

describe('native blue/green hooks', () => {
  const stg = (sandbox: Sandbox) => service(sandbox, 'codeflow-staging', 'checkout-api');
  const historyOf = (sandbox: Sandbox) => stg(sandbox).history[0]!;

  it('reads the Lambda naming convention', () => {
    assert.equal(lambdaHookBehaviour('arn:aws:lambda:us-east-1:1:function:checkout-api-pause-for-approval'), 'pause');
    assert.equal(lambdaHookBehaviour('arn:aws:lambda:us-east-1:1:function:smoke-FAIL:live'), 'fail');
    assert.equal(lambdaHookBehaviour('arn:aws:lambda:us-east-1:1:function:smoke-test'), 'succeed');
  });

  it('rolls back when a Lambda hook fails, and on ContinueServiceDeployment ROLLBACK at a PAUSE hook', () => {
    const sandbox = freshSandbox();
    const svc = stg(sandbox);
    const before = svc.deployments[0]!.taskDefinition;
    svc.lifecycleHooks = [{ targetType: 'AWS_LAMBDA', hookTargetArn: 'arn:aws:lambda:us-east-1:1:function:validate-fail', lifecycleStages: ['PRE_SCALE_UP'] }];
    const td = registerImage(sandbox, 'checkout-api', 'registry/checkout-api:v3');
    startDeployment(sandbox.world, svc, td.arn, sandbox.now());
    sandbox.advance(30);
    assert.equal(historyOf(sandbox).status, 'ROLLBACK_SUCCESSFUL');
    assert.match(historyOf(sandbox).rollback!.reason, /validate-fail failed at PRE_SCALE_UP/);
    assert.equal(svc.deployments[0]!.taskDefinition, before);

    svc.lifecycleHooks = [{ targetType: 'PAUSE', lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'] }];
    const green = startDeployment(sandbox.world, svc, td.arn, sandbox.now());
    sandbox.advance(180);
    assert.equal(green.blueGreen!.stage, 'PRODUCTION_TRAFFIC_SHIFT');
    assert.equal(green.blueGreen!.productionShifted, false, 'PRE_PRODUCTION hooks run before the shift');
    const hook = green.blueGreen!.hooks.find((h) => h.status === 'AWAITING_ACTION')!;
    assert.match(continueHook(sandbox.world, svc, green, 'nope', 'CONTINUE', sandbox.now()) ?? '', /not found/);
    assert.equal(continueHook(sandbox.world, svc, green, hook.hookId, 'ROLLBACK', sandbox.now()), null);
    assert.equal(historyOf(sandbox).status, 'ROLLBACK_REQUESTED');
    sandbox.advance(60);
    assert.equal(historyOf(sandbox).status, 'ROLLBACK_SUCCESSFUL');
    assert.equal(svc.deployments[0]!.taskDefinition, before);
  });

  it('applies a hook timeout action', () => {
    const sandbox = freshSandbox();
    const svc = stg(sandbox);
    svc.lifecycleHooks = [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'], timeoutConfiguration: { timeoutInMinutes: 1, action: 'CONTINUE' } }];
    const td = registerImage(sandbox, 'checkout-api', 'registry/checkout-api:v3');
    const green = startDeployment(sandbox.world, svc, td.arn, sandbox.now());
    sandbox.advance(600);
    assert.equal(green.blueGreen!.stage, 'DONE');
    assert.equal(historyOf(sandbox).status, 'SUCCESSFUL');
  });
});
