import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '@/lib/api/fetch-json';
import { isSettled, queriesStaleAfter, readOnlyQuery, SETTLE_POLL_MS } from './ops-api';

describe('isSettled: when the progress view stops polling an operation', () => {
  const now = Date.parse('2026-11-27T08:22:40Z');
  it('never while it runs', () => {
    assert.equal(isSettled({ status: 'verifying', finishedAt: null }, now), false);
  });
  it('not right after it finished: the automatic rollback it starts is linked moments later', () => {
    assert.equal(isSettled({ status: 'rolled_back', finishedAt: '2026-11-27T08:22:37.362Z' }, now), false);
  });
  it('once the settle window has passed', () => {
    assert.equal(isSettled({ status: 'rolled_back', finishedAt: '2026-11-27T08:22:37.362Z' }, Date.parse('2026-11-27T08:22:37.362Z') + SETTLE_POLL_MS), true);
    assert.equal(isSettled({ status: 'succeeded', finishedAt: '2026-11-27T07:00:00Z' }, now), true);
  });
  it('at once when a finished operation has no finish time to go by', () => {
    assert.equal(isSettled({ status: 'failed', finishedAt: null }, now), true);
  });
});

describe('queriesStaleAfter: a refusal re-reads what it says has changed, by its sub-code', () => {
  const refusal = (status: number, subCode?: string) => new ApiError(status, 'x', 'any words at all', undefined, { subCode });
  it('the operation moved on: stale plan, still awaiting approval, another one holds the lock', () => {
    for (const subCode of ['stale_plan', 'approval_required', 'locked']) assert.deepEqual(queriesStaleAfter(refusal(409, subCode)), [['operations']], subCode);
  });
  it('read-only mode was turned on', () => {
    assert.deepEqual(queriesStaleAfter(refusal(403, 'read_only')), [readOnlyQuery().queryKey]);
  });
  it('bad input, a sub-code this build does not know, or none: nothing to re-read, whatever the message says', () => {
    assert.deepEqual(queriesStaleAfter(refusal(400, 'invalid')), []);
    assert.deepEqual(queriesStaleAfter(refusal(409, 'something_new')), []);
    assert.deepEqual(queriesStaleAfter(new ApiError(409, 'conflict', 'the service changed since you planned')), []);
    assert.deepEqual(queriesStaleAfter(new Error('read-only')), []);
  });
});
