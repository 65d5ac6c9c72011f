import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { describeServices, registerTaskDefinition, updateService } from '../aws/ecs';
import { testClients } from '../aws/testing/fixtures';
import { freePort } from '../aws/testing/moto';
import { createCache } from '../cache/cached';
import { createAlarmsContext, indexFromSnapshots, listAlarms } from '../telemetry/alarms';
import { createFindingsContext, openFindingsByService } from '../telemetry/findings';
import { createFleetContext, type FleetContext } from './context';
import { getFleetOverview } from './overview';
import { getServiceDetail } from './service-detail';
import { latestByService, planLatestQueries, type TelemetrySources } from './telemetry';

describe('planLatestQueries / latestByService', () => {
  const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/abc';
  const lb = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web-alb/def';
  const groups = new Map([[tg, { arn: tg, name: 'web-blue', port: 80, protocol: 'HTTP', targetType: 'ip', healthCheckPath: '/', loadBalancerArns: [lb] }]]);

  it('asks CPU and memory per service and five ALB figures per target group, with CloudWatch’s dimension values', () => {
    const plan = planLatestQueries('prod', [{ name: 'web', targetGroupArns: [tg] }, { name: 'worker', targetGroupArns: [] }], groups);
    assert.deepEqual(plan.queries.map((q) => `${q.id}:${q.metricName}:${q.stat}`), [
      'c0:CPUUtilization:Average',
      'm0:MemoryUtilization:Average',
      'r0_0:RequestCount:Sum',
      'e0_0:HTTPCode_Target_5XX_Count:Sum',
      'p0_0:TargetResponseTime:p95',
      'h0_0:HealthyHostCount:Average',
      'u0_0:UnHealthyHostCount:Average',
      'c1:CPUUtilization:Average',
      'm1:MemoryUtilization:Average',
    ]);
    assert.deepEqual(plan.queries[2]!.dimensions, { LoadBalancer: 'app/web-alb/def', TargetGroup: 'targetgroup/web-blue/abc' });
    assert.ok(plan.queries.every((q) => q.period === 60));
  });

  it('takes the newest minute with traffic; a missing 5xx count means none', () => {
    const plan = planLatestQueries('prod', [{ name: 'web', targetGroupArns: [tg] }], groups);
    const t = (m: number) => `2026-01-01T00:0${m}:00.000Z`;
    const s = (id: string, timestamps: string[], values: number[]) => ({ id, label: id, timestamps, values, status: 'Complete', messages: [] });
    const latest = latestByService(plan, [
      s('c0', [t(1), t(2), t(3)], [20, 30, 40]),
      s('m0', [t(3)], [55]),
      s('r0_0', [t(1), t(2)], [500, 400]),
      s('e0_0', [t(1)], [50]),
      s('p0_0', [t(1), t(2)], [0.7, 0.12]),
      s('h0_0', [t(2)], [3]),
      s('u0_0', [t(2)], [0]),
    ]).get('web')!;
    assert.deepEqual(latest, { at: t(2), p95Ms: 120, errorRatePct: 0, requests: 400, cpuPct: 40, memoryPct: 55, healthyTargets: 3, unhealthyTargets: 0 });
  });
});

