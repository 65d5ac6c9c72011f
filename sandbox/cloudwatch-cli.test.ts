import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from './server';
import { AWS_CLI_MISSING, awsCli, awsCliAvailable } from './testing/aws-cli';

/** The deployment guide's CloudWatch commands (§4.1), run with the real AWS CLI against the sandbox. */
const available = await awsCliAvailable();
const START = Date.parse('2026-11-27T00:00:00Z');

/** The guide's command, word for word. */
const GUIDE_PUT_METRIC_ALARM = [
  'cloudwatch', 'put-metric-alarm',
  '--alarm-name', 'Codeflow-HighCPU',
  '--alarm-description', 'CPU utilization is high',
  '--metric-name', 'CPUUtilization',
  '--namespace', 'AWS/ECS',
  '--statistic', 'Average',
  '--period', '300',
  '--threshold', '80',
  '--comparison-operator', 'GreaterThanThreshold',
  '--dimensions', 'Name=ClusterName,Value=codeflow-cluster', 'Name=ServiceName,Value=codeflow-service',
];

describe('AWS CLI against the sandbox: CloudWatch (guide §4.1)', { skip: available ? false : AWS_CLI_MISSING, timeout: 120_000 }, () => {
  let running: RunningSandbox;
  let aws: (...args: string[]) => Promise<any>;
  let awsFails: (...args: string[]) => Promise<string>;

  before(async () => {
    running = await startSandbox({ seed: 42, speed: 0, startTime: START });
    ({ aws, awsFails } = awsCli(running.url));
  });
  after(() => running?.close());

  const advance = (seconds: number) => fetch(`${running.url}/_sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds }) });

  it('put-metric-alarm: the guide\'s command needs --evaluation-periods; with it, Codeflow-HighCPU is updated', async () => {
    // Current CLIs no longer check EvaluationPeriods themselves (the model made it optional for PromQL alarms); CloudWatch does.
    assert.match(await awsFails(...GUIDE_PUT_METRIC_ALARM), /ValidationError.*evaluationPeriods/);
    assert.equal(await aws(...GUIDE_PUT_METRIC_ALARM, '--evaluation-periods', '1'), null);
    const out = await aws('cloudwatch', 'describe-alarms', '--alarm-names', 'Codeflow-HighCPU');
    const alarm = out.MetricAlarms[0];
    assert.equal(alarm.AlarmDescription, 'CPU utilization is high');
    assert.equal(alarm.Namespace, 'AWS/ECS');
    assert.equal(alarm.Statistic, 'Average');
    assert.equal(alarm.Period, 300);
    assert.equal(alarm.Threshold, 80);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanThreshold');
    assert.deepEqual(alarm.Dimensions, [{ Name: 'ClusterName', Value: 'codeflow-cluster' }, { Name: 'ServiceName', Value: 'codeflow-service' }]);
    assert.equal(alarm.StateValue, 'OK', 'the seeded alarm keeps its state across an update');
    const history = await aws('cloudwatch', 'describe-alarm-history', '--alarm-name', 'Codeflow-HighCPU', '--history-item-type', 'ConfigurationUpdate');
    assert.equal(history.AlarmHistoryItems[0].HistorySummary, 'Alarm "Codeflow-HighCPU" updated');
  });

  it('describe-alarms filters by prefix and state', async () => {
    const codeflow = await aws('cloudwatch', 'describe-alarms', '--alarm-name-prefix', 'Codeflow-');
    assert.deepEqual(codeflow.MetricAlarms.map((a: { AlarmName: string }) => a.AlarmName), ['Codeflow-5xxRate', 'Codeflow-HighCPU', 'Codeflow-HighLatency', 'Codeflow-HighMemory']);
    const math = codeflow.MetricAlarms.find((a: { AlarmName: string }) => a.AlarmName === 'Codeflow-5xxRate');
    assert.equal(math.Metrics.find((q: { ReturnData: boolean }) => q.ReturnData).Expression, 'FILL(m1, 0) / m2 * 100');
    const ok = await aws('cloudwatch', 'describe-alarms', '--state-value', 'OK');
    assert.ok(ok.MetricAlarms.length >= 4 && ok.MetricAlarms.every((a: { StateValue: string }) => a.StateValue === 'OK'));
  });

  it('get-metric-data with a math expression, and get-metric-statistics with percentiles', async () => {
    const queries = [
      { Id: 'cpu', MetricStat: { Metric: { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'ClusterName', Value: 'codeflow-cluster' }, { Name: 'ServiceName', Value: 'codeflow-service' }] }, Period: 300, Stat: 'Average' }, ReturnData: false },
      { Id: 'headroom', Expression: '100 - cpu', Label: 'CPU headroom' },
    ];
    const data = await aws('cloudwatch', 'get-metric-data', '--metric-data-queries', JSON.stringify(queries), '--start-time', '2026-11-26T23:00:00Z', '--end-time', '2026-11-27T00:00:00Z', '--scan-by', 'TimestampAscending');
    assert.equal(data.MetricDataResults.length, 1);
    const [result] = data.MetricDataResults;
    assert.equal(result.Label, 'CPU headroom');
    assert.equal(result.Values.length, 12);
    assert.ok(result.Values.every((v: number) => v > 40 && v < 85));
    assert.equal(result.StatusCode, 'Complete');

    const stats = await aws(
      'cloudwatch', 'get-metric-statistics',
      '--namespace', 'AWS/ECS', '--metric-name', 'CPUUtilization',
      '--dimensions', 'Name=ClusterName,Value=codeflow-cluster', 'Name=ServiceName,Value=codeflow-service',
      '--start-time', '2026-11-26T23:00:00Z', '--end-time', '2026-11-27T00:00:00Z', '--period', '3600',
      '--statistics', 'Average', 'Maximum', '--extended-statistics', 'p99',
    );
    assert.equal(stats.Label, 'CPUUtilization');
    const [point] = stats.Datapoints;
    assert.equal(point.Unit, 'Percent');
    assert.ok(point.Maximum >= point.Average);
    assert.equal(typeof point.ExtendedStatistics.p99, 'number');
  });

  it('list-metrics filters by namespace and dimension', async () => {
    const out = await aws('cloudwatch', 'list-metrics', '--namespace', 'AWS/ECS', '--dimensions', 'Name=ServiceName,Value=search-indexer');
    assert.deepEqual(out.Metrics.map((m: { MetricName: string }) => m.MetricName).sort(), ['CPUUtilization', 'MemoryUtilization']);
  });

  it('set-alarm-state until the next evaluation, with history', async () => {
    assert.equal(await aws('cloudwatch', 'set-alarm-state', '--alarm-name', 'Codeflow-HighCPU', '--state-value', 'ALARM', '--state-reason', 'Testing the on-call page'), null);
    const set = await aws('cloudwatch', 'describe-alarms', '--alarm-names', 'Codeflow-HighCPU');
    assert.equal(set.MetricAlarms[0].StateValue, 'ALARM');
    assert.equal(set.MetricAlarms[0].StateReason, 'Testing the on-call page');
    await advance(60);
    const back = await aws('cloudwatch', 'describe-alarms', '--alarm-names', 'Codeflow-HighCPU');
    assert.equal(back.MetricAlarms[0].StateValue, 'OK');
    const history = await aws('cloudwatch', 'describe-alarm-history', '--alarm-name', 'Codeflow-HighCPU', '--history-item-type', 'StateUpdate', '--max-records', '2');
    assert.deepEqual(history.AlarmHistoryItems.map((h: { HistorySummary: string }) => h.HistorySummary), ['Alarm updated from ALARM to OK', 'Alarm updated from OK to ALARM']);
    assert.equal(JSON.parse(history.AlarmHistoryItems[1].HistoryData).newState.stateReason, 'Testing the on-call page');
  });

  it('answers bad requests with the errors CloudWatch gives', async () => {
    assert.match(await awsFails('cloudwatch', 'set-alarm-state', '--alarm-name', 'no-such-alarm', '--state-value', 'OK', '--state-reason', 'x'), /ResourceNotFound.*Alarm no-such-alarm not found/);
    assert.match(
      await awsFails('cloudwatch', 'get-metric-data', '--metric-data-queries', JSON.stringify([{ Id: 'e1', Expression: 'SUM(' }]), '--start-time', '2026-11-26T23:00:00Z', '--end-time', '2026-11-27T00:00:00Z'),
      /ValidationError.*Error in expression e1/,
    );
    assert.match(
      await awsFails('cloudwatch', 'put-metric-alarm', '--alarm-name', 'x', '--metric-name', 'CPUUtilization', '--namespace', 'AWS/ECS', '--statistic', 'Average', '--extended-statistic', 'p99', '--period', '60', '--threshold', '1', '--evaluation-periods', '1', '--comparison-operator', 'GreaterThanThreshold'),
      /InvalidParameterCombination/,
    );
  });
});
