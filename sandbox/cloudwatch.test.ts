/**
 * CloudWatch in the sandbox, driven as Codeflow drives it: lib/aws calls over the wire, the ECS
 * operations for rollouts, and the admin API for the clock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../lib/errors';
import type { AwsClients } from '../lib/aws/client';
import { describeAlarmHistory, describeAlarms, getAlarm, getMetricData, listMetrics, putMetricAlarm, setAlarmState } from '../lib/aws/cloudwatch';
import { describeServices, registerTaskDefinition, updateService } from '../lib/aws/ecs';
import { testClients } from '../lib/aws/testing/fixtures';
import type { MetricDimension, MetricQuery } from '../lib/aws/telemetry-types';
import { startSandbox, type RunningSandbox } from './server';

const START = Date.parse('2026-11-27T00:00:00Z');
const MINUTE = 60_000;

async function advance(running: RunningSandbox, seconds: number): Promise<number> {
  const res = await fetch(`${running.url}/_sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds }) });
  return Date.parse(((await res.json()) as { now: string }).now);
}

/** A raw CloudWatch call in the SDK's wire format (awsJson 1.0, query-compatible). */
function cloudwatchJson(running: RunningSandbox, operation: string, body: unknown) {
  return fetch(running.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `GraniteServiceVersion20100801.${operation}`,
      'x-amzn-query-mode': 'true',
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20261127/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=x',
    },
    body: JSON.stringify(body),
  });
}

/** The same in the older query protocol (form-encoded, XML back). */
function cloudwatchQuery(running: RunningSandbox, params: Record<string, string>) {
  return fetch(running.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20261127/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=x',
    },
    body: new URLSearchParams({ Version: '2010-08-01', ...params }).toString(),
  });
}

async function codeflowTargetGroup(aws: AwsClients): Promise<MetricDimension[]> {
  const alarm = await getAlarm(aws, 'Codeflow-HighLatency');
  assert.ok(alarm?.metric, 'Codeflow-HighLatency is seeded');
  return alarm.metric.dimensions;
}

const rateQueries = (dimensions: MetricDimension[]): MetricQuery[] => [
  { id: 'p95', namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions, stat: 'p95', period: 60 },
  { id: 'errors', namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions, stat: 'Sum', period: 60, returnData: false },
  { id: 'requests', namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions, stat: 'Sum', period: 60, returnData: false },
  { id: 'rate', expression: 'FILL(errors, 0) / requests * 100', label: '5xx %' },
];

