/**
 * The same lib/aws/cloudwatch calls against moto and the Codeflow sandbox, so the sandbox cannot
 * drift from AWS's shapes. moto starts empty, so its metric is put there with PutMetricData;
 * the sandbox's comes from its fleet. Assertions are about shapes and semantics, not values.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { startSandbox } from '../../sandbox/server';
import { isAppError } from '../errors';
import type { AwsClients } from './client';
import { deleteAlarms, describeAlarmHistory, describeAlarms, getAlarm, getMetricData, listMetrics, putMetricAlarm, setAlarmActionsEnabled, setAlarmState } from './cloudwatch';
import { testClients } from './testing/fixtures';
import { findMotoServer, freePort, startMoto } from './testing/moto';
import type { MetricIdentity } from './telemetry-types';

type Check = 'Percentiles' | 'MathExpressions' | 'AlarmHistory' | 'AlarmValidation' | 'InitialState' | 'AlarmActions';

interface ContractTarget {
  aws: AwsClients;
  /** A metric with a datapoint every minute in [start, end). */
  metric: MetricIdentity;
  start: Date;
  end: Date;
  /** Why a check cannot run on this target. */
  lacks: Partial<Record<Check, string>>;
  close(): Promise<void>;
}

function contractSuite(name: string, setup: () => Promise<ContractTarget>): void {
  describe(`lib/aws/cloudwatch contract: ${name}`, { timeout: 180_000 }, () => {
    let target: ContractTarget;
    before(async () => {
      target = await setup();
    });
    after(async () => {
      await target?.close();
    });

    const metricQuery = (id: string, stat: string, period = 60) => ({ id, namespace: target.metric.namespace, metricName: target.metric.metricName, dimensions: target.metric.dimensions, stat, period });
    const alarmMetric = (statistic: string) => ({ namespace: target.metric.namespace, metricName: target.metric.metricName, dimensions: target.metric.dimensions, statistic, period: 60 });

    it('lists the metric with its dimensions', async () => {
      const found: MetricIdentity[] = [];
      for await (const m of listMetrics(target.aws, { namespace: target.metric.namespace, metricName: target.metric.metricName })) found.push(m);
      assert.ok(found.some((m) => JSON.stringify(m.dimensions) === JSON.stringify(target.metric.dimensions)), JSON.stringify(found));
      for (const m of found) {
        assert.equal(m.namespace, target.metric.namespace);
        assert.ok(m.dimensions.every((d) => typeof d.name === 'string' && typeof d.value === 'string'));
      }
    });

    it('gets metric data as ascending ISO series', async () => {
      const [sum, average] = await getMetricData(target.aws, { start: target.start, end: target.end, queries: [metricQuery('s', 'Sum'), metricQuery('a', 'Average')] });
      for (const series of [sum!, average!]) {
        assert.equal(series.status, 'Complete');
        assert.equal(series.timestamps.length, 10);
        assert.equal(series.values.length, 10);
        assert.ok(series.timestamps.every((t, i) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/.test(t) && (i === 0 || t > series.timestamps[i - 1]!)));
        assert.ok(series.values.every((v) => typeof v === 'number' && Number.isFinite(v)));
      }
      assert.equal(sum!.id, 's');
      const [empty] = await getMetricData(target.aws, { start: target.start, end: target.end, queries: [{ ...metricQuery('x', 'Sum'), metricName: 'CodeflowNoSuchMetric' }] });
      assert.deepEqual([empty!.timestamps, empty!.values], [[], []], 'an unknown metric is an empty series, not an error');
    });

    it('computes percentiles', async (t) => {
      if (target.lacks.Percentiles) return skip(t, target.lacks.Percentiles);
      const [p50, p99] = await getMetricData(target.aws, { start: target.start, end: target.end, queries: [metricQuery('p50', 'p50', 600), metricQuery('p99', 'p99', 600)] });
      assert.ok(p99!.values[0]! >= p50!.values[0]!);
    });

    it('evaluates metric math, leaving out ReturnData: false', async (t) => {
      if (target.lacks.MathExpressions) return skip(t, target.lacks.MathExpressions);
      const series = await getMetricData(target.aws, {
        start: target.start,
        end: target.end,
        queries: [{ ...metricQuery('m1', 'Sum'), returnData: false }, { id: 'e1', expression: 'm1 * 2', label: 'doubled' }],
      });
      assert.deepEqual(series.map((s) => s.id), ['e1']);
      const [raw] = await getMetricData(target.aws, { start: target.start, end: target.end, queries: [metricQuery('m1', 'Sum')] });
      assert.deepEqual(series[0]!.values, raw!.values.map((v) => v * 2));
      assert.equal(series[0]!.label, 'doubled');
    });

    it('puts, describes and sets alarms (single metric and metric math)', async (t) => {
      await putMetricAlarm(target.aws, { name: 'contract-latency', description: 'p95 latency', metric: alarmMetric('p95'), threshold: 0.5, comparison: 'GreaterThanThreshold', evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: 'notBreaching' });
      await putMetricAlarm(target.aws, {
        name: 'contract-math',
        metrics: [{ ...metricQuery('m1', 'Sum'), returnData: false }, { id: 'e1', expression: 'm1 * 2', label: 'doubled' }],
        threshold: 5,
        comparison: 'GreaterThanOrEqualToThreshold',
        evaluationPeriods: 1,
      });
      const latency = (await getAlarm(target.aws, 'contract-latency'))!;
      assert.match(latency.arn, /^arn:aws:cloudwatch:us-east-1:\d{12}:alarm:contract-latency$/);
      assert.equal(latency.description, 'p95 latency');
      assert.deepEqual(latency.metric, { ...alarmMetric('p95'), unit: null });
      assert.equal(latency.metrics, null);
      assert.equal(latency.threshold, 0.5);
      assert.equal(latency.comparison, 'GreaterThanThreshold');
      assert.equal(latency.evaluationPeriods, 3);
      assert.equal(latency.datapointsToAlarm, 2);
      assert.equal(latency.treatMissingData, 'notBreaching');
      assert.ok(['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(latency.state));
      assert.match(latency.updatedAt ?? '', /^\d{4}-/);
      if (!target.lacks.InitialState) assert.equal(latency.state, 'INSUFFICIENT_DATA');

      const math = (await getAlarm(target.aws, 'contract-math'))!;
      assert.equal(math.metric, null);
      assert.deepEqual(math.metrics!.map((q) => [q.id, q.returnData, q.expression]), [['m1', false, null], ['e1', true, 'm1 * 2']]);
      assert.equal(math.metrics![0]!.metric!.statistic, 'Sum');

      await setAlarmState(target.aws, 'contract-latency', 'ALARM', 'contract test');
      const set = (await getAlarm(target.aws, 'contract-latency'))!;
      assert.equal(set.state, 'ALARM');
      assert.equal(set.reason, 'contract test');
      assert.deepEqual((await describeAlarms(target.aws, { prefix: 'contract-' })).map((a) => a.name).sort(), ['contract-latency', 'contract-math']);
      assert.ok((await describeAlarms(target.aws, { state: 'ALARM' })).some((a) => a.name === 'contract-latency'));
      assert.equal(await getAlarm(target.aws, 'contract-no-such-alarm'), null);
    });

    // moto ignores MaxRecords and answers in one page; the sandbox pages by 100.
    it('turns alarm actions off and on, and deletes alarms', async (t) => {
      if (target.lacks.AlarmActions) return skip(t, target.lacks.AlarmActions);
      await putMetricAlarm(target.aws, { name: 'contract-actions', metric: alarmMetric('Sum'), threshold: 1, comparison: 'GreaterThanThreshold', evaluationPeriods: 1, alarmActions: [] });
      assert.equal((await getAlarm(target.aws, 'contract-actions'))!.actionsEnabled, true);
      await setAlarmActionsEnabled(target.aws, ['contract-actions'], false);
      assert.equal((await getAlarm(target.aws, 'contract-actions'))!.actionsEnabled, false);
      await setAlarmActionsEnabled(target.aws, ['contract-actions'], true);
      assert.equal((await getAlarm(target.aws, 'contract-actions'))!.actionsEnabled, true);
      await deleteAlarms(target.aws, ['contract-actions']);
      assert.equal(await getAlarm(target.aws, 'contract-actions'), null);
    });

    it('describes more than 100 alarms', async () => {
      for (let i = 0; i < 101; i++) {
        await putMetricAlarm(target.aws, { name: `contract-page-${String(i).padStart(3, '0')}`, metric: alarmMetric('Sum'), threshold: 1e9, comparison: 'GreaterThanThreshold', evaluationPeriods: 1 });
      }
      assert.equal((await describeAlarms(target.aws, { prefix: 'contract-page-' })).length, 101);
    });

    it('reads alarm history', async (t) => {
      if (target.lacks.AlarmHistory) return skip(t, target.lacks.AlarmHistory);
      await putMetricAlarm(target.aws, { name: 'contract-history', metric: alarmMetric('Sum'), threshold: 1, comparison: 'GreaterThanThreshold', evaluationPeriods: 1 });
      await setAlarmState(target.aws, 'contract-history', 'ALARM', 'contract history');
      const items = await describeAlarmHistory(target.aws, { alarmName: 'contract-history' });
      assert.equal(items[0]!.type, 'StateUpdate', 'newest first');
      assert.equal((items[0]!.data as { newState: { stateValue: string } }).newState.stateValue, 'ALARM');
      assert.ok(items.some((i) => i.type === 'ConfigurationUpdate'));
      const oldest = await describeAlarmHistory(target.aws, { alarmName: 'contract-history', order: 'oldest', type: 'ConfigurationUpdate' });
      assert.ok(oldest.length >= 1 && oldest.every((i) => i.type === 'ConfigurationUpdate'));
    });

    it('answers bad requests with AppErrors', async (t) => {
      await assert.rejects(setAlarmState(target.aws, 'contract-no-such-alarm', 'OK', 'x'), (e: unknown) => isAppError(e) && e.code === 'not_found');
      if (target.lacks.AlarmValidation) return skip(t, target.lacks.AlarmValidation);
      await assert.rejects(
        putMetricAlarm(target.aws, { name: 'contract-bad', metric: { ...alarmMetric('Average'), period: 45 }, threshold: 1, comparison: 'GreaterThanThreshold', evaluationPeriods: 1 }),
        (e: unknown) => isAppError(e) && e.code === 'invalid',
      );
    });
  });
}

function skip(t: TestContext, reason: string | undefined): void {
  t.skip(reason ?? 'not supported by this target');
}

const motoBin = findMotoServer();
if (!motoBin) {
  describe('lib/aws/cloudwatch contract: moto', () => {
    it('moto_server is not on PATH: the moto CloudWatch contract suite was NOT run', (t) => t.skip('moto_server not found on PATH'));
  });
} else {
  contractSuite('moto', async () => {
    const moto = await startMoto(motoBin);
    const aws = testClients(moto.endpoint);
    const metric: MetricIdentity = { namespace: 'Codeflow/Contract', metricName: 'Latency', dimensions: [{ name: 'Service', value: 'contract' }] };
    const end = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const start = new Date(end.getTime() - 10 * 60_000);
    // lib/aws writes no metrics, so the fixture uses the SDK directly.
    await aws.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: metric.namespace,
        MetricData: Array.from({ length: 10 }, (_, i) => ({ MetricName: metric.metricName, Dimensions: metric.dimensions.map((d) => ({ Name: d.name, Value: d.value })), Timestamp: new Date(start.getTime() + i * 60_000), Value: 0.1 * (i + 1), Unit: 'Seconds' })),
      }),
    );
    return {
      aws,
      metric,
      start,
      end,
      lacks: {
        Percentiles: 'moto fails GetMetricData with an extended statistic (p50, p99)',
        MathExpressions: 'moto evaluates only expressions that are a bare query id',
        AlarmHistory: 'moto does not implement DescribeAlarmHistory',
        AlarmActions: 'moto does not implement EnableAlarmActions / DisableAlarmActions',
        AlarmValidation: 'moto does not validate PutMetricAlarm (periods, operators)',
        InitialState: 'moto starts new alarms in OK, not INSUFFICIENT_DATA',
      },
      close: () => moto.stop(),
    };
  });
}

contractSuite('sandbox', async () => {
  const startTime = Date.parse('2026-11-27T00:00:00Z');
  const running = await startSandbox({ port: await freePort(), seed: 42, speed: 0, startTime });
  return {
    aws: testClients(running.url),
    metric: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: [{ name: 'ClusterName', value: 'codeflow-cluster' }, { name: 'ServiceName', value: 'codeflow-service' }] },
    start: new Date(startTime - 10 * 60_000),
    end: new Date(startTime),
    lacks: {},
    close: () => running.close(),
  };
});
