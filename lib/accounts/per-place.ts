import type { Cache } from '../cache/cached';
import { placeOf } from '../aws/default-clients';
import { placeKey, type Place, type PlaceRef } from './places';

/**
 * One `T` per account × Region for the process (a read model's context: its clients, its cache),
 * built on first use. On globalThis under `name`: Next may evaluate a module once per route bundle,
 * and one context per place means one cache and one single-flight per place per process.
 */
export function perPlace<T>(name: string, ref: PlaceRef | undefined, build: (place: Place) => T): T {
  const place = placeOf(ref);
  const holder = globalThis as Record<symbol, Map<string, T> | undefined>;
  const key = Symbol.for(`codeflow.perPlace.${name}`);
  const map = (holder[key] ??= new Map());
  const id = placeKey(place);
  let value = map.get(id);
  if (value === undefined) map.set(id, (value = build(place)));
  return value;
}

/**
 * A cache whose keys and scopes are prefixed by the place, so two accounts' `fleet:clusters` never
 * meet in a shared store. Home keeps unprefixed keys (what single-account deployments always wrote).
 */
export function cacheForPlace(cache: Cache, place: Place): Cache {
  if (place.home) return cache;
  const prefix = `${placeKey(place)}:`;
  return {
    cached: (key, ttlMs, fn, options) => cache.cached(prefix + key, ttlMs, fn, options),
    version: (scope) => cache.version(prefix + scope),
    invalidate: (scope) => cache.invalidate(prefix + scope),
  };
}