describe('sandbox CloudWatch', { timeout: 120_000 }, () => {
  let running: RunningSandbox;
  let aws: AwsClients;
  before(async () => {
    running = await startSandbox({ seed: 42, speed: 0, startTime: START });
    aws = testClients(running.url);
  });
  after(() => running?.close());

  it('has a week of history for the fleet, with the baselines the guide expects', async () => {
    const dimensions = await codeflowTargetGroup(aws);
    const ecs = { ClusterName: 'codeflow-cluster', ServiceName: 'codeflow-service' };
    const [p95, requests, rate, cpu, memory] = await getMetricData(aws, {
      start: new Date(START - 7 * 86400_000),
      end: new Date(START),
      queries: [
        { id: 'p95', namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions, stat: 'p95', period: 3600 },
        { id: 'requests', namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions, stat: 'Average', period: 3600 },
        { id: 'errors', namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions, stat: 'Sum', period: 3600, returnData: false },
        { id: 'total', namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions, stat: 'Sum', period: 3600, returnData: false },
        { id: 'rate', expression: 'FILL(errors, 0) / total * 100' },
        { id: 'cpu', namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: ecs, stat: 'Average', period: 3600 },
        { id: 'memory', namespace: 'AWS/ECS', metricName: 'MemoryUtilization', dimensions: ecs, stat: 'Maximum', period: 3600 },
      ],
    });
    for (const s of [p95!, requests!, rate!, cpu!, memory!]) assert.equal(s.values.length, 168, `${s.id}: one datapoint per hour for 7 days`);
    assert.ok(p95!.values.every((v) => v > 0.08 && v < 0.2), 'p95 around 120 ms');
    assert.ok(Math.min(...requests!.values) < 450 && Math.max(...requests!.values) > 750, 'a diurnal curve between ~300 and ~900 req/min');
    assert.ok(rate!.values.every((v) => v < 1), '5xx well under 1 %');
    assert.ok(cpu!.values.every((v) => v > 15 && v < 60));
    assert.ok(memory!.values.every((v) => v > 35 && v < 70));
    assert.ok(p95!.timestamps.every((t, i) => i === 0 || t > p95!.timestamps[i - 1]!), 'ascending');
  });

  it('shows search-indexer climbing towards the OOM kill', async () => {
    const dimensions = { ClusterName: 'codeflow-staging', ServiceName: 'search-indexer' };
    const [highest, lowest] = await getMetricData(aws, {
      start: new Date(START - 12 * 3600_000),
      end: new Date(START),
      queries: [
        { id: 'highest', namespace: 'AWS/ECS', metricName: 'MemoryUtilization', dimensions, stat: 'Maximum', period: 300 },
        { id: 'lowest', namespace: 'AWS/ECS', metricName: 'MemoryUtilization', dimensions, stat: 'Minimum', period: 300 },
      ],
    });
    assert.ok(Math.max(...highest!.values) > 93, 'a task reaches ~95 % before its OOM kill');
    assert.ok(Math.max(...highest!.values) < 100);
    assert.ok(Math.min(...lowest!.values) < 45, 'and starts low again after it');
    const history = await describeAlarmHistory(aws, { alarmName: 'search-indexer-HighMemory', type: 'StateUpdate' });
    assert.ok(history.some((h) => h.summary === 'Alarm updated from OK to ALARM'), 'its alarm has flapped in the last day');
  });

  it('a bad rollout raises p95 above 500 ms and 5xx above 5 %, alarms, and recovers after the rollback', async () => {
    const dimensions = await codeflowTargetGroup(aws);
    const before = await advance(running, 300);
    const [baseline, baselineRate] = await getMetricData(aws, { start: new Date(before - 5 * MINUTE), end: new Date(before), queries: rateQueries(dimensions) });
    assert.ok(Math.max(...baseline!.values) < 0.2, 'healthy before');
    assert.ok(Math.max(...baselineRate!.values) < 1.5);
    assert.equal((await getAlarm(aws, 'Codeflow-HighLatency'))!.state, 'OK');

    const [service] = await describeServices(aws, 'codeflow-cluster', ['codeflow-service']);
    const bad = await registerTaskDefinition(aws, { baseTaskDefinitionArn: service!.taskDefinitionArn, images: { codeflow: '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.5.0-bad' } });
    await updateService(aws, { cluster: 'codeflow-cluster', service: 'codeflow-service', taskDefinition: bad.arn });

    const states: string[] = [];
    let now = before;
    for (let i = 0; i < 4; i++) {
      now = await advance(running, 60);
      states.push((await getAlarm(aws, 'Codeflow-HighLatency'))!.state);
      // The 5xx rollback trigger alarms on one bad minute, so on-call hears of it within a minute.
      if (i === 0) assert.equal((await getAlarm(aws, 'Codeflow-5xxRate'))!.state, 'ALARM', 'Codeflow-5xxRate within a minute of the rollout');
    }
    const [p95, rate] = await getMetricData(aws, { start: new Date(before), end: new Date(now), queries: rateQueries(dimensions) });
    assert.ok(Math.max(...p95!.values) > 0.5, `p95 above 500 ms during the failure (${p95!.values.map((v) => v.toFixed(3))})`);
    assert.ok(Math.max(...rate!.values) > 5, `5xx above 5 % during the failure (${rate!.values.map((v) => v.toFixed(1))})`);
    assert.ok(states.includes('ALARM'), `Codeflow-HighLatency went to ALARM (${states})`);
    assert.equal((await getAlarm(aws, 'Codeflow-5xxRate'))!.metrics?.length, 3, 'the 5xx alarm is metric math');

    now = await advance(running, 600);
    const [service2] = await describeServices(aws, 'codeflow-cluster', ['codeflow-service']);
    assert.equal(service2!.deployments[0]!.rolloutState, 'COMPLETED', 'the circuit breaker rolled back');
    const [after, afterRate] = await getMetricData(aws, { start: new Date(now - 3 * MINUTE), end: new Date(now), queries: rateQueries(dimensions) });
    assert.ok(Math.max(...after!.values) < 0.2, 'p95 back to normal');
    assert.ok(Math.max(...afterRate!.values) < 1.5, '5xx back to normal');
    for (const name of ['Codeflow-HighLatency', 'Codeflow-5xxRate']) {
      const alarm = (await getAlarm(aws, name))!;
      assert.equal(alarm.state, 'OK', `${name} recovered`);
      const history = await describeAlarmHistory(aws, { alarmName: name, type: 'StateUpdate', start: new Date(before) });
      assert.deepEqual(history.map((h) => h.summary), ['Alarm updated from ALARM to OK', 'Alarm updated from OK to ALARM'], `${name}: newest first`);
      const toAlarm = history[1]!.data as { oldState: { stateValue: string }; newState: { stateValue: string; stateReason: string; stateReasonData: { evaluatedDatapoints: unknown[] } } };
      assert.equal(toAlarm.newState.stateValue, 'ALARM');
      assert.match(toAlarm.newState.stateReason, name === 'Codeflow-5xxRate' ? /^Threshold Crossed: 1 out of the last 1 datapoint / : /^Threshold Crossed: 2 out of the last 3 datapoints/);
      assert.ok(toAlarm.newState.stateReasonData.evaluatedDatapoints.length >= (name === 'Codeflow-5xxRate' ? 1 : 2));
    }
  });

  it('SetAlarmState holds until the next evaluation, with history entries', async () => {
    await setAlarmState(aws, 'Codeflow-HighCPU', 'ALARM', 'Testing the pager', { source: 'test' });
    const set = (await getAlarm(aws, 'Codeflow-HighCPU'))!;
    assert.equal(set.state, 'ALARM');
    assert.equal(set.reason, 'Testing the pager');
    assert.deepEqual(set.reasonData, { source: 'test' });
    await advance(running, 60);
    assert.equal((await getAlarm(aws, 'Codeflow-HighCPU'))!.state, 'OK', 'the next evaluation puts it back');
    const [latest, previous] = await describeAlarmHistory(aws, { alarmName: 'Codeflow-HighCPU', type: 'StateUpdate', limit: 2 });
    assert.equal(latest!.summary, 'Alarm updated from ALARM to OK');
    assert.equal(previous!.summary, 'Alarm updated from OK to ALARM');
    await assert.rejects(setAlarmState(aws, 'no-such-alarm', 'OK', 'x'), (e: unknown) => isAppError(e) && e.code === 'not_found');
  });

  it('PutMetricAlarm creates and updates with ConfigurationUpdate history, and validates', async () => {
    await putMetricAlarm(aws, {
      name: 'test-worker-cpu',
      metric: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: { ClusterName: 'codeflow-cluster', ServiceName: 'codeflow-worker' }, statistic: 'p90', period: 60 },
      threshold: 95,
      comparison: 'GreaterThanThreshold',
      evaluationPeriods: 2,
    });
    const created = (await getAlarm(aws, 'test-worker-cpu'))!;
    assert.equal(created.state, 'INSUFFICIENT_DATA', 'unchecked until the next evaluation');
    assert.equal(created.metric?.statistic, 'p90');
    await advance(running, 60);
    assert.equal((await getAlarm(aws, 'test-worker-cpu'))!.state, 'OK');
    await putMetricAlarm(aws, { name: 'test-worker-cpu', metric: created.metric!, threshold: 90, comparison: 'GreaterThanThreshold', evaluationPeriods: 3 });
    const config = await describeAlarmHistory(aws, { alarmName: 'test-worker-cpu', type: 'ConfigurationUpdate', order: 'oldest' });
    assert.deepEqual(config.map((h) => h.summary), ['Alarm "test-worker-cpu" created', 'Alarm "test-worker-cpu" updated']);
    assert.equal((config[1]!.data as { type: string }).type, 'Update');

    const invalid = async (p: Promise<unknown>, pattern: RegExp) =>
      assert.rejects(p, (e: unknown) => {
        assert.ok(isAppError(e) && e.code === 'invalid', `expected invalid, got ${String(e)}`);
        assert.match(e.message, pattern);
        return true;
      });
    await invalid(putMetricAlarm(aws, { name: 'x', metric: { ...created.metric!, period: 45 }, threshold: 1, comparison: 'GreaterThanThreshold', evaluationPeriods: 1 }), /Period/);
    await invalid(
      putMetricAlarm(aws, { name: 'x', metrics: [{ id: 'e1', expression: '1' }, { id: 'e2', expression: '2' }], threshold: 1, comparison: 'GreaterThanThreshold', evaluationPeriods: 1 }),
      /Exactly one element of the Metrics list/,
    );
    await invalid(putMetricAlarm(aws, { name: 'x', metrics: [{ id: 'e1', expression: 'm9 * 2' }], threshold: 1, comparison: 'GreaterThanThreshold', evaluationPeriods: 1 }), /Unrecognized identifier m9/);
  });

  it('DescribeAlarms filters by name, prefix and state and pages past 100', async () => {
    for (let i = 0; i < 105; i++) {
      await putMetricAlarm(aws, {
        name: `bulk-${String(i).padStart(3, '0')}`,
        metric: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: { ClusterName: 'codeflow-cluster', ServiceName: 'notifications' }, statistic: 'Average', period: 300 },
        threshold: 99,
        comparison: 'GreaterThanThreshold',
        evaluationPeriods: 1,
      });
    }
    const bulk = await describeAlarms(aws, { prefix: 'bulk-' });
    assert.equal(bulk.length, 105);
    assert.equal(new Set(bulk.map((a) => a.name)).size, 105);
    const named = await describeAlarms(aws, { names: ['Codeflow-HighCPU', 'no-such-alarm', ...bulk.slice(0, 101).map((a) => a.name)] });
    assert.equal(named.length, 102, 'names are asked for 100 at a time; unknown names are left out');
    const insufficient = await describeAlarms(aws, { state: 'INSUFFICIENT_DATA' });
    assert.ok(insufficient.length >= 105 && insufficient.every((a) => a.state === 'INSUFFICIENT_DATA'));
    const cpu = (await describeAlarms(aws, { names: ['Codeflow-HighCPU'] }))[0]!;
    assert.deepEqual(cpu.metric, { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: [{ name: 'ClusterName', value: 'codeflow-cluster' }, { name: 'ServiceName', value: 'codeflow-service' }], statistic: 'Average', period: 300, unit: null });
    assert.equal(cpu.threshold, 80);
    assert.equal(cpu.comparison, 'GreaterThanThreshold');
    assert.equal(cpu.arn, 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:Codeflow-HighCPU');
  });

  it('ListMetrics filters by namespace, name and dimensions', async () => {
    const all: string[] = [];
    for await (const m of listMetrics(aws, { namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime' })) all.push(m.dimensions.map((d) => `${d.name}=${d.value}`).join(','));
    assert.ok(all.length >= 4 && all.every((d) => /^LoadBalancer=app\/codeflow(-staging)?-alb\/[0-9a-f]+,TargetGroup=targetgroup\/[\w-]+\/[0-9a-f]+$/.test(d)), all.join('\n'));
    const staging: string[] = [];
    for await (const m of listMetrics(aws, { namespace: 'AWS/ECS', dimensions: [{ name: 'ClusterName', value: 'codeflow-staging' }] })) staging.push(`${m.metricName}:${m.dimensions.find((d) => d.name === 'ServiceName')!.value}`);
    assert.ok(staging.includes('CPUUtilization:search-indexer') && staging.includes('MemoryUtilization:reports-worker'));
    assert.ok(staging.every((s) => !s.endsWith(':payments-api')));
  });

  it('honours GetMetricData limits, pagination, ScanBy and per-query messages on the wire', async () => {
    const metric = { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'ClusterName', Value: 'codeflow-cluster' }, { Name: 'ServiceName', Value: 'codeflow-service' }] };
    const query = (id: string) => ({ Id: id, MetricStat: { Metric: metric, Period: 3600, Stat: 'Average' } });
    const week = { StartTime: (START - 7 * 86400_000) / 1000, EndTime: START / 1000 };

    const tooMany = await cloudwatchJson(running, 'GetMetricData', { ...week, MetricDataQueries: Array.from({ length: 501 }, (_, i) => query(`m${i}`)) });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.headers.get('x-amzn-query-error'), 'ValidationError;Sender');
    assert.equal(((await tooMany.json()) as { __type: string }).__type, 'ValidationException');

    const pages: { MetricDataResults: { Id: string; Timestamps: number[]; Values: number[]; StatusCode: string }[]; NextToken?: string }[] = [];
    let token: string | undefined;
    do {
      const res = await cloudwatchJson(running, 'GetMetricData', { ...week, MetricDataQueries: [query('a'), query('b')], MaxDatapoints: 100, ScanBy: 'TimestampAscending', NextToken: token });
      assert.equal(res.status, 200);
      const page = (await res.json()) as (typeof pages)[number];
      pages.push(page);
      token = page.NextToken;
    } while (token);
    assert.equal(pages.length, 4, '2 × 168 datapoints in pages of 100');
    assert.equal(pages[0]!.MetricDataResults[0]!.StatusCode, 'PartialData');
    const a = pages.flatMap((p) => p.MetricDataResults.filter((r) => r.Id === 'a').flatMap((r) => r.Timestamps));
    assert.equal(a.length, 168);
    assert.ok(a.every((t, i) => i === 0 || t > a[i - 1]!), 'TimestampAscending');
    const descending = (await (await cloudwatchJson(running, 'GetMetricData', { ...week, MetricDataQueries: [query('a')] })).json()) as (typeof pages)[number];
    assert.ok(descending.MetricDataResults[0]!.Timestamps[0]! > descending.MetricDataResults[0]!.Timestamps[1]!, 'TimestampDescending by default');

    const math = (await (
      await cloudwatchJson(running, 'GetMetricData', { ...week, MetricDataQueries: [{ ...query('a'), ReturnData: false }, { Id: 'e1', Expression: 'a / (a - a)' }] })
    ).json()) as { MetricDataResults: { Id: string; Values: number[]; Messages: { Code: string }[] }[] };
    assert.deepEqual(math.MetricDataResults.map((r) => r.Id), ['e1'], 'ReturnData: false is not returned');
    assert.deepEqual(math.MetricDataResults[0]!.Values, []);
    assert.equal(math.MetricDataResults[0]!.Messages[0]!.Code, 'ArithmeticError');

    const syntax = await cloudwatchJson(running, 'GetMetricData', { ...week, MetricDataQueries: [query('a'), { Id: 'e1', Expression: 'a +* 2' }] });
    assert.equal(syntax.status, 400);
    assert.match(((await syntax.json()) as { message: string }).message, /Error in expression e1/);
  });

  it('splits more than 500 queries into batches that keep expressions with their inputs (lib)', async () => {
    const queries: MetricQuery[] = [];
    for (let i = 0; i < 300; i++) {
      const dimensions = { ClusterName: 'codeflow-cluster', ServiceName: 'codeflow-service' };
      queries.push({ id: `c${i}`, namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions, stat: 'Average', period: 300, returnData: false });
      queries.push({ id: `e${i}`, expression: `c${i} / 100` });
    }
    await fetch(`${running.url}/_sandbox/calls`, { method: 'DELETE' });
    const series = await getMetricData(aws, { start: new Date(START - 3600_000), end: new Date(START), queries });
    assert.equal(series.length, 300);
    assert.ok(series.every((s) => s.values.length === 12 && s.values.every((v) => v > 0.1 && v < 0.6)));
    const calls = (await (await fetch(`${running.url}/_sandbox/calls`)).json()) as { calls: Record<string, number> };
    assert.equal(calls.calls['monitoring:GetMetricData'], 2);
  });

  it('speaks the query protocol with XML for older clients', async () => {
    const alarms = await cloudwatchQuery(running, { Action: 'DescribeAlarms', 'AlarmNames.member.1': 'Codeflow-HighCPU' });
    assert.equal(alarms.status, 200);
    const xml = await alarms.text();
    assert.match(xml, /^<\?xml[^>]*>\n<DescribeAlarmsResponse xmlns="http:\/\/monitoring.amazonaws.com\/doc\/2010-08-01\/"><DescribeAlarmsResult><MetricAlarms><member><AlarmName>Codeflow-HighCPU<\/AlarmName>/);
    assert.match(xml, /<StateUpdatedTimestamp>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z<\/StateUpdatedTimestamp>/);
    assert.match(xml, /<Dimensions><member><Name>ClusterName<\/Name><Value>codeflow-cluster<\/Value><\/member>/);

    const data = await cloudwatchQuery(running, {
      Action: 'GetMetricData',
      StartTime: new Date(START - 600_000).toISOString(),
      EndTime: new Date(START).toISOString(),
      'MetricDataQueries.member.1.Id': 'm1',
      'MetricDataQueries.member.1.MetricStat.Metric.Namespace': 'AWS/ECS',
      'MetricDataQueries.member.1.MetricStat.Metric.MetricName': 'CPUUtilization',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name': 'ClusterName',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value': 'codeflow-cluster',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Name': 'ServiceName',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Value': 'codeflow-service',
      'MetricDataQueries.member.1.MetricStat.Period': '300',
      'MetricDataQueries.member.1.MetricStat.Stat': 'Average',
      'MetricDataQueries.member.1.ReturnData': 'true',
    });
    const body = await data.text();
    assert.match(body, /<Timestamps><member>2026-11-26T23:55:00\.000Z<\/member><member>2026-11-26T23:50:00\.000Z<\/member><\/Timestamps>/);
    assert.match(body, /<StatusCode>Complete<\/StatusCode>/);

    const stats = await cloudwatchQuery(running, {
      Action: 'GetMetricStatistics',
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      'Dimensions.member.1.Name': 'ClusterName',
      'Dimensions.member.1.Value': 'codeflow-cluster',
      'Dimensions.member.2.Name': 'ServiceName',
      'Dimensions.member.2.Value': 'codeflow-service',
      StartTime: new Date(START - 300_000).toISOString(),
      EndTime: new Date(START).toISOString(),
      Period: '300',
      'Statistics.member.1': 'Average',
      'ExtendedStatistics.member.1': 'p99',
    });
    assert.match(await stats.text(), /<Average>[\d.]+<\/Average><Unit>Percent<\/Unit><ExtendedStatistics><entry><key>p99<\/key><value>[\d.]+<\/value><\/entry><\/ExtendedStatistics>/);

    const missing = await cloudwatchQuery(running, { Action: 'SetAlarmState', AlarmName: 'ghost', StateValue: 'OK', StateReason: 'x' });
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /<Error><Type>Sender<\/Type><Code>ResourceNotFound<\/Code><Message>Alarm ghost not found<\/Message><\/Error>/);
  });
});

