/** The Redis-backed cache against a real Redis (TEST_REDIS_URL): two stores with their own connections stand for two replicas. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, describe, it } from 'node:test';
import { startSandbox } from '../../sandbox/server';
import { testClients } from '../aws/testing/fixtures';
import { AppError } from '../errors';
import { createFleetContext } from '../fleet/context';
import { getServiceDetail } from '../fleet/service-detail';
import { getClusterSnapshot } from '../fleet/snapshot';
import { listClusters } from '../fleet/overview';
import { createAlarmsContext, listAlarms } from '../telemetry/alarms';
import { createCache, type Cache } from './cached';
import { decode, encode } from './redis-codec';
import { createRedisLink, redactRedisUrl, type RedisLink } from './redis-client';
import { defaultCacheStore, RedisCacheStore } from './redis-store';
import { MemoryCacheStore } from './store';
import { testRedis, uniquePrefix } from './testing/redis';
import { archiveFindings, createFindingsContext, getFindingsReport, openFindingsByService } from '../telemetry/findings';
import type { CurrentUser } from '../auth/identity';
import { openDb } from '../db/client';
import { migrateUp } from '../db/migrate';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const redis = await testRedis();
if (redis.skip) console.log(`# skipped: ${redis.skip}`);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const quietLog = () => {
  const lines: string[] = [];
  return { lines, warn: (m: string) => void lines.push(m), info: (m: string) => void lines.push(m) };
};

describe('redis codec', () => {
  it('round-trips what plain JSON would change: Dates, Maps, Sets, undefined, non-finite numbers, "$cf" and "__proto__" keys', () => {
    const value = {
      at: new Date('2026-11-27T10:30:00.000Z'),
      byArn: new Map([['arn:a', { n: 1 }]]),
      tags: new Set(['x', 'y']),
      missing: undefined,
      list: [1, undefined, null, Infinity, -Infinity, NaN],
      big: 12n,
      nested: { $cf: 'date', v: 'not a tag' },
      iso: '2026-11-27T10:30:00.000Z',
    };
    const back = decode<typeof value>(encode(value));
    assert.deepStrictEqual(back, value);
    assert.ok(back.at instanceof Date);
    assert.ok(Number.isNaN(decode<Date>(encode(new Date(NaN))).getTime()));
    const proto = decode<Record<string, unknown>>(encode(JSON.parse('{"__proto__": {"polluted": true}}')));
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
    assert.deepEqual(Object.keys(proto), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses what cannot be stored rather than storing something else', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => encode(cyclic), /cycle/);
    assert.throws(() => encode({ f: () => 1 }), /function/);
  });
});

describe('redis link', () => {
  it('never logs the AUTH token', () => {
    assert.equal(redactRedisUrl('rediss://:s3cret@cache.internal:6379'), 'rediss://cache.internal:6379');
  });
});

describe('RedisCacheStore against Redis', { skip: redis.skip || false, timeout: 60_000 }, () => {
  const links: RedisLink[] = [];
  const prefixes: string[] = [];
  after(async () => {
    // Leave nothing behind in the shared Redis.
    const link = createRedisLink(redis.url!);
    for (const prefix of prefixes) {
      const keys: string[] = [];
      await link.run(async (c) => {
        for await (const batch of c.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
      }).catch(() => undefined);
      if (keys.length) await link.run((c) => c.del(keys)).catch(() => undefined);
    }
    await link.close();
    await Promise.all(links.map((l) => l.close()));
  });

  /** N replicas: each its own connection, its own in-process copy and its own cache, one shared prefix. */
  function replicas(n: number, opts: { waitMs?: number; lockMs?: number; prefix?: string } = {}): { caches: Cache[]; stores: RedisCacheStore[]; prefix: string } {
    const prefix = opts.prefix ?? uniquePrefix('cache');
    prefixes.push(prefix);
    const stores = Array.from({ length: n }, () => {
      const link = createRedisLink(redis.url!, { log: quietLog() });
      links.push(link);
      return new RedisCacheStore({ link, prefix, waitMs: opts.waitMs, lockMs: opts.lockMs });
    });
    return { caches: stores.map((store) => createCache({ store })), stores, prefix };
  }

  it('a concurrent miss on two replicas calls the loader once; both answer its value', async () => {
    const { caches } = replicas(2);
    let calls = 0;
    const loader = async () => {
      calls += 1;
      await sleep(150); // an AWS call in flight while the other replica misses
      return { services: ['a', 'b'], at: new Date('2026-01-01T00:00:00Z') };
    };
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => caches[i % 2]!.cached('fleet:snapshot:c1', 5000, loader)));
    assert.equal(calls, 1);
    for (const r of results) {
      assert.deepStrictEqual(r.value, { services: ['a', 'b'], at: new Date('2026-01-01T00:00:00Z') });
      assert.equal(r.stale, false);
    }
    assert.equal(new Set(results.map((r) => r.fetchedAt)).size, 1, 'every replica serves the one fetch');
  });

  it('five replicas missing at once still make one call', async () => {
    const { caches } = replicas(5);
    let calls = 0;
    const loader = async () => (calls++, await sleep(80), 'v');
    await Promise.all(caches.map((c) => c.cached('k', 5000, loader)));
    assert.equal(calls, 1);
  });

  it('a value one replica fetched is fresh on the other until the TTL, then one of them refreshes', async () => {
    const { caches } = replicas(2);
    const [a, b] = caches as [Cache, Cache];
    let calls = 0;
    const loader = async () => ++calls;
    assert.equal((await a.cached('k', 300, loader)).value, 1);
    assert.equal((await b.cached('k', 300, loader)).value, 1);
    assert.equal(calls, 1);
    await sleep(350);
    const [ra, rb] = await Promise.all([a.cached('k', 300, loader), b.cached('k', 300, loader)]);
    assert.equal(calls, 2);
    assert.equal(ra.value, 2);
    assert.equal(rb.value, 2);
  });

  it('stale-while-revalidate: past the TTL both replicas answer the held value at once while one refresh runs', async () => {
    const { caches } = replicas(2);
    const [a, b] = caches as [Cache, Cache];
    let calls = 0;
    const loader = async () => (await sleep(100), ++calls);
    const swr = { staleWhileRevalidateMs: 2000 };
    await a.cached('k', 200, loader, swr);
    await b.cached('k', 200, loader, swr); // b's local copy, from Redis
    await sleep(250);
    const t0 = Date.now();
    const [ra, rb] = await Promise.all([a.cached('k', 200, loader, swr), b.cached('k', 200, loader, swr)]);
    assert.ok(Date.now() - t0 < 90, 'neither waited for the refresh');
    assert.equal(ra.value, 1);
    assert.equal(rb.value, 1);
    await sleep(300);
    assert.equal(calls, 2, 'one background refresh for both replicas');
    assert.equal((await b.cached('k', 200, loader, swr)).value, 2);
    assert.equal((await a.cached('k', 200, loader, swr)).value, 2);
    assert.equal(calls, 2);
  });

  it('a failed refresh is shared: the other replica serves the last good value marked stale, without asking AWS', async () => {
    const { caches } = replicas(2);
    const [a, b] = caches as [Cache, Cache];
    await a.cached('k', 200, async () => 'good');
    await sleep(250);
    const throttled = new AppError('rate_limited', 'ECS is throttling requests (ThrottlingException)');
    const ra = await a.cached('k', 200, async () => {
      throw throttled;
    });
    assert.equal(ra.stale, true);
    let bCalls = 0;
    const rb = await b.cached('k', 200, async () => (bCalls++, 'from b'));
    assert.equal(bCalls, 0);
    assert.equal(rb.value, 'good');
    assert.equal(rb.stale, true);
    assert.equal(rb.error?.code, 'rate_limited');
    assert.equal(rb.error?.message, throttled.message);
  });

  it('a definitive failure (not_found) is thrown on the other replica too', async () => {
    const { caches } = replicas(2);
    const [a, b] = caches as [Cache, Cache];
    await assert.rejects(a.cached('k', 1000, async () => Promise.reject(new AppError('not_found', 'Service x was not found'))), /not found/);
    let bCalls = 0;
    await assert.rejects(b.cached('k', 1000, async () => (bCalls++, 'x')), /Service x was not found/);
    assert.equal(bCalls, 0);
  });

  it('a replica that took the lock and died blocks the others only until its lock expires (nobody renews it); then they fetch', async () => {
    const { caches, prefix } = replicas(1, { waitMs: 300 });
    const link = createRedisLink(redis.url!, { log: quietLog() });
    links.push(link);
    await link.run((c) => c.set(`${prefix}{k}:lock`, 'a-dead-replica', { expiration: { type: 'PX', value: 800 } }));
    const t0 = Date.now();
    let calls = 0;
    const r = await caches[0]!.cached('k', 1000, async () => ++calls);
    const waited = Date.now() - t0;
    assert.equal(r.value, 1);
    assert.equal(calls, 1);
    assert.ok(waited >= 750 && waited < 3000, `waited ${waited} ms`);
  });

  it('a refresh that outlasts the lock keeps it (the holder renews it): the other replica waits for its value, one call in all', async () => {
    const { caches } = replicas(2, { waitMs: 200, lockMs: 300 });
    let calls = 0;
    const slow = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 1200));
      return 'v';
    };
    const first = caches[0]!.cached('long', 1000, slow);
    await new Promise((r) => setTimeout(r, 50));
    const second = await caches[1]!.cached('long', 1000, slow);
    assert.equal((await first).value, 'v');
    assert.equal(second.value, 'v');
    assert.equal(calls, 1, 'refreshes never overlapped across replicas');
  });

  it('releases its own lock after refreshing, and keeps the value in Redis past the TTL with an expiry', async () => {
    const { caches, prefix } = replicas(1);
    await caches[0]!.cached('k', 1000, async () => 'v', { staleWhileRevalidateMs: 2000 });
    const link = createRedisLink(redis.url!, { log: quietLog() });
    links.push(link);
    assert.equal(await link.run((c) => c.exists(`${prefix}{k}:lock`)), 0);
    const ttl = await link.run((c) => c.pTTL(`${prefix}{k}`));
    assert.ok(ttl > 3000 && ttl <= 3000 + 3600_000, `pttl ${ttl}`);
  });

  it('real read models: a snapshot, a service detail and alarms fetched by one replica are served identically by the other, which calls AWS not at all', async () => {
    const sandbox = await startSandbox({ seed: 7, speed: 0 });
    try {
      const prefix = uniquePrefix('fleet');
      prefixes.push(prefix);
      const context = () => {
        const link = createRedisLink(redis.url!, { log: quietLog() });
        links.push(link);
        const aws = testClients(sandbox.url);
        const cache = createCache({ store: new RedisCacheStore({ link, prefix }) });
        const fleet = createFleetContext({ aws, region: 'us-east-1', cache });
        return { fleet, alarms: createAlarmsContext({ aws, cache, listClusters: () => listClusters(fleet) }) };
      };
      const a = context();
      const snapA = await getClusterSnapshot('codeflow-cluster', a.fleet);
      const detailA = await getServiceDetail('codeflow-cluster', 'codeflow-service', a.fleet);
      const alarmsA = await listAlarms(a.alarms);
      sandbox.sandbox.calls.clear();
      const b = context();
      const snapB = await getClusterSnapshot('codeflow-cluster', b.fleet);
      const detailB = await getServiceDetail('codeflow-cluster', 'codeflow-service', b.fleet);
      const alarmsB = await listAlarms(b.alarms);
      assert.deepStrictEqual(snapB, snapA);
      assert.deepStrictEqual(detailB, detailA);
      assert.deepStrictEqual(alarmsB.alarms, alarmsA.alarms);
      assert.equal(alarmsB.fetchedAt, alarmsA.fetchedAt);
      assert.ok(snapA.value.services.length > 0);
      assert.ok(alarmsA.alarms.length > 0);
      assert.deepEqual(Object.fromEntries(sandbox.sandbox.calls), {}, 'replica B made no AWS calls');
    } finally {
      await sandbox.close();
    }
  });

  it('an invalidation on one replica reaches the other within a second: findings archived through A are gone from B, whose cache was warm', async () => {
    const sandbox = await startSandbox({ seed: 11, speed: 0 });
    const dataDir = mkdtempSync(join(tmpdir(), 'codeflow-invalidate-'));
    const handle = await openDb({ dataDir });
    try {
      await migrateUp(handle.db);
      const prefix = uniquePrefix('findings');
      prefixes.push(prefix);
      const context = () => {
        const link = createRedisLink(redis.url!, { log: quietLog() });
        links.push(link);
        // A long TTL: without the shared invalidation, B would answer from its cache for a minute.
        return createFindingsContext({ aws: testClients(sandbox.url), cache: createCache({ store: new RedisCacheStore({ link, prefix }) }), ttlMs: 60_000 });
      };
      const [a, b] = [context(), context()];
      const before = await getFindingsReport({}, b);
      const target = before.findings![0]!;
      assert.ok((await openFindingsByService(b)).value, 'the overview summary is warm on B too');
      const operator: CurrentUser = { id: '00000000-0000-4000-8000-000000000007', issuer: 'https://idp.test', subject: 'oscar', name: 'oscar', email: null, role: 'operator', via: { kind: 'session', authenticatedAt: Date.now() } };
      await archiveFindings(operator, [target.id], true, 'known scanner', a, { db: handle.db });
      await sleep(1100); // B reuses the scope's version for up to a second

      const after = await getFindingsReport({}, b);
      assert.ok(!after.findings!.some((f) => f.id === target.id), 'B no longer lists the archived finding');
      assert.equal(after.findings!.length, before.findings!.length - 1);
      // And the read B makes after the invalidation is shared again: A gets it without asking GuardDuty.
      sandbox.sandbox.calls.clear();
      assert.deepStrictEqual((await getFindingsReport({}, a)).findings, after.findings);
      assert.deepEqual([...sandbox.sandbox.calls.keys()].filter((k) => k.startsWith('guardduty:')), []);
    } finally {
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
      await sandbox.close();
    }
  });

  it('Redis stops, then comes back: served throughout, logged once each way, shared again afterwards', async () => {
    // A TCP proxy in front of the real Redis stands for the Redis server: closing it is Redis stopping.
    const target = new URL(redis.url!);
    const sockets = new Set<import('node:net').Socket>();
    let proxy: Server | undefined;
    const { connect } = await import('node:net');
    const up = (port = 0) =>
      new Promise<number>((resolve) => {
        proxy = createServer((client) => {
          const upstream = connect(Number(target.port || 6379), target.hostname);
          for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('close', () => sockets.delete(s));
            s.on('error', () => s.destroy());
          }
          client.pipe(upstream).pipe(client);
        });
        proxy.listen(port, '127.0.0.1', () => resolve((proxy!.address() as { port: number }).port));
      });
    const down = () =>
      new Promise<void>((resolve) => {
        proxy!.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    const port = await up();
    const prefix = uniquePrefix('outage');
    prefixes.push(prefix);
    const log = quietLog();
    const link = createRedisLink(`redis://127.0.0.1:${port}`, { log, retryAfterMs: 200 });
    links.push(link);
    const other = createRedisLink(redis.url!, { log: quietLog() });
    links.push(other);
    const a = createCache({ store: new RedisCacheStore({ link, prefix }) });
    const b = createCache({ store: new RedisCacheStore({ link: other, prefix }) });
    let calls = 0;
    const loader = async () => ++calls;
    try {
      assert.equal((await a.cached('k', 200, loader)).value, 1);
      await down();
      await sleep(250);
      const during = await Promise.all(Array.from({ length: 10 }, () => a.cached('k', 200, loader)));
      assert.ok(during.every((r) => r.value === 2 && !r.stale), 'refreshed in-process while Redis is away');
      assert.equal(calls, 2);
      assert.equal(log.lines.filter((l) => l.includes('is unavailable')).length, 1, log.lines.join('\n'));
      await up(port);
      // The client reconnects by itself (back-off from 100 ms); then values are shared again.
      const deadline = Date.now() + 10_000;
      while (!link.available && Date.now() < deadline) await sleep(100);
      assert.ok(link.available, 'reconnected');
      await sleep(250);
      assert.equal((await a.cached('k', 200, loader)).value, 3);
      let bCalls = 0;
      assert.equal((await b.cached('k', 200, async () => (bCalls++, -1))).value, 3, 'the other replica gets the value written after the outage');
      assert.equal(bCalls, 0);
      assert.equal(log.lines.filter((l) => l.includes('answers again;')).length, 1, log.lines.join('\n'));
    } finally {
      await link.close();
      await down().catch(() => undefined);
    }
  });

  it('REDIS_URL selects the Redis store; without it the memory store', () => {
    assert.ok(defaultCacheStore({}) instanceof MemoryCacheStore);
    assert.ok(defaultCacheStore({ REDIS_URL: redis.url! }) instanceof RedisCacheStore);
  });
});

