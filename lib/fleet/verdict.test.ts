import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeDeployment, makeService } from './testing/builders';
import { activeDeploymentCount, assessService, telemetrySignals, withSignals, type TelemetryInput } from './verdict';

const td = (rev: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${rev}`;

describe('assessService', () => {
  it('healthy when settled and all tasks run', () => {
    assert.deepEqual(assessService(makeService()), { verdict: 'healthy', reasons: [] });
  });

  it('unknown for INACTIVE and DRAINING services', () => {
    assert.deepEqual(assessService(makeService({ status: 'INACTIVE' })), { verdict: 'unknown', reasons: ['service is INACTIVE (deleted)'] });
    assert.deepEqual(assessService(makeService({ status: 'DRAINING', runningCount: 0 })), { verdict: 'unknown', reasons: ['service is DRAINING (being deleted)'] });
  });

  it('down when desired > 0 and nothing runs', () => {
    const s = makeService({ runningCount: 0, deployments: [makeDeployment({ runningCount: 0 })] });
    assert.deepEqual(assessService(s), { verdict: 'down', reasons: ['running 0 of 3'] });
  });

  it('degraded when fewer than desired run', () => {
    const s = makeService({ runningCount: 1, deployments: [makeDeployment({ runningCount: 1 })] });
    assert.deepEqual(assessService(s), { verdict: 'degraded', reasons: ['running 1 of 3'] });
  });

  it('healthy with a note when scaled to zero', () => {
    const s = makeService({ desiredCount: 0, runningCount: 0, deployments: [makeDeployment({ desiredCount: 0, runningCount: 0 })] });
    assert.deepEqual(assessService(s), { verdict: 'healthy', reasons: ['scaled to zero'] });
    const draining = makeService({ desiredCount: 0, runningCount: 2, deployments: [makeDeployment({ desiredCount: 0, runningCount: 2 })] });
    assert.deepEqual(assessService(draining), { verdict: 'healthy', reasons: ['scaling to zero: 2 still running'] });
  });

  it('deploying while the primary rolls out, with progress', () => {
    const s = makeService({
      runningCount: 4,
      taskDefinitionArn: td(6),
      deployments: [
        makeDeployment({ id: 'new', taskDefinitionArn: td(6), runningCount: 2, rolloutState: 'IN_PROGRESS' }),
        makeDeployment({ id: 'old', status: 'ACTIVE', taskDefinitionArn: td(5), runningCount: 2 }),
      ],
    });
    assert.deepEqual(assessService(s), { verdict: 'deploying', reasons: ['rolling out web:6: 2 of 3 running'] });
  });

  it('deploying when several deployments hold tasks even without a rollout state', () => {
    const s = makeService({
      deployments: [
        makeDeployment({ id: 'new', taskDefinitionArn: td(6), runningCount: 1, rolloutState: null, rolloutStateReason: null }),
        makeDeployment({ id: 'old', status: 'ACTIVE', runningCount: 2, rolloutState: null }),
      ],
    });
    assert.equal(assessService(s).verdict, 'deploying');
  });

  it('says how many tasks failed to start during a rollout', () => {
    const s = makeService({
      deployments: [
        makeDeployment({ taskDefinitionArn: td(6), runningCount: 0, failedTasks: 2, rolloutState: 'IN_PROGRESS' }),
        makeDeployment({ id: 'old', status: 'ACTIVE', runningCount: 3 }),
      ],
    });
    assert.deepEqual(assessService(s).reasons, ['rolling out web:6: 0 of 3 running', '2 tasks failed to start']);
    const one = makeService({ deployments: [makeDeployment({ runningCount: 2, failedTasks: 1, rolloutState: 'IN_PROGRESS' })], runningCount: 2 });
    assert.deepEqual(assessService(one).reasons, ['rolling out web:5: 2 of 3 running', '1 task failed to start']);
  });

  it('a first rollout of a new service is deploying, not down', () => {
    const s = makeService({ runningCount: 0, deployments: [makeDeployment({ runningCount: 0, pendingCount: 3, rolloutState: 'IN_PROGRESS' })] });
    assert.equal(assessService(s).verdict, 'deploying');
  });

  it('down when replacing a version and nothing runs at all', () => {
    const s = makeService({
      runningCount: 0,
      deployments: [
        makeDeployment({ taskDefinitionArn: td(6), runningCount: 0, pendingCount: 3, rolloutState: 'IN_PROGRESS' }),
        makeDeployment({ id: 'old', status: 'ACTIVE', runningCount: 0, pendingCount: 1 }),
      ],
    });
    assert.deepEqual(assessService(s), { verdict: 'down', reasons: ['running 0 of 3', 'rolling out web:6: 0 of 3 running'] });
  });

  it('degraded when the primary rollout FAILED but tasks still run', () => {
    const s = makeService({
      runningCount: 1,
      deployments: [makeDeployment({ runningCount: 1, rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' })],
    });
    assert.deepEqual(assessService(s), {
      verdict: 'degraded',
      reasons: ['rollout FAILED: ECS deployment circuit breaker: tasks failed to start.', 'running 1 of 3'],
    });
  });

  it('down when the primary rollout FAILED and nothing runs', () => {
    const s = makeService({ runningCount: 0, deployments: [makeDeployment({ runningCount: 0, rolloutState: 'FAILED', rolloutStateReason: null })] });
    assert.deepEqual(assessService(s), { verdict: 'down', reasons: ['rollout FAILED: no reason given', 'running 0 of 3'] });
  });

  it('deploying while the circuit breaker rolls back (new PRIMARY, previous FAILED)', () => {
    const s = makeService({
      runningCount: 2,
      taskDefinitionArn: td(5),
      deployments: [
        makeDeployment({ id: 'rollback', taskDefinitionArn: td(5), runningCount: 2, rolloutState: 'IN_PROGRESS', createdAt: '2025-01-01T11:00:00.000Z' }),
        makeDeployment({ id: 'bad', status: 'ACTIVE', taskDefinitionArn: td(6), runningCount: 0, failedTasks: 3, rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' }),
      ],
    });
    assert.deepEqual(assessService(s), {
      verdict: 'deploying',
      reasons: ['rolling back to web:5: ECS deployment circuit breaker: tasks failed to start.', '2 of 3 running', '3 tasks failed to start'],
    });
  });

  it('recognises a rollback from a recent ECS event', () => {
    const primaryAt = '2025-01-01T11:00:00.000Z';
    const s = makeService({
      runningCount: 3,
      deployments: [makeDeployment({ runningCount: 1, rolloutState: 'IN_PROGRESS', createdAt: primaryAt })],
      events: [{ id: 'e2', createdAt: '2025-01-01T11:00:05.000Z', message: '(service web) rolling back to deployment ecs-svc/1.' }],
    });
    assert.deepEqual(assessService(s), { verdict: 'deploying', reasons: ['rolling back to web:5', '1 of 3 running'] });
  });

  it('ignores rollback events older than the current deployment', () => {
    const s = makeService({
      deployments: [makeDeployment({ runningCount: 1, rolloutState: 'IN_PROGRESS', createdAt: '2025-01-02T00:00:00.000Z' })],
      events: [{ id: 'old', createdAt: '2025-01-01T00:00:00.000Z', message: '(service web) rolling back to deployment ecs-svc/0.' }],
    });
    assert.deepEqual(assessService(s).reasons, ['rolling out web:5: 1 of 3 running']);
  });

  it('down during a rollback when nothing runs', () => {
    const s = makeService({
      runningCount: 0,
      deployments: [
        makeDeployment({ runningCount: 0, rolloutState: 'IN_PROGRESS' }),
        makeDeployment({ id: 'bad', status: 'ACTIVE', taskDefinitionArn: td(6), runningCount: 0, rolloutState: 'FAILED', rolloutStateReason: null }),
      ],
    });
    assert.deepEqual(assessService(s), { verdict: 'down', reasons: ['running 0 of 3', 'rolling back to web:5', '0 of 3 running'] });
  });

  it('falls back to counts without any deployment', () => {
    assert.deepEqual(assessService(makeService({ deployments: [] })), { verdict: 'healthy', reasons: [] });
    assert.deepEqual(assessService(makeService({ deployments: [], runningCount: 2 })), { verdict: 'degraded', reasons: ['running 2 of 3'] });
  });
});

describe('activeDeploymentCount', () => {
  it('counts the primary and deployments still holding tasks', () => {
    const s = makeService({
      deployments: [
        makeDeployment({ runningCount: 0 }),
        makeDeployment({ id: 'draining', status: 'ACTIVE', runningCount: 0, pendingCount: 1 }),
        makeDeployment({ id: 'done', status: 'ACTIVE', runningCount: 0, pendingCount: 0 }),
      ],
    });
    assert.equal(activeDeploymentCount(s), 2);
  });
  it('keeps a note when the settled deployment is a completed circuit-breaker rollback', () => {
    const primary = makeDeployment({ id: 'ecs-svc/9', taskDefinitionArn: td(4), createdAt: '2025-01-01T11:00:00.000Z' });
    const events = [
      { id: 'e3', createdAt: '2025-01-01T11:02:00.000Z', message: '(service web) has reached a steady state.' },
      { id: 'e2', createdAt: '2025-01-01T11:00:00.000Z', message: '(service web) rolling back to deployment ecs-svc/9.' },
      { id: 'e1', createdAt: '2025-01-01T11:00:00.000Z', message: '(service web) (deployment ecs-svc/8) deployment failed: tasks failed to start.' },
    ];
    assert.deepEqual(assessService(makeService({ deployments: [primary], events })), {
      verdict: 'healthy',
      reasons: ['rolled back to web:4 after a failed deployment: tasks failed to start'],
    });
    const unrelated = events.map((e) => ({ ...e, message: e.message.replace('ecs-svc/9', 'ecs-svc/7') }));
    assert.deepEqual(assessService(makeService({ deployments: [primary], events: unrelated })), { verdict: 'healthy', reasons: [] });
  });
});

describe('assessService: crash loops', () => {
  const looping = (over: Partial<Parameters<typeof makeDeployment>[0]> = {}) =>
    makeDeployment({ rolloutState: 'IN_PROGRESS', desiredCount: 1, failedTasks: 93, createdAt: '2025-01-01T10:00:00.000Z', updatedAt: '2025-01-01T10:30:20.000Z', ...over });

  it('down with how many failed in how long, whether or not a task is up this second', () => {
    const starting = makeService({ desiredCount: 1, runningCount: 0, pendingCount: 1, deployments: [looping({ runningCount: 0, pendingCount: 1 })] });
    const upForNow = makeService({ desiredCount: 1, runningCount: 1, deployments: [looping({ runningCount: 1 })] });
    const reasons = ['crash loop, 93 tasks failed in 30 min', 'running 0 of 1', 'rolling out web:5'];
    assert.deepEqual(assessService(starting), { verdict: 'down', reasons });
    assert.deepEqual(assessService(upForNow), { verdict: 'down', reasons: [reasons[0], 'running 1 of 1', reasons[2]] });
  });

  it('a few failures are not a loop, and an older revision still serving is not an outage', () => {
    const few = makeService({ desiredCount: 3, runningCount: 2, deployments: [looping({ desiredCount: 3, runningCount: 2, failedTasks: 5 })] });
    assert.equal(assessService(few).verdict, 'deploying');
    const served = makeService({
      desiredCount: 1,
      runningCount: 1,
      deployments: [looping({ runningCount: 0 }), makeDeployment({ id: 'old', status: 'ACTIVE', desiredCount: 1, runningCount: 1, taskDefinitionArn: td(4) })],
    });
    assert.equal(assessService(served).verdict, 'deploying');
  });

  it('says "since the rollout began" without timestamps', () => {
    const s = makeService({ desiredCount: 1, runningCount: 0, deployments: [looping({ runningCount: 0, updatedAt: null })] });
    assert.equal(assessService(s).reasons[0], 'crash loop, 93 tasks failed since the rollout began');
  });
});

describe('telemetrySignals and withSignals', () => {
  const quiet = { at: '2026-01-01T00:00:00.000Z', p95Ms: 120, errorRatePct: 0.2, requests: 600, cpuPct: 30, memoryPct: 50, healthyTargets: 3, unhealthyTargets: 0 };
  const input = (over: Partial<TelemetryInput> = {}): TelemetryInput => ({ metrics: quiet, alarmsInAlarm: [], findings: { highest: 'HIGH', count: 0 }, hasTargets: true, desiredCount: 3, ...over });

  it('says nothing about a quiet service', () => {
    assert.deepEqual(telemetrySignals(input()), []);
    assert.deepEqual(withSignals({ verdict: 'healthy', reasons: [] }, []), { verdict: 'healthy', reasons: [] });
  });

  it('names the guide’s thresholds: rollback triggers critical, targets warnings', () => {
    const signals = telemetrySignals(input({ metrics: { ...quiet, p95Ms: 612.4, errorRatePct: 12.345, cpuPct: 75, memoryPct: 85.04, unhealthyTargets: 2 } }));
    assert.deepEqual(signals.map((s) => [s.level, s.text]), [
      ['critical', 'p95 612 ms > 500 ms'],
      ['critical', '5xx 12.3 % > 5 %'],
      ['warn', '2 unhealthy targets'],
      ['warn', 'CPU 75 % > 70 %'],
      ['warn', 'memory 85 % > 80 %'],
    ]);
    assert.deepEqual(telemetrySignals(input({ metrics: { ...quiet, p95Ms: 250, errorRatePct: 1.5 } })).map((s) => [s.level, s.text]), [
      ['warn', 'p95 250 ms > 200 ms'],
      ['warn', '5xx 1.5 % > 1 %'],
    ]);
    // At the threshold is not over it.
    assert.deepEqual(telemetrySignals(input({ metrics: { ...quiet, p95Ms: 200, errorRatePct: 1, cpuPct: 70, memoryPct: 80 } })), []);
  });

  it('alarms in ALARM are critical, open findings a warning, no healthy target critical', () => {
    const signals = telemetrySignals(input({ alarmsInAlarm: ['Codeflow-5xxRate'], findings: { highest: 'CRITICAL', count: 2 }, metrics: { ...quiet, healthyTargets: 0 } }));
    assert.deepEqual(signals.map((s) => [s.level, s.text]), [
      ['critical', 'no healthy targets'],
      ['critical', 'alarm Codeflow-5xxRate in ALARM'],
      ['warn', '2 open CRITICAL/HIGH findings'],
    ]);
    // A worker without a load balancer has no targets to be healthy.
    assert.deepEqual(telemetrySignals(input({ hasTargets: false, metrics: { ...quiet, healthyTargets: null, unhealthyTargets: null } })), []);
  });

  it('each source that failed says so; the others still count', () => {
    const signals = telemetrySignals(input({ metrics: null, metricsError: 'Throttled by CloudWatch', alarmsInAlarm: ['Codeflow-HighCPU'] }));
    assert.deepEqual(signals.map((s) => [s.level, s.text]), [
      ['critical', 'alarm Codeflow-HighCPU in ALARM'],
      ['info', 'metrics unavailable: Throttled by CloudWatch'],
    ]);
    const down = telemetrySignals(input({ metrics: null, alarmsInAlarm: null, findings: null }));
    assert.deepEqual(down.map((s) => s.text), ['metrics unavailable', 'alarms unavailable', 'findings unavailable']);
    // With every source down the verdict is ECS's own.
    assert.deepEqual(withSignals({ verdict: 'healthy', reasons: [] }, down), { verdict: 'healthy', reasons: ['metrics unavailable', 'alarms unavailable', 'findings unavailable'] });
  });

  it('a critical signal degrades a healthy or deploying service and leads its reasons; down stays down', () => {
    const signals = telemetrySignals(input({ metrics: { ...quiet, p95Ms: 612 }, findings: { highest: 'HIGH', count: 1 } }));
    assert.deepEqual(withSignals({ verdict: 'healthy', reasons: [] }, signals), { verdict: 'degraded', reasons: ['p95 612 ms > 500 ms', '1 open HIGH finding'] });
    assert.deepEqual(withSignals({ verdict: 'deploying', reasons: ['rolling out web:2: 1 of 3 running'] }, signals), {
      verdict: 'degraded',
      reasons: ['p95 612 ms > 500 ms', 'rolling out web:2: 1 of 3 running', '1 open HIGH finding'],
    });
    assert.deepEqual(withSignals({ verdict: 'down', reasons: ['running 0 of 3'] }, signals), { verdict: 'down', reasons: ['running 0 of 3', 'p95 612 ms > 500 ms', '1 open HIGH finding'] });
    // Warnings alone list themselves without changing the verdict.
    const warn = telemetrySignals(input({ metrics: { ...quiet, cpuPct: 90 } }));
    assert.deepEqual(withSignals({ verdict: 'healthy', reasons: [] }, warn), { verdict: 'healthy', reasons: ['CPU 90 % > 70 %'] });
  });
});
