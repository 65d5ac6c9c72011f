import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuotaBudget, runInBackground, runWithWritePriority } from './quota-budget';
import { throttleBucketOf } from './throttle-buckets';

const scope = { account: '123456789012', region: 'us-east-1' };

describe('QuotaBudget', () => {
  it('maps Codeflow’s reads to AWS’s throttle buckets; writes are not budgeted', () => {
    assert.equal(throttleBucketOf('ecs', 'DescribeServices'), 'ecs.service-read');
    assert.equal(throttleBucketOf('ecs', 'ListServices'), 'ecs.service-read');
    assert.equal(throttleBucketOf('ecs', 'DescribeTasks'), 'ecs.cluster-resource-read');
    assert.equal(throttleBucketOf('ecs', 'DescribeTaskDefinition'), 'ecs.task-definition-read');
    assert.equal(throttleBucketOf('cloudwatch', 'GetMetricData'), 'cloudwatch.get-metric-data');
    assert.equal(throttleBucketOf('cloudwatch', 'DescribeAlarms'), 'cloudwatch.describe-alarms');
    assert.equal(throttleBucketOf('logs', 'FilterLogEvents'), 'logs.filter-log-events');
    assert.equal(throttleBucketOf('guardduty', 'ListFindings'), 'guardduty');
    assert.equal(throttleBucketOf('ecs', 'UpdateService'), null);
  });

  it('grants the share’s burst at once, then its refill rate; buckets are per account × Region', async () => {
    // 50 % of ECS service reads: burst 50, 10 a second.
    const budget = new QuotaBudget(50);
    const started = performance.now();
    for (let i = 0; i < 50; i++) assert.equal(budget.take(scope, 'ecs.service-read'), undefined);
    const waits = Array.from({ length: 5 }, () => budget.take(scope, 'ecs.service-read'));
    assert.ok(waits.every((w) => w instanceof Promise));
    // Another Region has its own bucket.
    assert.equal(budget.take({ ...scope, region: 'us-west-2' }, 'ecs.service-read'), undefined);
    await Promise.all(waits);
    const ms = performance.now() - started;
    assert.ok(ms >= 400 && ms < 2000, `5 calls at 10/s took ${ms.toFixed(0)} ms`);
    const stats = budget.stats().find((s) => s.region === 'us-east-1')!;
    assert.equal(stats.calls, 55);
    assert.equal(stats.budgetPerSecond, 10);
  });

  it('writes never wait, even when reads are queued', async () => {
    const budget = new QuotaBudget(10);
    for (let i = 0; i < 10; i++) budget.take(scope, 'ecs.service-read');
    const queued = budget.take(scope, 'ecs.service-read');
    assert.ok(queued instanceof Promise);
    await runWithWritePriority(async () => {
      assert.equal(budget.take(scope, 'ecs.service-read'), undefined);
    });
    await queued;
  });

  it('reads a person waits for go before queued background refreshes', async () => {
    const budget = new QuotaBudget(10);
    for (let i = 0; i < 10; i++) budget.take(scope, 'ecs.service-read');
    const order: string[] = [];
    const background = runInBackground(async () => {
      await budget.take(scope, 'ecs.service-read');
      order.push('background');
    });
    const page = (async () => {
      await budget.take(scope, 'ecs.service-read');
      order.push('page');
    })();
    await Promise.all([background, page]);
    assert.deepEqual(order, ['page', 'background']);
  });

  it('a throttling answer halves the share, which grows back while none come', () => {
    let now = 0;
    const budget = new QuotaBudget(40, { now: () => now });
    budget.throttled(scope, 'cloudwatch.describe-alarms');
    assert.equal(budget.effectivePct(scope, 'cloudwatch.describe-alarms'), 20);
    budget.throttled(scope, 'cloudwatch.describe-alarms');
    assert.equal(budget.effectivePct(scope, 'cloudwatch.describe-alarms'), 10);
    now += 5000;
    assert.ok(budget.effectivePct(scope, 'cloudwatch.describe-alarms') > 10);
    now += 60_000;
    assert.equal(budget.effectivePct(scope, 'cloudwatch.describe-alarms'), 40);
  });
});
