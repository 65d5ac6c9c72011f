import type { AppErrorCode } from '../errors';
import { Lru } from './lru';

export interface CacheEntry<T> {
  value: T;
  /** Epoch milliseconds of the fetch that produced `value`. */
  fetchedAt: number;
}

/** How long the caller treats an entry as fresh, and as servable while one refresh runs. */
export interface CacheLifetime {
  ttlMs: number;
  graceMs: number;
}

/** A refresh that failed, as told to the other replicas: enough to answer the way the failing one did. */
export interface SharedFailure {
  code: AppErrorCode;
  message: string;
  /** Epoch milliseconds of the failure. */
  at: number;
}

/**
 * The answer to "may I refresh this key?" from a store shared by several processes:
 * - `lead`: refresh it (nobody else is), then `release()`;
 * - `value`: another process refreshed it while this one waited;
 * - `failure`: another process's refresh failed (within one TTL), so this one should not ask AWS again.
 */
export type RefreshTurn<T> =
  | { kind: 'lead'; release: () => Promise<void> }
  | { kind: 'value'; entry: CacheEntry<T> }
  | { kind: 'failure'; failure: SharedFailure; entry?: CacheEntry<T> };

/**
 * Where last good values live. In memory by default; the Redis store (redis-store.ts) implements
 * the same calls with JSON-serialised entries so replicas share values. Stores keep entries past
 * their TTL: an old value is what we serve, marked stale, when AWS fails.
 */
export interface CacheStore {
  /**
   * The entry held for `key`. A store with a local copy in front of a shared one may answer from
   * the local copy when it is younger than `freshForMs`; otherwise it answers the newest it has.
   */
  get<T>(key: string, freshForMs?: number): Promise<CacheEntry<T> | undefined>;
  /** `lifetime` lets a store that expires entries keep them long enough to be served stale. */
  set<T>(key: string, entry: CacheEntry<T>, lifetime?: CacheLifetime): Promise<void>;
  /**
   * Optional cross-process single-flight: only stores shared by several processes implement it.
   * `isFresh` is the caller's judgement of an entry another process may have written meanwhile.
   * Must never throw: a store that cannot coordinate answers `lead`.
   */
  coordinate?<T>(key: string, opts: { ttlMs: number; isFresh: (entry: CacheEntry<T>) => boolean }): Promise<RefreshTurn<T>>;
  /** Optional: tells the other processes that refreshing `key` failed, for `ttlMs`. Must never throw. */
  shareFailure?(key: string, failure: SharedFailure, ttlMs: number): Promise<void>;
  /**
   * Optional, for stores shared by several processes: the shared version of a scope (see
   * Cache.invalidate), or undefined when the store cannot tell (Redis down). Must never throw.
   */
  scopeVersion?(scope: string): Promise<string | undefined>;
  /** Optional, with scopeVersion: moves the shared version of `scope` on, for every process; false when it could not. Must never throw. */
  bumpScope?(scope: string): Promise<boolean>;
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
