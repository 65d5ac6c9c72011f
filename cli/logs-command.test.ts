import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseDuration } from './logs-command';

it('parseDuration reads 30s, 10m, 2h, 1d and refuses anything else', () => {
  assert.deepEqual(['30s', '10m', '2h', '1d'].map((d) => parseDuration(d, 0)), [30_000, 600_000, 7_200_000, 86_400_000]);
  assert.equal(parseDuration(undefined, 5), 5);
  for (const bad of ['10', 'm', '1w', '-5m', true] as const) assert.throws(() => parseDuration(bad, 0), /--since expects a duration/);
});
