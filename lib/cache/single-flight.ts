export type SingleFlight = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

/**
 * Concurrent callers with the same key share one in-flight promise; once it settles the next
 * caller starts a fresh one. Failures are shared too and never remembered.
 */
export function createSingleFlight(): SingleFlight {
  const inFlight = new Map<string, Promise<unknown>>();
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const existing = inFlight.get(key);
    if (existing) return existing as Promise<T>;
    const p = (async () => {
      try {
        return await fn();
      } finally {
        inFlight.delete(key);
      }
    })();
    inFlight.set(key, p);
    return p;
  };
}

/** The process-wide group; libraries that need isolation make their own with createSingleFlight. */
export const singleFlight: SingleFlight = createSingleFlight();
