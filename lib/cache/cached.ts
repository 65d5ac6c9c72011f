import { AppError, isAppError } from '../errors';
import { recordCacheLookup } from '../observability/hooks';
import { Lru } from './lru';
import { createSingleFlight } from './single-flight';

export interface CacheEntry<T> {
  value: T;
  /** Epoch milliseconds of the fetch that produced `value`. */
  fetchedAt: number;
}

/**
 * Where last good values live. In memory by default; a Redis store implements the same two
 * calls (JSON-serialised entries) so replicas share values. Stores keep entries past their TTL:
 * an old value is what we serve, marked stale, when AWS fails.
 */
export interface CacheStore {
  get<T>(key: string): Promise<CacheEntry<T> | undefined>;
  set<T>(key: string, entry: CacheEntry<T>): Promise<void>;
}

export class MemoryCacheStore implements CacheStore {
  private readonly lru: Lru<string, CacheEntry<unknown>>;

  constructor(maxEntries = 1000) {
    this.lru = new Lru(maxEntries);
  }

  async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    return this.lru.get(key) as CacheEntry<T> | undefined;
  }

  async set<T>(key: string, entry: CacheEntry<T>): Promise<void> {
    this.lru.set(key, entry);
  }
}

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

export function createCache(opts: { store?: CacheStore; now?: () => number } = {}): Cache {
  const store = opts.store ?? new MemoryCacheStore();
  const now = opts.now ?? Date.now;
  const flight = createSingleFlight();
  // A failed refresh is remembered for one TTL so a failing or throttling AWS is not asked on every request.
  const failures = new Lru<string, { error: AppError; at: number }>(1000);

  async function resolve<T>(key: string, ttlMs: number, fn: () => Promise<T>): Promise<CachedResult<T>> {
    const entry = await store.get<T>(key);
    const t = now();
    recordCacheLookup(key, !entry ? 'miss' : t - entry.fetchedAt < ttlMs ? 'hit' : 'stale');
    if (entry && t - entry.fetchedAt < ttlMs) return { ...entry, stale: false, error: null };

    const failure = failures.get(key);
    if (failure && t - failure.at < ttlMs) return fallback(entry, failure.error);

    try {
      const value = await fn();
      const fresh = { value, fetchedAt: now() };
      await store.set(key, fresh);
      failures.delete(key);
      return { ...fresh, stale: false, error: null };
    } catch (e) {
      const error = toError(e, key);
      failures.set(key, { error, at: now() });
      return fallback(entry, error);
    }
  }

  return {
    async cached(key, ttlMs, fn, options = {}) {
      const grace = options.staleWhileRevalidateMs ?? 0;
      if (grace > 0) {
        const entry = await store.get<Awaited<ReturnType<typeof fn>>>(key);
        const age = entry ? now() - entry.fetchedAt : Infinity;
        const failure = failures.get(key);
        const failedRecently = failure !== undefined && now() - failure.at < ttlMs;
        if (entry && age >= ttlMs && age < ttlMs + grace && !failedRecently) {
          // The refresh's outcome lands in the store (or in `failures`) for the next caller.
          flight(key, () => resolve(key, ttlMs, fn)).catch(() => undefined);
          return { ...entry, stale: false, error: null };
        }
      }
      return flight(key, () => resolve(key, ttlMs, fn));
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

const defaultCache = createCache();

/** The process-wide in-memory cache. */
export function cached<T>(key: string, ttlMs: number, fn: () => Promise<T>): Promise<CachedResult<T>> {
  return defaultCache.cached(key, ttlMs, fn);
}
