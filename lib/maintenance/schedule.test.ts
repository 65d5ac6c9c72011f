import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addPeriod, compareSchedules, scheduleOf } from './schedule';

const at = (iso: string) => new Date(iso);

describe('addPeriod', () => {
  it('adds 7 days for weekly, calendar months for monthly and quarterly, clamping the day', () => {
    assert.equal(addPeriod(at('2026-11-27T09:30:00Z'), 'weekly').toISOString(), '2026-12-04T09:30:00.000Z');
    assert.equal(addPeriod(at('2026-01-31T08:00:00Z'), 'monthly').toISOString(), '2026-02-28T08:00:00.000Z');
    assert.equal(addPeriod(at('2028-01-31T08:00:00Z'), 'monthly').toISOString(), '2028-02-29T08:00:00.000Z');
    assert.equal(addPeriod(at('2026-11-30T23:59:59.500Z'), 'quarterly').toISOString(), '2027-02-28T23:59:59.500Z');
    assert.equal(addPeriod(at('2026-12-15T00:00:00Z'), 'monthly').toISOString(), '2027-01-15T00:00:00.000Z');
  });
});

describe('scheduleOf', () => {
  const done = at('2026-11-02T10:00:00Z');

  it('weekly: ok, due soon within a day, overdue a millisecond after the due time', () => {
    assert.deepEqual(scheduleOf('weekly', done, at('2026-11-05T10:00:00Z')), { dueAt: '2026-11-09T10:00:00.000Z', state: 'ok', neverDone: false });
    assert.equal(scheduleOf('weekly', done, at('2026-11-08T09:59:59Z')).state, 'ok');
    assert.equal(scheduleOf('weekly', done, at('2026-11-08T10:00:00Z')).state, 'due_soon');
    assert.equal(scheduleOf('weekly', done, at('2026-11-09T10:00:00Z')).state, 'due_soon');
    assert.equal(scheduleOf('weekly', done, at('2026-11-09T10:00:00.001Z')).state, 'overdue');
  });

  it('monthly is due soon three days ahead; quarterly seven', () => {
    assert.equal(scheduleOf('monthly', done, at('2026-11-29T09:59:59Z')).state, 'ok');
    assert.equal(scheduleOf('monthly', done, at('2026-11-29T10:00:00Z')).state, 'due_soon');
    assert.equal(scheduleOf('monthly', done, at('2026-12-02T10:00:01Z')).state, 'overdue');
    assert.equal(scheduleOf('quarterly', done, at('2027-01-26T09:59:59Z')).state, 'ok');
    assert.equal(scheduleOf('quarterly', done, at('2027-01-26T10:00:00Z')).state, 'due_soon');
    assert.equal(scheduleOf('quarterly', done, at('2027-02-02T10:00:01Z')).state, 'overdue');
  });

  it('never done: due at once without a tracking start, one period after it with one', () => {
    assert.deepEqual(scheduleOf('quarterly', null, at('2026-11-27T00:00:00Z')), { dueAt: null, state: 'overdue', neverDone: true });
    assert.deepEqual(scheduleOf('weekly', null, at('2026-11-03T00:00:00Z'), at('2026-11-01T00:00:00Z')), { dueAt: '2026-11-08T00:00:00.000Z', state: 'ok', neverDone: true });
    assert.equal(scheduleOf('weekly', null, at('2026-11-08T00:00:01Z'), at('2026-11-01T00:00:00Z')).state, 'overdue');
  });

  it('a completion wins over the tracking start', () => {
    const s = scheduleOf('weekly', at('2026-11-20T00:00:00Z'), at('2026-11-21T00:00:00Z'), at('2026-01-01T00:00:00Z'));
    assert.equal(s.dueAt, '2026-11-27T00:00:00.000Z');
    assert.equal(s.state, 'ok');
  });

  it('orders overdue (never done first) before due soon before ok', () => {
    const now = at('2026-11-27T00:00:00Z');
    const list = [
      scheduleOf('weekly', at('2026-11-25T00:00:00Z'), now),
      scheduleOf('weekly', at('2026-11-10T00:00:00Z'), now),
      scheduleOf('weekly', at('2026-11-20T12:00:00Z'), now),
      scheduleOf('monthly', null, now),
      scheduleOf('weekly', at('2026-11-15T00:00:00Z'), now),
    ].sort(compareSchedules);
    assert.deepEqual(list.map((s) => [s.state, s.dueAt]), [
      ['overdue', null],
      ['overdue', '2026-11-17T00:00:00.000Z'],
      ['overdue', '2026-11-22T00:00:00.000Z'],
      ['due_soon', '2026-11-27T12:00:00.000Z'],
      ['ok', '2026-12-02T00:00:00.000Z'],
    ]);
  });
});
