import { createHash, timingSafeEqual } from 'node:crypto';

export type MetricsAccess = 'disabled' | 'unauthorized' | 'allowed';

/**
 * Who may read /api/metrics: nobody unless CODEFLOW_METRICS_TOKEN is set (the endpoint then does
 * not exist: 404), and then only a request bearing that token. Sessions and API tokens do not
 * count: a scraper is not a person. The comparison takes the same time whatever the guess.
 */
export function metricsAccess(configuredToken: string | undefined, authorization: string | null | undefined): MetricsAccess {
  const expected = configuredToken?.trim();
  if (!expected) return 'disabled';
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!presented) return 'unauthorized';
  // Hashing first gives equal lengths, so timingSafeEqual neither throws nor leaks the length.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected)) ? 'allowed' : 'unauthorized';
}
