import { createHash, randomBytes } from 'node:crypto';
import { createSingleFlight } from './single-flight';
import { decode, encode } from './redis-codec';
import { sharedRedisLink, type RedisLink } from './redis-client';
import { MemoryCacheStore, type CacheEntry, type CacheLifetime, type CacheStore, type RefreshTurn, type SharedFailure } from './store';

export interface RedisCacheStoreOptions {
  link: RedisLink;
  /** Namespaces every key, e.g. `codeflow:cache:v1:us-east-1:…:`; tests use a unique one per run. */
  prefix: string;
  /** A refresh lock expires after this long, so a replica that died while refreshing blocks nobody for long. */
  lockMs?: number;
  /** How long a replica waits for another one's refresh before fetching itself. */
  waitMs?: number;
  /** First poll interval while waiting; it grows to 8× this. */
  pollMs?: number;
  /** Values stay in Redis this long past their TTL and grace, to be served stale when AWS fails. */
  keepMs?: number;
  /** The in-process copy in front of Redis (also where values live while Redis is down). */
  local?: MemoryCacheStore;
  now?: () => number;
}

/** Frees the lock only if it is still ours: a lock that expired and was taken by another replica stays theirs. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/** However long a holder keeps renewing its lock, a waiter fetches itself after this long. */
const MAX_WAIT_WHILE_HELD_MS = 120_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The cache store replicas share: entries as JSON in Redis, an in-process copy in front (answers
 * while fresh, and carries on alone when Redis is down), and a refresh lock per key (SET NX PX
 * with a random token, released only by its holder) so that when several replicas miss the same
 * key at once, one asks AWS and the others poll Redis for its value, for at most `waitMs`.
 *
 * Every Redis call is bounded (see RedisLink); any Redis failure degrades to the in-process copy
 * and to fetching without the lock. No method throws because of Redis.
 */
export class RedisCacheStore implements CacheStore {
  private readonly link: RedisLink;
  private readonly prefix: string;
  private readonly lockMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly keepMs: number;
  private readonly local: MemoryCacheStore;
  private readonly now: () => number;
  /** Concurrent reads of one key share one Redis round trip and one JSON parse. */
  private readonly reads = createSingleFlight();

  constructor(opts: RedisCacheStoreOptions) {
    this.link = opts.link;
    this.prefix = opts.prefix;
    this.lockMs = opts.lockMs ?? 15_000;
    this.waitMs = opts.waitMs ?? 5_000;
    this.pollMs = opts.pollMs ?? 20;
    this.keepMs = opts.keepMs ?? 3600_000;
    this.local = opts.local ?? new MemoryCacheStore();
    this.now = opts.now ?? Date.now;
  }

  // A hash tag ({…}) keeps a key's value, lock and failure in one slot, should Redis be a cluster.
  private valueKey(key: string): string {
    return `${this.prefix}{${key}}`;
  }
  private lockKey(key: string): string {
    return `${this.prefix}{${key}}:lock`;
  }
  private failureKey(key: string): string {
    return `${this.prefix}{${key}}:fail`;
  }

  private parseEntry<T>(text: string | null | undefined): CacheEntry<T> | undefined {
    if (typeof text !== 'string') return undefined;
    try {
      const entry = decode<CacheEntry<T>>(text);
      return entry && typeof entry.fetchedAt === 'number' ? entry : undefined;
    } catch {
      return undefined; // written by an incompatible version: treat as absent
    }
  }

  private parseFailure(text: string | null | undefined): SharedFailure | undefined {
    if (typeof text !== 'string') return undefined;
    try {
      const f = JSON.parse(text) as SharedFailure;
      return typeof f.code === 'string' && typeof f.message === 'string' && typeof f.at === 'number' ? f : undefined;
    } catch {
      return undefined;
    }
  }

  /** Keeps the newer of the local copy and `remote`, and returns it. */
  private async merge<T>(key: string, local: CacheEntry<T> | undefined, remote: CacheEntry<T> | undefined): Promise<CacheEntry<T> | undefined> {
    if (remote && (!local || remote.fetchedAt > local.fetchedAt)) {
      await this.local.set(key, remote);
      return remote;
    }
    return local;
  }

  async get<T>(key: string, freshForMs?: number): Promise<CacheEntry<T> | undefined> {
    const local = await this.local.get<T>(key);
    if (local && freshForMs !== undefined && this.now() - local.fetchedAt < freshForMs) return local;
    try {
      const remote = await this.reads(key, async () => this.parseEntry<T>(await this.link.run((c) => c.get(this.valueKey(key)))));
      return await this.merge(key, local, remote as CacheEntry<T> | undefined);
    } catch {
      return local;
    }
  }

  async set<T>(key: string, entry: CacheEntry<T>, lifetime?: CacheLifetime): Promise<void> {
    await this.local.set(key, entry);
    let text: string;
    try {
      text = encode(entry);
    } catch {
      return; // not JSON-able (a bug in a caller): it stays in this process only
    }
    const keep = (lifetime ? lifetime.ttlMs + lifetime.graceMs : 0) + this.keepMs;
    try {
      await this.link.run((c) => c.multi().set(this.valueKey(key), text, { expiration: { type: 'PX', value: Math.ceil(keep) } }).del(this.failureKey(key)).exec());
    } catch {
      // Redis is down or slow: the value stays in this process's copy.
    }
  }

