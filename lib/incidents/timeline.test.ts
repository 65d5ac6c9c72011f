import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import type { AwsClients } from '../aws/client';
import { putMetricAlarm, setAlarmState } from '../aws/cloudwatch';
import { updateService } from '../aws/ecs';
import { testClients } from '../aws/testing/fixtures';
import { freePort } from '../aws/testing/moto';
import { createAlarmsContext } from '../telemetry/alarms';
import { resolveSource } from './sources';
import { alarmsSource, collectExternal, deploymentsSource, findingsSource, mergeTimeline, type TimelineSource } from './timeline';
import type { Incident } from './types';

const CLUSTER = 'codeflow-cluster';
const SERVICE = 'payments-api';

function incident(openedAt: Date, extra: Partial<Incident> = {}): Incident {
  return {
    id: '00000000-0000-4000-8000-000000000001', number: 1, title: 't', severity: 'P1', status: 'open', commander: null,
    services: [{ cluster: CLUSTER, service: SERVICE }], source: { kind: 'manual', ref: null, label: null },
    openedAt: openedAt.toISOString(), openedBy: { subject: 's', name: null }, acknowledgedAt: null, mitigatedAt: null, resolvedAt: null,
    tiers: [], next: null, playbook: [], ...extra,
  };
}

describe('incident timeline and sources against the sandbox', { timeout: 60_000 }, () => {
  let running: RunningSandbox;
  let aws: AwsClients;
  before(async () => {
    running = await startSandbox({ port: await freePort(), seed: 42, speed: 0 });
    aws = testClients(running.url, { callDeadlineMs: 5000 });
    await putMetricAlarm(aws, {
      name: 'payments-cpu-high',
      metric: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', statistic: 'Average', period: 60, dimensions: [{ name: 'ClusterName', value: CLUSTER }, { name: 'ServiceName', value: SERVICE }] },
      threshold: 80,
      comparison: 'GreaterThanThreshold',
      evaluationPeriods: 1,
    });
    await setAlarmState(aws, 'payments-cpu-high', 'ALARM', 'CPU above 80% (test)');
    await updateService(aws, { cluster: CLUSTER, service: SERVICE, forceNewDeployment: true });
  });
  after(async () => {
    await running?.close();
  });

  const alarmsCtx = () => createAlarmsContext({ aws, listClusters: async () => [CLUSTER] });

  it('opening from an alarm takes its services from the alarm’s dimensions', async () => {
    const r = await resolveSource('alarm', 'payments-cpu-high', { alarms: alarmsCtx, aws: () => aws });
    assert.deepEqual(r.services, [{ cluster: CLUSTER, service: SERVICE }]);
    assert.deepEqual(r.source, { kind: 'alarm', ref: 'payments-cpu-high', label: 'payments-cpu-high (ALARM)' });
    await assert.rejects(resolveSource('alarm', 'no-such-alarm', { alarms: alarmsCtx, aws: () => aws }), /source\.ref: CloudWatch has no alarm named "no-such-alarm"/);
    await assert.rejects(resolveSource('alarm', '  ', { alarms: alarmsCtx, aws: () => aws }), /source\.ref/);
  });

  it('pulls deployments and alarm changes on the incident’s services into the timeline; a failing source is reported', async () => {
    const now = new Date(Date.now() + 60_000);
    const failing: TimelineSource = { name: 'operations', collect: async () => { throw new Error('boom'); } };
    const inc = incident(new Date(Date.now() - 10 * 60_000));
    const { entries, sources } = await collectExternal(inc, [deploymentsSource(() => aws), alarmsSource(alarmsCtx), findingsSource(() => aws), failing], now);
    // Named as people name revisions, family:rev (image tag), not by the service revision's number.
    assert.ok(entries.some((e) => e.kind === 'deployment' && new RegExp(`^${CLUSTER}/${SERVICE}: deployment of [\\w-]+:\\d+ \\([^)]+\\) started$`).test(e.text)), JSON.stringify(entries, null, 1));
    assert.ok(entries.some((e) => e.kind === 'alarm' && /^payments-cpu-high: \w+ → ALARM \(CPU above 80% \(test\)\)$/.test(e.text)), JSON.stringify(entries, null, 1));
    assert.deepEqual(sources.map((s) => `${s.name}:${s.ok}`), ['deployments:true', 'alarms:true', 'findings:true', 'operations:false']);
    // Nothing from a service the incident is not about.
    const other = await collectExternal(incident(new Date(Date.now() - 10 * 60_000), { services: [{ cluster: CLUSTER, service: 'notifications' }] }), [alarmsSource(alarmsCtx)], now);
    assert.equal(other.entries.length, 0);
    const merged = mergeTimeline([{ at: inc.openedAt, kind: 'status', actor: 'x', text: 'Opened as P1', ref: null }], entries);
    assert.equal(merged[0]!.text, 'Opened as P1');
    assert.ok(merged.every((e, i) => i === 0 || Date.parse(merged[i - 1]!.at) <= Date.parse(e.at)));
  });
});
