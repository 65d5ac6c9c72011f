import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventIdOf, indexAtTime, LogStore } from './logs-store';

describe('log store', () => {
  it('keeps events in time order whatever order they arrive in', () => {
    const store = new LogStore('us-east-1');
    const group = store.ensureGroup('/g', 0);
    store.append(group, 'a', [{ timestamp: 300, message: 'c', ingestionTime: 301 }, { timestamp: 100, message: 'a', ingestionTime: 101 }]);
    store.append(group, 'b', [{ timestamp: 200, message: 'b', ingestionTime: 201 }]);
    assert.deepEqual(group.events.map((e) => e.message), ['a', 'b', 'c']);
    assert.equal(indexAtTime(group.events, 150), 1);
    assert.ok(eventIdOf(99, 10) < eventIdOf(100, 1), 'ids sort by time first');
    assert.equal(group.streams.get('a')?.firstEventTimestamp, 100);
    assert.equal(group.streams.get('a')?.lastEventTimestamp, 300);
  });

  it('is bounded: a ring buffer per group and a retention window', () => {
    const store = new LogStore('us-east-1', { maxEventsPerGroup: 100, retentionMs: 1000 });
    const group = store.ensureGroup('/g', 0);
    for (let t = 0; t < 500; t++) store.append(group, `s${t % 3}`, [{ timestamp: t, message: `m${t}`, ingestionTime: t }]);
    assert.ok(group.events.length <= 125);
    assert.equal(group.events.at(-1)?.message, 'm499');
    store.append(group, 'late', [{ timestamp: 5000, message: 'late', ingestionTime: 5000 }]);
    store.prune(5500);
    assert.deepEqual(group.events.map((e) => e.message), ['late']);
    assert.deepEqual([...group.streams.keys()], ['late'], 'streams without events in the window go too');
    assert.equal(group.storedBytes, group.streams.get('late')!.storedBytes);
  });
});
