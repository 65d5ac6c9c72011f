import 'server-only';
import { getAwsClients } from '../aws/default-clients';
import { createCache, type Cache } from '../cache/cached';
import { getConfig } from '../config';
import { observeRecoveryPoints, type Observed } from './observe';
import { assessDr, type DrStatus } from './status';

/**
 * Ages are computed per request from the cached points, so the cache only delays seeing a new
 * point: 30 s at most, which matters for hourly backups measured against a 1 h RPO.
 */
const TTL_MS = 30_000;

// On globalThis, like the other read models: one cache and single-flight per process.
const KEY = Symbol.for('codeflow.drCache');
type Holder = { [KEY]?: Cache };

export async function getDrStatus(now: Date = new Date()): Promise<DrStatus> {
  const { dr } = getConfig();
  const configured = dr.databases.length > 0 || dr.backupVaultName !== null;
  if (!configured) return assessDr(dr, { observations: [], fetchedAt: null, error: null }, now);

  const holder = globalThis as Holder;
  const cache = (holder[KEY] ??= createCache());
  try {
    const result = await cache.cached<Observed>('dr:recovery-points', TTL_MS, () => observeRecoveryPoints(getAwsClients(), dr));
    const error = result.stale && result.error ? `showing recovery points read ${Math.round((now.getTime() - result.fetchedAt) / 1000)} s ago: ${result.error.message}` : result.value.error;
    return assessDr(dr, { ...result.value, fetchedAt: new Date(result.fetchedAt), error }, now);
  } catch (e) {
    return assessDr(dr, { observations: [], fetchedAt: null, error: (e as Error).message }, now);
  }
}
