import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setZodJitless } from './zod-jitless';

it('zod reads the jitless option set before it loads', async () => {
  setZodJitless();
  const { config } = await import('zod/v4/core');
  assert.equal(config().jitless, true);
});