describe('telemetry in the verdict, against the sandbox', () => {
  let running: RunningSandbox;
  let ctx: FleetContext;
  let sources: TelemetrySources;
  const aws = () => ctx.aws;

  before(async () => {
    running = await startSandbox({ port: await freePort(), seed: 42, speed: 0 });
  });
  after(() => running.close());

  beforeEach(async () => {
    await fetch(`${running.url}/_sandbox/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: 42, speed: 0 }) });
    fresh();
  });

  /** New caches, as a server whose TTLs have all run out. */
  function fresh() {
    ctx = createFleetContext({ aws: testClients(running.url, { callDeadlineMs: 5000 }), region: 'us-east-1', cache: createCache(), telemetryWaitMs: 10_000 });
    const alarms = createAlarmsContext({ aws: ctx.aws, listClusters: async () => ['codeflow-cluster', 'codeflow-staging'], targetGroupIndex: () => indexFromSnapshots(ctx) });
    const findings = createFindingsContext({ aws: ctx.aws });
    sources = { alarms: () => listAlarms(alarms), findings: () => openFindingsByService(findings) };
  }

  const advance = (seconds: number) => fetch(`${running.url}/_sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds }) });
  const calls = async () => ((await (await fetch(`${running.url}/_sandbox/calls`)).json()) as { calls: Record<string, number> }).calls;
  const row = async (service: string) => (await getFleetOverview(ctx, sources)).services.find((s) => s.cluster === 'codeflow-cluster' && s.name === service)!;

  it('a quiet service is healthy with its latest metrics, target counts, alarms and findings; one GetMetricData per cluster', async () => {
    await fetch(`${running.url}/_sandbox/calls`, { method: 'DELETE' });
    const overview = await getFleetOverview(ctx, sources);
    const codeflow = overview.services.find((s) => s.cluster === 'codeflow-cluster' && s.name === 'codeflow-service')!;
    assert.equal(codeflow.verdict, 'healthy', codeflow.reasons.join('; '));
    const m = codeflow.telemetry!.metrics!;
    assert.equal(m.healthyTargets, 3);
    assert.equal(m.unhealthyTargets, 0);
    assert.ok(m.p95Ms! > 20 && m.p95Ms! < 200, `p95 ${m.p95Ms}`);
    assert.ok(m.requests! > 0 && m.cpuPct! > 0 && m.memoryPct! > 0);
    assert.ok(codeflow.telemetry!.alarms!.some((a) => a.name === 'Codeflow-HighCPU'));
    assert.ok(codeflow.telemetry!.findings);
    const seen = await calls();
    assert.equal(seen['monitoring:GetMetricData'], 2, `one GetMetricData per cluster: ${JSON.stringify(seen)}`);
    assert.equal(seen['elasticloadbalancing:DescribeTargetHealth'] ?? 0, 0, 'target health comes from CloudWatch');
  });

  it('a bad rollout shows in the verdict within a minute: p95 and 5xx over the rollback triggers, the 5xx alarm', async () => {
    const [service] = await describeServices(aws(), 'codeflow-cluster', ['codeflow-service']);
    const bad = await registerTaskDefinition(aws(), { baseTaskDefinitionArn: service!.taskDefinitionArn, images: { codeflow: '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.5.0-bad' } });
    await updateService(aws(), { cluster: 'codeflow-cluster', service: 'codeflow-service', taskDefinition: bad.arn });
    await advance(60);
    fresh();
    const codeflow = await row('codeflow-service');
    assert.equal(codeflow.verdict, 'degraded', codeflow.reasons.join('; '));
    assert.match(codeflow.reasons[0]!, /^p95 \d+ ms > 500 ms$/);
    assert.ok(codeflow.reasons.some((r) => /^5xx [\d.]+ % > 5 %$/.test(r)), codeflow.reasons.join('; '));
    assert.ok(codeflow.reasons.includes('alarm Codeflow-5xxRate in ALARM'), codeflow.reasons.join('; '));
    assert.ok(codeflow.reasons.some((r) => /^rolling (out|back)/.test(r)), `the ECS reasons stay: ${codeflow.reasons.join('; ')}`);
    assert.equal(codeflow.telemetry!.ecsVerdict, 'deploying');

    const detail = await getServiceDetail('codeflow-cluster', 'codeflow-service', ctx, sources);
    assert.equal(detail.health.verdict, 'degraded');
    assert.ok(detail.health.reasons.includes('alarm Codeflow-5xxRate in ALARM'));
  });

  it('with CloudWatch failing the verdict is ECS’s own and says metrics and alarms are unavailable', async () => {
    await fetch(`${running.url}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules: [{ service: 'monitoring', errorRate: 1 }] }) });
    try {
      const codeflow = await row('codeflow-service');
      assert.equal(codeflow.verdict, 'healthy');
      assert.equal(codeflow.telemetry!.metrics, null);
      assert.ok(codeflow.reasons.some((r) => r.startsWith('metrics unavailable')), codeflow.reasons.join('; '));
      assert.ok(codeflow.reasons.some((r) => r.startsWith('alarms unavailable')), codeflow.reasons.join('; '));
      assert.ok(codeflow.telemetry!.findings, 'GuardDuty still answers');
      assert.equal(codeflow.runningCount, 3);
    } finally {
      await fetch(`${running.url}/_sandbox/faults`, { method: 'DELETE' });
    }
  });
});
