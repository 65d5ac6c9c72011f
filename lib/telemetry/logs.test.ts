import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../errors';
import { checkBalanced, createSemaphore, decodeTailCursor, encodeTailCursor, insightsKey, validateTimeRange } from './logs';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

function rejectsWith(fn: () => unknown, code: string, text: RegExp) {
  assert.throws(fn, (e: unknown) => isAppError(e) && e.code === code && text.test(e.message));
}

describe('validateTimeRange', () => {
  it('accepts a range within retention and not in the future', () => {
    assert.deepEqual(validateTimeRange({ start: NOW - 60 * MIN, end: NOW }, { now: NOW, retentionDays: 7 }), { start: NOW - 60 * MIN, end: NOW });
  });

  it('rejects reversed and empty ranges, naming the allowed range', () => {
    rejectsWith(() => validateTimeRange({ start: NOW, end: NOW - MIN }, { now: NOW, retentionDays: 7 }), 'invalid', /reversed.*allowed: from 2026-11-20T12:00:00.000Z/);
    rejectsWith(() => validateTimeRange({ start: NOW, end: NOW }, { now: NOW, retentionDays: 7 }), 'invalid', /reversed or empty/);
  });

  it('rejects the future beyond a little clock skew', () => {
    assert.ok(validateTimeRange({ start: NOW - MIN, end: NOW + 2 * MIN }, { now: NOW, retentionDays: null }));
    rejectsWith(() => validateTimeRange({ start: NOW - MIN, end: NOW + 60 * MIN }, { now: NOW, retentionDays: null }), 'invalid', /ends in the future/);
    rejectsWith(() => validateTimeRange({ start: NOW + 60 * MIN, end: NOW + 70 * MIN }, { now: NOW, retentionDays: null }), 'invalid', /starts in the future/);
  });

  it('rejects starts older than the retention, or than 30 days when kept longer', () => {
    rejectsWith(() => validateTimeRange({ start: NOW - 8 * DAY, end: NOW }, { now: NOW, retentionDays: 7 }), 'invalid', /7 days ago/);
    rejectsWith(() => validateTimeRange({ start: NOW - 31 * DAY, end: NOW }, { now: NOW, retentionDays: null }), 'invalid', /30 days ago/);
    rejectsWith(() => validateTimeRange({ start: NOW - 31 * DAY, end: NOW }, { now: NOW, retentionDays: 365 }), 'invalid', /30 days ago/);
  });
});

describe('createSemaphore', () => {
  it('runs at most `max` at once and hands slots on in order', async () => {
    const sem = createSemaphore(2, 1000);
    const a = await sem.acquire();
    const b = await sem.acquire();
    const order: string[] = [];
    const c = sem.acquire().then((release) => {
      order.push('c');
      return release;
    });
    const d = sem.acquire().then((release) => {
      order.push('d');
      return release;
    });
    assert.equal(sem.running, 2);
    assert.equal(sem.waiting, 2);
    a();
    a(); // releasing twice frees one slot only
    (await c)();
    b();
    (await d)();
    assert.deepEqual(order, ['c', 'd']);
    assert.equal(sem.running, 0);
  });

  it('gives up with rate_limited after the bounded wait', async () => {
    const sem = createSemaphore(1, 20, 'too many');
    const release = await sem.acquire();
    await assert.rejects(sem.acquire(), (e: unknown) => isAppError(e) && e.code === 'rate_limited' && e.message === 'too many');
    assert.equal(sem.waiting, 0);
    release();
    assert.equal(sem.running, 0);
  });
});

describe('insightsKey', () => {
  it('is the same for the same groups in any order, trimmed text and the same whole seconds', () => {
    assert.equal(insightsKey(['/b', '/a'], ' fields @message ', 1_000_100, 2_000_000), insightsKey(['/a', '/b', '/a'], 'fields @message', 1_000_900, 2_000_000));
  });

  it('differs when the query or range differs', () => {
    assert.notEqual(insightsKey(['/a'], 'fields @message', 0, 2000), insightsKey(['/a'], 'fields @timestamp', 0, 2000));
    assert.notEqual(insightsKey(['/a'], 'fields @message', 0, 2000), insightsKey(['/a'], 'fields @message', 0, 3000));
  });
});

describe('checkBalanced', () => {
  it('names the position of an unclosed brace or quote', () => {
    checkBalanced('{ $.status >= 500 }', 'Filter pattern');
    rejectsWith(() => checkBalanced('{ $.status >= 500', 'Filter pattern'), 'invalid', /unclosed "\{" opened at position 1/);
    rejectsWith(() => checkBalanced('fields @message | filter @message like "ERR', 'Query'), 'invalid', /position 40/);
    rejectsWith(() => checkBalanced('a)', 'Query'), 'invalid', /unexpected "\)" at position 2/);
  });
});

describe('tail cursors', () => {
  it('round-trip and reject tampering', () => {
    const cursor = { timestamp: NOW, eventIds: ['1', '2'] };
    assert.deepEqual(decodeTailCursor(encodeTailCursor(cursor)), cursor);
    rejectsWith(() => decodeTailCursor('not-a-cursor'), 'invalid', /cursor/);
  });
});
