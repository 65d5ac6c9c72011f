import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchQueries, reshapeAlarm, reshapeHistoryItem, reshapeMetricDataResult } from './cloudwatch';
import { toAppError } from './errors';
import type { MetricQuery } from './telemetry-types';

const metric = (id: string): MetricQuery => ({ id, namespace: 'AWS/ECS', metricName: 'CPUUtilization', stat: 'Average', period: 60 });

describe('lib/aws/cloudwatch', () => {
  it('batches queries by 500, keeping each expression with the queries it reads', () => {
    const queries: MetricQuery[] = [];
    for (let i = 0; i < 400; i++) queries.push(metric(`m${i}`), { id: `e${i}`, expression: `FILL(m${i}, 0) * 100` });
    const batches = batchQueries(queries);
    assert.equal(batches.length, 2);
    assert.ok(batches.every((b) => b.length <= 500));
    for (const batch of batches) {
      const ids = new Set(batch.map((q) => q.id));
      for (const q of batch) if (q.expression) assert.ok(ids.has(q.id.replace('e', 'm')), `${q.id} travels with its input`);
    }
    const withMetrics = batchQueries([metric('a'), { id: 'constant', expression: '1 + 1' }, metric('b'), { id: 'all', expression: 'SUM(METRICS())' }], 3);
    assert.deepEqual(withMetrics.map((b) => b.map((q) => q.id).sort()), [['a', 'all', 'b'], ['constant']], 'METRICS() pulls every metric into its batch');
    assert.throws(() => batchQueries([metric('a'), metric('b'), { id: 'e', expression: 'a + b' }], 2), /depend on each other/);
  });

  it('reshapes results into ascending ISO series', () => {
    const series = reshapeMetricDataResult({
      Id: 'm1',
      Label: 'CPU',
      Timestamps: [new Date('2026-11-27T00:02:00Z'), new Date('2026-11-27T00:01:00Z')],
      Values: [2, 1],
      StatusCode: 'Complete',
      Messages: [{ Code: 'ArithmeticError', Value: 'dropped' }],
    });
    assert.deepEqual(series, { id: 'm1', label: 'CPU', timestamps: ['2026-11-27T00:01:00.000Z', '2026-11-27T00:02:00.000Z'], values: [1, 2], status: 'Complete', messages: [{ code: 'ArithmeticError', value: 'dropped' }] });
  });

  it('reshapes alarms: single metric or metric math, reason data parsed', () => {
    const single = reshapeAlarm({
      AlarmName: 'Codeflow-HighLatency',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:Codeflow-HighLatency',
      StateValue: 'ALARM',
      StateReason: 'Threshold Crossed',
      StateReasonData: '{"version":"1.0"}',
      StateUpdatedTimestamp: new Date('2026-11-27T00:01:00Z'),
      StateTransitionedTimestamp: new Date('2026-11-27T00:00:00Z'),
      MetricName: 'TargetResponseTime',
      Namespace: 'AWS/ApplicationELB',
      ExtendedStatistic: 'p95',
      Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/codeflow-blue/1' }],
      Period: 60,
      Threshold: 0.5,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    assert.equal(single.updatedAt, '2026-11-27T00:00:00.000Z', 'the last transition, not the last update');
    assert.deepEqual(single.reasonData, { version: '1.0' });
    assert.deepEqual(single.metric, { namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions: [{ name: 'TargetGroup', value: 'targetgroup/codeflow-blue/1' }], statistic: 'p95', period: 60, unit: null });
    assert.equal(single.metrics, null);
    const math = reshapeAlarm({ AlarmName: 'rate', Metrics: [{ Id: 'e1', Expression: 'm1 / m2', ReturnData: true }, { Id: 'm1', MetricStat: { Metric: { Namespace: 'N', MetricName: 'M' }, Period: 60, Stat: 'Sum' }, ReturnData: false }] });
    assert.equal(math.metric, null);
    assert.equal(math.metrics![0]!.expression, 'm1 / m2');
    assert.equal(math.metrics![1]!.metric!.statistic, 'Sum');
  });

  it('parses HistoryData, keeping text that is not JSON', () => {
    assert.deepEqual(reshapeHistoryItem({ AlarmName: 'a', HistoryItemType: 'StateUpdate', HistoryData: '{"newState":{"stateValue":"OK"}}', Timestamp: new Date(0) }).data, { newState: { stateValue: 'OK' } });
    assert.equal(reshapeHistoryItem({ AlarmName: 'a', HistoryData: 'plain' }).data, 'plain');
  });

  it("maps CloudWatch's errors to AppError codes", () => {
    const sdkError = (name: string, status = 400) => Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status, requestId: 'r-1' } });
    assert.equal(toAppError(sdkError('ResourceNotFound', 404), 'SetAlarmState').code, 'not_found');
    for (const name of ['InvalidParameterValueException', 'InvalidParameterCombinationException', 'MissingRequiredParameterException', 'ValidationException', 'InvalidNextToken', 'InvalidFormatFault']) {
      assert.equal(toAppError(sdkError(name), 'PutMetricAlarm').code, 'invalid', name);
    }
    assert.equal(toAppError(sdkError('LimitExceededFault'), 'PutMetricAlarm').code, 'conflict');
    assert.equal(toAppError(sdkError('LimitExceededFault'), 'PutMetricAlarm').requestId, 'r-1');
  });
});
