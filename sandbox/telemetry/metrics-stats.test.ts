import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mixtureQuantile, normalCdf, normalQuantile, parseStatistic, statisticOf, weightedQuantile, type MinuteStats } from './metrics-stats';

const close = (actual: number | undefined, expected: number, tolerance: number) => assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${actual} ≈ ${expected} ± ${tolerance}`);

function latencyMinute(median: number, sigma: number, count: number, slowShare = 0, slowMedian = 1): MinuteStats {
  return { count, sum: count * median, min: 0, max: 10, latency: { median, sigma, slowShare, slowMedian, slowSigma: 0.5 } };
}

describe('statistics', () => {
  it('parses the statistics CloudWatch accepts', () => {
    assert.deepEqual(parseStatistic('Average'), { kind: 'Average' });
    assert.deepEqual(parseStatistic('p99.9'), { kind: 'percentile', p: 99.9 });
    assert.deepEqual(parseStatistic('p100'), { kind: 'percentile', p: 100 });
    for (const bad of ['average', 'p101', 'TM99', 'p', '']) assert.equal(parseStatistic(bad), null, bad);
  });

  it('aggregates minutes into Sum, Average, Minimum, Maximum and SampleCount', () => {
    const minutes: MinuteStats[] = [
      { count: 3, sum: 90, min: 20, max: 40 },
      { count: 1, sum: 50, min: 50, max: 50 },
    ];
    assert.equal(statisticOf(minutes, { kind: 'Sum' }), 140);
    assert.equal(statisticOf(minutes, { kind: 'SampleCount' }), 4);
    assert.equal(statisticOf(minutes, { kind: 'Average' }), 35);
    assert.equal(statisticOf(minutes, { kind: 'Minimum' }), 20);
    assert.equal(statisticOf(minutes, { kind: 'Maximum' }), 50);
    assert.equal(statisticOf([], { kind: 'Sum' }), undefined);
  });

  it('inverts the normal distribution', () => {
    close(normalQuantile(0.95), 1.6449, 1e-3);
    close(normalQuantile(0.01), -2.3263, 1e-3);
    close(normalCdf(normalQuantile(0.7)), 0.7, 1e-5);
  });

  it('takes lognormal percentiles exactly (median·e^(zσ))', () => {
    const minute = latencyMinute(0.05, 0.5, 1000);
    close(mixtureQuantile([minute], 0.5), 0.05, 1e-4);
    close(mixtureQuantile([minute], 0.95), 0.05 * Math.exp(1.6449 * 0.5), 1e-3);
    close(mixtureQuantile([minute], 0.99), 0.05 * Math.exp(2.3263 * 0.5), 1e-3);
  });

  it('weights minutes by their requests and lets a slow tail move p95/p99 but not p50', () => {
    const healthy = latencyMinute(0.05, 0.5, 900);
    const failing = latencyMinute(0.05, 0.5, 100, 0.5, 2);
    const p50 = mixtureQuantile([healthy, failing], 0.5)!;
    const p99 = mixtureQuantile([healthy, failing], 0.99)!;
    assert.ok(p50 < 0.06, `p50 ${p50}`);
    assert.ok(p99 > 1, `p99 ${p99}`);
    // 5 % of requests are slow: p95 sits at the boundary, p90 stays fast.
    assert.ok(mixtureQuantile([healthy, failing], 0.9)! < 0.2);
  });

  it('takes percentiles of plain metrics over their minute values', () => {
    assert.equal(weightedQuantile([{ value: 1, weight: 1 }, { value: 5, weight: 1 }, { value: 3, weight: 2 }], 0.5), 3);
    const minutes: MinuteStats[] = [10, 20, 30, 40].map((v) => ({ count: 1, sum: v, min: v, max: v }));
    assert.equal(statisticOf(minutes, { kind: 'percentile', p: 75 }), 30);
    assert.equal(statisticOf(minutes, { kind: 'percentile', p: 100 }), 40);
  });
});