describe('Redis down, unreachable or hanging: caching degrades to in-process only', { timeout: 30_000 }, () => {
  let hanging: Server | undefined;
  const links: RedisLink[] = [];
  after(async () => {
    await Promise.all(links.map((l) => l.close()));
    hanging?.close();
  });

  async function closedPort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const { port } = s.address() as { port: number };
    await new Promise<void>((resolve) => s.close(() => resolve()));
    return port;
  }

  for (const kind of ['closed port', 'hanging server'] as const) {
    it(`${kind}: every call is served, the loader is single-flighted in-process, within bounded time, logged once`, async () => {
      let port: number;
      if (kind === 'closed port') port = await closedPort();
      else {
        // Accepts connections and never answers: a Redis that is up but stuck.
        hanging = createServer((socket) => socket.on('data', () => undefined));
        await new Promise<void>((resolve) => hanging!.listen(0, '127.0.0.1', resolve));
        port = (hanging.address() as { port: number }).port;
      }
      const log = quietLog();
      const link = createRedisLink(`redis://127.0.0.1:${port}`, { log, connectTimeoutMs: 300, commandTimeoutMs: 100 });
      links.push(link);
      const cache = createCache({ store: new RedisCacheStore({ link, prefix: 'unused:' }) });
      let calls = 0;
      const loader = async () => (await sleep(20), ++calls);
      const t0 = Date.now();
      const first = await Promise.all(Array.from({ length: 20 }, () => cache.cached('k', 500, loader)));
      assert.ok(first.every((r) => r.value === 1 && !r.stale));
      assert.equal(calls, 1, 'in-process single-flight still holds');
      for (let i = 0; i < 20; i++) assert.equal((await cache.cached('k', 500, loader)).value, 1, 'in-process copy serves within the TTL');
      assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
      await sleep(550);
      assert.equal((await cache.cached('k', 500, loader)).value, 2, 'refreshes after the TTL');
      assert.equal(log.lines.filter((l) => l.includes('unavailable')).length, 1, log.lines.join('\n'));
      assert.doesNotMatch(log.lines.join('\n'), /password|secret/i);

      // An invalidation Redis cannot record still holds in this process.
      const read = async () => (await cache.cached(`s:${await cache.version('s')}`, 60_000, loader)).value;
      const before = await read();
      assert.equal(await read(), before);
      await cache.invalidate('s');
      assert.equal(await read(), before + 1, 'a miss after the local invalidation');
    });
  }
});
