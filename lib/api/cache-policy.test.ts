import assert from 'node:assert/strict';
import { it } from 'node:test';
import { cachePolicyOf } from './cache-policy';

it('API responses are never stored, and keep a handler’s no-cache and no-transform', () => {
  assert.equal(cachePolicyOf(null), 'private, no-store');
  assert.equal(cachePolicyOf('public, max-age=3600'), 'private, no-store');
  assert.equal(cachePolicyOf('no-cache, no-transform'), 'private, no-store, no-cache, no-transform');
  assert.equal(cachePolicyOf('private, No-Cache'), 'private, no-store, no-cache');
});