describe('sandbox CloudWatch at fleet scale', { timeout: 120_000 }, () => {
  let running: RunningSandbox;
  let aws: AwsClients;
  before(async () => {
    // 14:00 UTC on a weekday: near the traffic peak.
    running = await startSandbox({ seed: 7, speed: 0, fleetSize: 300, startTime: Date.parse('2026-11-27T14:00:00Z') });
    aws = testClients(running.url);
  });
  after(() => running?.close());

  it('reads a week of CPU for every service quickly, computing only what is asked', async () => {
    const services: string[] = [];
    for await (const m of listMetrics(aws, { namespace: 'AWS/ECS', metricName: 'CPUUtilization' })) services.push(m.dimensions.find((d) => d.name === 'ServiceName')!.value + '@' + m.dimensions.find((d) => d.name === 'ClusterName')!.value);
    assert.equal(services.length, 300);
    let metrics = 0;
    for await (const _ of listMetrics(aws)) metrics++;
    assert.ok(metrics > 600, 'more than a page of 500');
    const end = Date.parse('2026-11-27T14:00:00Z');
    const started = performance.now();
    const series = await getMetricData(aws, {
      start: new Date(end - 7 * 86400_000),
      end: new Date(end),
      queries: services.map((s, i) => {
        const [service, cluster] = s.split('@');
        return { id: `m${i}`, namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: { ClusterName: cluster!, ServiceName: service! }, stat: 'p90', period: 3600 };
      }),
    });
    const elapsed = performance.now() - started;
    assert.equal(series.length, 300);
    assert.ok(series.filter((s) => s.values.length === 168).length >= 290, 'crash-looping services may miss hours');
    assert.ok(elapsed < 10_000, `took ${Math.round(elapsed)} ms`);
  });

  it('Codeflow-HighCPU fires when codeflow-service is scaled down at peak, and recovers when scaled back', async () => {
    await updateService(aws, { cluster: 'codeflow-cluster', service: 'codeflow-service', desiredCount: 1 });
    let states: string[] = [];
    for (let i = 0; i < 12; i++) {
      await advance(running, 60);
      states.push((await getAlarm(aws, 'Codeflow-HighCPU'))!.state);
    }
    assert.ok(states.includes('ALARM'), `one task carries three tasks' load (${states})`);
    await updateService(aws, { cluster: 'codeflow-cluster', service: 'codeflow-service', desiredCount: 3 });
    states = [];
    for (let i = 0; i < 12; i++) {
      await advance(running, 60);
      states.push((await getAlarm(aws, 'Codeflow-HighCPU'))!.state);
    }
    assert.equal(states.at(-1), 'OK', `recovered (${states})`);
  });
});
