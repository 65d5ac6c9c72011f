import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCountdown, formatSpan } from './duration';

test('spans carry units, largest first, and never carry over', () => {
  assert.equal(formatSpan(-5), '0 s');
  assert.equal(formatSpan(45_900), '45 s');
  assert.equal(formatSpan(598_000), '9 min 58 s');
  assert.equal(formatSpan(120_000), '2 min');
  assert.equal(formatSpan(48 * 60_000 + 59_999), '48 min');
  assert.equal(formatSpan((2 * 3600 + 48 * 60 + 30) * 1000), '2 h 48 min');
  // 18 h 59 min 45 s: the old CLI rounded the minutes and printed "18h60m".
  assert.equal(formatSpan((18 * 3600 + 59 * 60 + 45) * 1000), '18 h 59 min');
  assert.equal(formatSpan(3 * 3600_000), '3 h');
  assert.equal(formatSpan((3 * 86_400 + 4 * 3600 + 59 * 60) * 1000), '3 d 4 h');
});

test('countdowns say "in" with units, round up to the second and end at "now"', () => {
  assert.equal(formatCountdown((2 * 3600 + 48 * 60 + 30) * 1000), 'in 2 h 48 min');
  assert.equal(formatCountdown(9_500), 'in 10 s');
  assert.equal(formatCountdown(1), 'in 1 s');
  assert.equal(formatCountdown(0), 'now');
  assert.equal(formatCountdown(-1000), 'now');
});
