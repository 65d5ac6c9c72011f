import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAfter, formatCountdown, formatDuration, fromUtcLocalInput, toUtcLocalInput } from './format';

test('durations keep two units, largest first', () => {
  assert.equal(formatDuration(-5), '0s');
  assert.equal(formatDuration(59_999), '59s');
  assert.equal(formatDuration(245_000), '4m 05s');
  assert.equal(formatDuration(3_720_000), '1h 02m');
  assert.equal(formatDuration(2 * 86_400_000 + 3 * 3_600_000), '2d 3h');
});

test('countdowns carry units, round up to the second and never go negative', () => {
  assert.equal(formatCountdown(9_500), 'in 10 s');
  assert.equal(formatCountdown(598_001), 'in 9 min 59 s');
  assert.equal(formatCountdown(3_899_000), 'in 1 h 4 min');
  assert.equal(formatCountdown(-1000), 'now');
  assert.equal(formatCountdown(86_400_000 + 3 * 3_600_000), 'in 1 d 3 h');
});

test('matrix times read as the guide writes them', () => {
  assert.equal(formatAfter(15), '15 min');
  assert.equal(formatAfter(60), '1 h');
  assert.equal(formatAfter(1440), '24 h');
  assert.equal(formatAfter(90), '1 h 30 min');
});

test('datetime-local values are UTC and keep seconds', () => {
  const ms = Date.parse('2026-03-01T10:14:50.700Z');
  assert.equal(toUtcLocalInput(ms), '2026-03-01T10:14:50');
  assert.equal(fromUtcLocalInput('2026-03-01T10:14:50'), '2026-03-01T10:14:50.000Z');
  assert.equal(fromUtcLocalInput('2026-03-01T10:14'), '2026-03-01T10:14:00.000Z');
  assert.equal(fromUtcLocalInput('yesterday'), null);
  assert.equal(fromUtcLocalInput(''), null);
});
