import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors';
import { createCache, MemoryCacheStore, type CacheEntry, type CacheStore } from './cached';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('cached', () => {
  it('serves a fresh value within the TTL without calling again', async () => {
    const c = clock();
    const cache = createCache({ now: c.now });
    let calls = 0;
    const fn = async () => ++calls;
    const first = await cache.cached('k', 1000, fn);
    c.advance(999);
    const second = await cache.cached('k', 1000, fn);
    assert.equal(calls, 1);
    assert.deepEqual(second, { value: 1, fetchedAt: first.fetchedAt, stale: false, error: null });
  });

  it('refetches after the TTL', async () => {
    const c = clock();
    const cache = createCache({ now: c.now });
    let calls = 0;
    const fn = async () => ++calls;
    await cache.cached('k', 1000, fn);
    c.advance(1000);
    const r = await cache.cached('k', 1000, fn);
    assert.equal(r.value, 2);
    assert.equal(r.fetchedAt, c.now());
  });

  it('makes one call for many concurrent callers', async () => {
    const cache = createCache();
    const d = deferred<string>();
    let calls = 0;
    const fn = () => ((calls += 1), d.promise);
    const all = Promise.all(Array.from({ length: 50 }, () => cache.cached('k', 1000, fn)));
    d.resolve('v');
    const results = await all;
    assert.equal(calls, 1);
    assert.ok(results.every((r) => r.value === 'v' && !r.stale));
  });

  it('returns the last good value, marked stale with the error, when a refresh fails', async () => {
    const c = clock();
    const cache = createCache({ now: c.now });
    await cache.cached('k', 1000, async () => 'good');
    const goodAt = c.now();
    c.advance(5000);
    const throttled = new AppError('rate_limited', 'ECS throttled the request (ListServices); try again shortly');
    const r = await cache.cached('k', 1000, async () => {
      throw throttled;
    });
    assert.deepEqual(r, { value: 'good', fetchedAt: goodAt, stale: true, error: throttled });
  });

  it('does not retry a failed refresh within the TTL, then retries and recovers', async () => {
    const c = clock();
    const cache = createCache({ now: c.now });
    await cache.cached('k', 1000, async () => 1);
    c.advance(1000);
    let calls = 0;
    const failing = async (): Promise<number> => {
      calls += 1;
      throw new AppError('unavailable', 'AWS did not answer within 8000 ms');
    };
    await cache.cached('k', 1000, failing);
    c.advance(500);
    const again = await cache.cached('k', 1000, failing);
    assert.equal(calls, 1);
    assert.equal(again.stale, true);
    c.advance(500);
    const recovered = await cache.cached('k', 1000, async () => 2);
    assert.deepEqual(recovered, { value: 2, fetchedAt: c.now(), stale: false, error: null });
  });

  it('throws when there never was a good value', async () => {
    const cache = createCache();
    const err = new AppError('unavailable', 'AWS did not answer within 8000 ms');
    await assert.rejects(
      cache.cached('k', 1000, async () => {
        throw err;
      }),
      err,
    );
  });

  it('throws not_found even with an old value, because the thing is gone', async () => {
    const c = clock();
    const cache = createCache({ now: c.now });
    await cache.cached('k', 1000, async () => 'svc');
    c.advance(1000);
    await assert.rejects(
      cache.cached('k', 1000, async () => {
        throw new AppError('not_found', 'Service "x" was not found in cluster "y"');
      }),
      (e: unknown) => e instanceof AppError && e.code === 'not_found',
    );
  });

  it('wraps errors that are not AppErrors, keeping the cause', async () => {
    const cache = createCache();
    const cause = new TypeError('bug');
    await assert.rejects(
      cache.cached('k', 1000, async () => {
        throw cause;
      }),
      (e: unknown) => e instanceof AppError && e.code === 'upstream' && e.cause === cause,
    );
  });

  it('works over any CacheStore (values shared through the store)', async () => {
    const entries = new Map<string, string>();
    // A store that serialises like Redis would: proves nothing relies on object identity.
    const jsonStore: CacheStore = {
      async get<T>(key: string) {
        const raw = entries.get(key);
        return raw === undefined ? undefined : (JSON.parse(raw) as CacheEntry<T>);
      },
      async set<T>(key: string, entry: CacheEntry<T>) {
        entries.set(key, JSON.stringify(entry));
      },
    };
    const c = clock();
    const replicaA = createCache({ store: jsonStore, now: c.now });
    const replicaB = createCache({ store: jsonStore, now: c.now });
    await replicaA.cached('k', 1000, async () => ({ n: 1 }));
    let calls = 0;
    const r = await replicaB.cached('k', 1000, async () => ((calls += 1), { n: 2 }));
    assert.equal(calls, 0);
    assert.deepEqual(r.value, { n: 1 });
  });

  it('within the revalidation window answers at once with the old value and refreshes behind it', async () => {
    const c = clock();
    const cache = createCache({ now: c.now });
    const gate = deferred<number>();
    let calls = 0;
    const fn = async () => (++calls === 1 ? 1 : gate.promise);
    const first = await cache.cached('k', 1000, fn, { staleWhileRevalidateMs: 2000 });
    c.advance(1500);
    const during = await cache.cached('k', 1000, fn, { staleWhileRevalidateMs: 2000 });
    assert.deepEqual(during, { value: 1, fetchedAt: first.fetchedAt, stale: false, error: null });
    assert.equal(calls, 2, 'one background refresh started');
    await cache.cached('k', 1000, fn, { staleWhileRevalidateMs: 2000 });
    assert.equal(calls, 2, 'callers during the refresh do not start another');
    gate.resolve(2);
    await new Promise((r) => setImmediate(r));
    const after = await cache.cached('k', 1000, fn, { staleWhileRevalidateMs: 2000 });
    assert.equal(after.value, 2);
  });

  it('past the revalidation window, callers wait for the refresh', async () => {
    const c = clock();
    const cache = createCache({ now: c.now });
    let calls = 0;
    const fn = async () => ++calls;
    await cache.cached('k', 1000, fn, { staleWhileRevalidateMs: 2000 });
    c.advance(3000);
    const r = await cache.cached('k', 1000, fn, { staleWhileRevalidateMs: 2000 });
    assert.equal(r.value, 2);
  });

  it('a failed background refresh shows up as stale with its error', async () => {
    const c = clock();
    const cache = createCache({ now: c.now });
    let calls = 0;
    const fn = async () => {
      if (++calls > 1) throw new AppError('rate_limited', 'ECS throttled the request');
      return 1;
    };
    await cache.cached('k', 1000, fn, { staleWhileRevalidateMs: 2000 });
    c.advance(1500);
    await cache.cached('k', 1000, fn, { staleWhileRevalidateMs: 2000 });
    await new Promise((r) => setImmediate(r));
    const r = await cache.cached('k', 1000, fn, { staleWhileRevalidateMs: 2000 });
    assert.equal(r.stale, true);
    assert.equal(r.error?.code, 'rate_limited');
    assert.equal(r.value, 1);
  });

  it('invalidate(scope) moves the scope version, so keys built with it miss; other scopes keep theirs', async () => {
    const cache = createCache();
    let calls = 0;
    const fn = async () => ++calls;
    const read = async (scope: string) => (await cache.cached(`${scope}:${await cache.version(scope)}:list`, 60_000, fn)).value;
    assert.equal(await read('findings'), 1);
    assert.equal(await read('alarms'), 2);
    assert.equal(await read('findings'), 1, 'cached');
    await cache.invalidate('findings');
    assert.equal(await read('findings'), 3, 'a miss after the invalidation');
    assert.equal(await read('findings'), 3);
    assert.equal(await read('alarms'), 2, 'another scope is untouched');
  });

  it('a shared scope version is read from the store at most once a second; an invalidation here is seen at once', async () => {
    const c = clock();
    let shared = 0;
    let reads = 0;
    const store = Object.assign(new MemoryCacheStore(), {
      scopeVersion: async () => (reads++, String(shared)),
      bumpScope: async () => (shared++, true),
    });
    const cache = createCache({ store, now: c.now });
    assert.equal(await cache.version('findings'), '0.0');
    assert.equal(await cache.version('findings'), '0.0');
    assert.equal(reads, 1, 'reused within the second');
    shared = 5; // another replica invalidated
    c.advance(999);
    assert.equal(await cache.version('findings'), '0.0');
    c.advance(1);
    assert.equal(await cache.version('findings'), '5.0', 'seen once the second is over');
    await cache.invalidate('findings');
    assert.equal(await cache.version('findings'), '6.0', 'our own invalidation at once');
  });

  it('MemoryCacheStore is bounded', async () => {
    const store = new MemoryCacheStore(2);
    await store.set('a', { value: 1, fetchedAt: 0 });
    await store.set('b', { value: 2, fetchedAt: 0 });
    await store.set('c', { value: 3, fetchedAt: 0 });
    assert.equal(await store.get('a'), undefined);
    assert.deepEqual(await store.get('c'), { value: 3, fetchedAt: 0 });
  });
});
