import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FleetOverview } from '../lib/fleet/types';
import { firstRead } from './status-command';

const fleet = (loading: boolean) => ({ version: 1, generatedAt: '', loading, discoveryError: null, clusters: [], services: [] }) as unknown as FleetOverview;

it('status waits out a console still on its first read of AWS, and gives up after its limit', async () => {
  let reads = 0;
  const loaded = await firstRead(async () => fleet(++reads < 3), 10_000);
  assert.equal(loaded.loading, false);
  assert.equal(reads, 3);

  reads = 0;
  const stillLoading = await firstRead(async () => (reads++, fleet(true)), 1500);
  assert.equal(stillLoading.loading, true);
  assert.ok(reads >= 2 && reads <= 3, `${reads} reads`);
});