  async shareFailure(key: string, failure: SharedFailure, ttlMs: number): Promise<void> {
    try {
      await this.link.run((c) => c.set(this.failureKey(key), JSON.stringify(failure), { expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) } }));
    } catch {
      // Only this replica remembers the failure.
    }
  }

  private scopeKey(scope: string): string {
    return `${this.prefix}scope:{${scope}}`;
  }

  async scopeVersion(scope: string): Promise<string | undefined> {
    try {
      return (await this.link.run((c) => c.get(this.scopeKey(scope)))) ?? '0';
    } catch {
      return undefined; // the caller falls back to its own process's version
    }
  }

  async bumpScope(scope: string): Promise<boolean> {
    try {
      await this.link.run((c) => c.incr(this.scopeKey(scope)));
      return true;
    } catch {
      return false; // Redis is down: the caller moves its own version; the others see the change within one TTL
    }
  }

  async coordinate<T>(key: string, opts: { ttlMs: number; isFresh: (entry: CacheEntry<T>) => boolean }): Promise<RefreshTurn<T>> {
    const alone: RefreshTurn<T> = { kind: 'lead', release: async () => {} };
    let deadline = this.now() + this.waitMs;
    const hardDeadline = this.now() + MAX_WAIT_WHILE_HELD_MS;
    let interval = this.pollMs;
    try {
      for (;;) {
        // What the others did meanwhile: a value fresh to us, or a failure still within its TTL.
        const [valueText, failureText, holder] = await this.link.run((c) => c.mGet([this.valueKey(key), this.failureKey(key), this.lockKey(key)]));
        const entry = await this.merge(key, await this.local.get<T>(key), this.parseEntry<T>(valueText));
        if (entry && opts.isFresh(entry)) return { kind: 'value', entry };
        const failure = this.parseFailure(failureText);
        if (failure) return { kind: 'failure', failure, entry };

        if (holder === null) {
          const token = randomBytes(16).toString('hex');
          const lockKey = this.lockKey(key);
          const got = await this.link.run((c) => c.set(lockKey, token, { condition: 'NX', expiration: { type: 'PX', value: this.lockMs } }));
          if (got !== null) {
            // A refresh may outlast the lock (AWS slow, or stretched by the quota budget): the holder
            // renews it while it works, so no other replica starts a second refresh meanwhile.
            const renew = setInterval(() => {
              this.link.run((c) => c.eval(RENEW, { keys: [lockKey], arguments: [token, String(this.lockMs)] })).catch(() => undefined);
            }, Math.max(50, Math.floor(this.lockMs / 3)));
            renew.unref?.();
            return {
              kind: 'lead',
              release: async () => {
                clearInterval(renew);
                try {
                  await this.link.run((c) => c.eval(RELEASE, { keys: [lockKey], arguments: [token] }));
                } catch {
                  // It expires by itself after lockMs.
                }
              },
            };
          }
          // Another replica took it between our read and our SET: wait for its value.
        } else {
          // A held lock is a refresh under way (its holder renews it): keep waiting for its value, within bounds.
          deadline = Math.min(hardDeadline, Math.max(deadline, this.now() + this.waitMs));
        }
        if (this.now() >= deadline) return alone; // the holder is slow or gone: fetch ourselves rather than fail
        await sleep(Math.min(interval, Math.max(1, deadline - this.now())));
        interval = Math.min(interval * 2, this.pollMs * 8);
      }
    } catch {
      return alone; // Redis failed mid-way: behave like a single replica
    }
  }
}

/** A stable, non-secret name for this deployment's AWS target, so two deployments sharing one Redis never share entries. */
export function cacheNamespace(env: Record<string, string | undefined>): string {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'default';
  const endpoint = createHash('sha256')
    .update(`${env.AWS_ENDPOINT_URL ?? ''}\0${env.CODEFLOW_SANDBOX_URL ?? ''}`)
    .digest('hex')
    .slice(0, 10);
  return `${region}:${endpoint}`;
}

/** Where this deployment's entries live in Redis: `codeflow:cache:v1:<region>:<endpoint hash>:`. */
export function cacheKeyPrefix(env: Record<string, string | undefined>): string {
  return `codeflow:cache:v1:${cacheNamespace(env)}:`;
}

/**
 * The store a cache gets when its caller names none: Redis (shared by the replicas) when
 * REDIS_URL is set, otherwise memory. Each cache has its own in-process copy; the connection is
 * one per process.
 */
export function defaultCacheStore(env: Record<string, string | undefined> = process.env): CacheStore {
  const url = env.REDIS_URL?.trim();
  if (!url) return new MemoryCacheStore();
  return new RedisCacheStore({ link: sharedRedisLink(url), prefix: cacheKeyPrefix(env) });
}
