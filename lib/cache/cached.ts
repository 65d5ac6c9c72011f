import { AppError, isAppError } from '../errors';
import { recordCacheLookup } from '../observability/hooks';
import { Lru } from './lru';
import { defaultCacheStore } from './redis-store';
import { createSingleFlight } from './single-flight';
import type { CacheEntry, CacheStore } from './store';

export { MemoryCacheStore, type CacheEntry, type CacheLifetime, type CacheStore, type RefreshTurn, type SharedFailure } from './store';

export interface CachedResult<T> {
  value: T;
  fetchedAt: number;
  /** True when the last refresh failed and `value` is the last good one. */
  stale: boolean;
  /** Why the last refresh failed; null when `value` is fresh. */
  error: AppError | null;
}

export interface Cache {
  /**
   * Fresh within `ttlMs`; after that one caller refreshes (the others wait for it). When the
   * refresh fails the last good value comes back with `stale: true` and the error; with no good
   * value, or when the thing is definitely gone (not_found, invalid), the error is thrown.
   */
  cached<T>(key: string, ttlMs: number, fn: () => Promise<T>, options?: CachedOptions): Promise<CachedResult<T>>;
  /**
   * A token that changes whenever `scope` is invalidated — in this process at once, or with a
   * shared store in any replica (seen here within a second). Put it in the keys of everything the
   * scope covers: `findings:${version}:…`.
   */
  version(scope: string): Promise<string>;
  /**
   * After a write that changes what a scope's entries say (archiving findings): every key built
   * with the scope's old version misses on its next read, in every replica sharing the store.
   * A refresh still in flight lands under the old key, so it cannot bring the old answer back.
   */
  invalidate(scope: string): Promise<void>;
}

export interface CachedOptions {
  /**
   * For this long past the TTL, answer at once with the value held (its `fetchedAt` tells its age)
   * while one background refresh runs, so no viewer waits on AWS for an expired snapshot.
   */
  staleWhileRevalidateMs?: number;
}

/** Errors that say the answer itself changed, so an old value would be wrong rather than old. */
const DEFINITIVE = new Set(['not_found', 'invalid']);

/**
 * How long a replica reuses the shared version of a scope before asking the store again: reads on a
 * hot path (every overview request reads the findings version) cost no Redis round trip each, and
 * another replica's invalidation reaches this one within this long. Its own invalidations at once.
 */
const SCOPE_VERSION_TTL_MS = 1000;

export function createCache(opts: { store?: CacheStore; now?: () => number } = {}): Cache {
  // Without a store named: Redis when REDIS_URL is set (shared by the replicas), else memory.
  const store = opts.store ?? defaultCacheStore();
  const now = opts.now ?? Date.now;
  const flight = createSingleFlight();
  // A failed refresh is remembered for one TTL so a failing or throttling AWS is not asked on every request.
  const failures = new Lru<string, { error: AppError; at: number }>(1000);
  // Invalidations no shared store recorded (there is none, or it was down): they hold in this
  // process. Zero in every replica while the shared store works, so their keys stay the same.
  const localVersions = new Map<string, number>();
  const sharedVersions = new Map<string, { version: string; at: number }>();

  async function resolve<T>(key: string, ttlMs: number, graceMs: number, fn: () => Promise<T>): Promise<CachedResult<T>> {
    const entry = await store.get<T>(key, ttlMs);
    const t = now();
    recordCacheLookup(key, !entry ? 'miss' : t - entry.fetchedAt < ttlMs ? 'hit' : 'stale');
    if (entry && t - entry.fetchedAt < ttlMs) return { ...entry, stale: false, error: null };

    const failure = failures.get(key);
    if (failure && t - failure.at < ttlMs) return fallback(entry, failure.error);

    if (!store.coordinate) return load(key, ttlMs, graceMs, fn, entry);
    // Several replicas share the store: one refreshes, the others take its value (or its failure).
    const turn = await store.coordinate<T>(key, { ttlMs, isFresh: (e) => now() - e.fetchedAt < ttlMs });
    if (turn.kind === 'value') return { ...turn.entry, stale: false, error: null };
    if (turn.kind === 'failure') {
      const error = new AppError(turn.failure.code, turn.failure.message);
      failures.set(key, { error, at: turn.failure.at });
      return fallback(turn.entry ?? entry, error);
    }
    try {
      return await load(key, ttlMs, graceMs, fn, entry);
    } finally {
      await turn.release();
    }
  }

  async function load<T>(key: string, ttlMs: number, graceMs: number, fn: () => Promise<T>, entry: CacheEntry<T> | undefined): Promise<CachedResult<T>> {
    try {
      const value = await fn();
      const fresh = { value, fetchedAt: now() };
      await store.set(key, fresh, { ttlMs, graceMs });
      failures.delete(key);
      return { ...fresh, stale: false, error: null };
    } catch (e) {
      const error = toError(e, key);
      const at = now();
      failures.set(key, { error, at });
      await store.shareFailure?.(key, { code: error.code, message: error.message, at }, ttlMs);
      return fallback(entry, error);
    }
  }

  async function sharedVersion(scope: string): Promise<string> {
    if (!store.scopeVersion) return '-';
    const held = sharedVersions.get(scope);
    if (held && now() - held.at < SCOPE_VERSION_TTL_MS) return held.version;
    const version = await store.scopeVersion(scope);
    if (version === undefined) return '?'; // the store cannot tell: not remembered, asked again next time
    sharedVersions.set(scope, { version, at: now() });
    return version;
  }

  return {
    async cached(key, ttlMs, fn, options = {}) {
      const grace = options.staleWhileRevalidateMs ?? 0;
      if (grace > 0) {
        const entry = await store.get<Awaited<ReturnType<typeof fn>>>(key, ttlMs);
        const age = entry ? now() - entry.fetchedAt : Infinity;
        const failure = failures.get(key);
        const failedRecently = failure !== undefined && now() - failure.at < ttlMs;
        if (entry && age >= ttlMs && age < ttlMs + grace && !failedRecently) {
          // The refresh's outcome lands in the store (or in `failures`) for the next caller.
          flight(key, () => resolve(key, ttlMs, grace, fn)).catch(() => undefined);
          return { ...entry, stale: false, error: null };
        }
      }
      return flight(key, () => resolve(key, ttlMs, grace, fn));
    },

    async version(scope) {
      return `${await sharedVersion(scope)}.${localVersions.get(scope) ?? 0}`;
    },

    async invalidate(scope) {
      sharedVersions.delete(scope);
      if (store.bumpScope && (await store.bumpScope(scope))) return;
      localVersions.set(scope, (localVersions.get(scope) ?? 0) + 1);
    },
  };
}

function fallback<T>(entry: CacheEntry<T> | undefined, error: AppError): CachedResult<T> {
  if (!entry || DEFINITIVE.has(error.code)) throw error;
  return { ...entry, stale: true, error };
}

function toError(e: unknown, key: string): AppError {
  if (isAppError(e)) return e;
  // Not from lib/aws, so likely a bug; the cause keeps the details for the server log.
  return new AppError('upstream', `Refreshing ${key} failed`, { cause: e });
}

let defaultCache: Cache | undefined;

/** The process-wide cache (Redis-backed when REDIS_URL is set). */
export function cached<T>(key: string, ttlMs: number, fn: () => Promise<T>): Promise<CachedResult<T>> {
  defaultCache ??= createCache();
  return defaultCache.cached(key, ttlMs, fn);
}
