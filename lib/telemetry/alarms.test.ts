import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alarm } from '../aws/telemetry-types';
import { compareAlarms, describeCondition, servicesOfAlarm, targetGroupDimension, toHistoryEntry } from './alarms';

function alarm(extra: Partial<Alarm>): Alarm {
  return {
    name: 'a',
    arn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:a',
    description: null,
    state: 'OK',
    reason: '',
    reasonData: null,
    updatedAt: null,
    configurationUpdatedAt: null,
    actionsEnabled: true,
    alarmActions: [],
    okActions: [],
    insufficientDataActions: [],
    metric: null,
    metrics: null,
    threshold: 80,
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 1,
    datapointsToAlarm: null,
    treatMissingData: null,
    ...extra,
  };
}

const ecsCpu = { namespace: 'AWS/ECS', metricName: 'CPUUtilization', statistic: 'Average', period: 300, unit: null, dimensions: [{ name: 'ClusterName', value: 'c1' }, { name: 'ServiceName', value: 's1' }] };
const tg = 'targetgroup/web-blue/0123456789abcdef';
const index = new Map([[tg, [{ cluster: 'c1', service: 'web' }]]]);

describe('alarms read model', () => {
  it('says the condition in words', () => {
    assert.equal(describeCondition(alarm({ metric: ecsCpu })), 'CPUUtilization Average > 80 for 1×300 s');
    assert.equal(describeCondition(alarm({ metric: ecsCpu, evaluationPeriods: 3, datapointsToAlarm: 2, comparison: 'GreaterThanOrEqualToThreshold' })), 'CPUUtilization Average ≥ 80 for 2 of 3×300 s');
  });

  it('maps ECS dimensions, target groups and metric math inputs to services', () => {
    assert.deepEqual(servicesOfAlarm(alarm({ metric: ecsCpu }), index), [{ cluster: 'c1', service: 's1' }]);
    const alb = { ...ecsCpu, namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions: [{ name: 'TargetGroup', value: tg }, { name: 'LoadBalancer', value: 'app/lb/1' }] };
    assert.deepEqual(servicesOfAlarm(alarm({ metric: alb }), index), [{ cluster: 'c1', service: 'web' }]);
    const math = alarm({
      metrics: [
        { id: 'e1', expression: '100*m1/m2', metric: null, label: null, returnData: true, period: null },
        { id: 'm1', expression: null, metric: alb, label: null, returnData: false, period: null },
        { id: 'm2', expression: null, metric: ecsCpu, label: null, returnData: false, period: null },
      ],
    });
    assert.deepEqual(servicesOfAlarm(math, index), [{ cluster: 'c1', service: 's1' }, { cluster: 'c1', service: 'web' }]);
    assert.match(describeCondition(math), /^100\*m1\/m2 > 80 for 1×300 s$/);
  });

  it('takes the TargetGroup dimension from an ARN', () => {
    assert.equal(targetGroupDimension(`arn:aws:elasticloadbalancing:us-east-1:123456789012:${tg}`), tg);
  });

  it('puts ALARM first, then INSUFFICIENT_DATA, then OK, newest first within a state', () => {
    const rows = [
      { name: 'ok', state: 'OK', updatedAt: '2026-01-01T00:00:03Z' },
      { name: 'old', state: 'ALARM', updatedAt: '2026-01-01T00:00:01Z' },
      { name: 'idk', state: 'INSUFFICIENT_DATA', updatedAt: '2026-01-01T00:00:05Z' },
      { name: 'new', state: 'ALARM', updatedAt: '2026-01-01T00:00:02Z' },
    ];
    assert.deepEqual(rows.sort(compareAlarms).map((r) => r.name), ['new', 'old', 'idk', 'ok']);
  });

  it('reads state changes from history data', () => {
    const e = toHistoryEntry({
      alarmName: 'a',
      alarmType: 'MetricAlarm',
      timestamp: '2026-01-01T00:00:00Z',
      type: 'StateUpdate',
      summary: 'Alarm updated from OK to ALARM',
      data: { oldState: { stateValue: 'OK' }, newState: { stateValue: 'ALARM', stateReason: 'Threshold Crossed' } },
    });
    assert.deepEqual([e.oldState, e.newState, e.reason], ['OK', 'ALARM', 'Threshold Crossed']);
  });
});
