import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuMinute, serviceProfile, baselineState } from './metrics-model';
import { MetricStore, MinuteBuffer, MINUTE_MS } from './metrics-store';

const START = Date.UTC(2026, 10, 27);

describe('metric store', () => {
  it('keeps a bounded ring of minutes, growing as they arrive', () => {
    const buffer = new MinuteBuffer(false, 100);
    for (let m = 1000; m < 1250; m++) buffer.put(m, m % 7 === 0 ? undefined : { count: 1, sum: m, min: m, max: m });
    assert.equal(buffer.get(1249)?.sum, 1249);
    assert.equal(buffer.get(1150)?.sum, 1150);
    assert.equal(buffer.get(1149), undefined, 'older than the capacity is gone');
    assert.equal(buffer.get(1246), undefined, 'a minute recorded as missing stays missing');
    buffer.put(1260, { count: 1, sum: 1, min: 1, max: 1 });
    assert.equal(buffer.get(1255), undefined, 'skipped minutes read as missing');
  });

  it('synthesises history before the start and reads live minutes after, deterministically', () => {
    const profile = serviceProfile(42, 'codeflow-cluster', 'codeflow-service', 3, { bad: false, flaky: false });
    const build = () => {
      const store = new MetricStore();
      const series = store.add({ namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: [{ name: 'ServiceName', value: 's' }, { name: 'ClusterName', value: 'c' }], liveFrom: START, synthesize: (m) => cpuMinute(profile, m, baselineState(profile)) });
      store.record(series, START, { count: 3, sum: 270, min: 80, max: 100 });
      return { store, series };
    };
    const a = build();
    const b = build();
    assert.equal(a.store.find('AWS/ECS', 'CPUUtilization', [{ name: 'ClusterName', value: 'c' }, { name: 'ServiceName', value: 's' }]), a.series, 'dimension order does not matter');
    const week = a.store.query(a.series, START - 7 * 86400_000, START + MINUTE_MS, 3600, { kind: 'Average' });
    assert.equal(week.values.length, 7 * 24 + 1);
    assert.deepEqual(week, b.store.query(b.series, START - 7 * 86400_000, START + MINUTE_MS, 3600, { kind: 'Average' }), 'same seed, same history');
    assert.ok(week.values.slice(0, -1).every((v) => v >= 15 && v <= 60), 'codeflow-service CPU stays in its 20–50 % band (± noise)');
    assert.equal(week.values.at(-1), 90, 'the live minute');
    const beyond = a.store.query(a.series, START - 30 * 86400_000, START - 20 * 86400_000, 3600, { kind: 'Average' });
    assert.equal(beyond.values.length, 0, 'no 1-minute history older than 15 days');
  });
});
