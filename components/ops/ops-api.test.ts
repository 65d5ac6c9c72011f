import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSettled, SETTLE_POLL_MS } from './ops-api';

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
