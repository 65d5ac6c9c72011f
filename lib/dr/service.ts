import 'server-only';
import { errorsOf, readEveryPlace, whereOf } from '../accounts/fan-out';
import { placeKey, type Place } from '../accounts/places';
import { getAwsClients } from '../aws/default-clients';
import { createCache, type Cache } from '../cache/cached';
import { getConfig } from '../config';
import type { DrConfig, DrDatabase } from './config';
import { observeRecoveryPoints, type Observed } from './observe';
import { assessDr, observe, type DatabaseObservation, type DrStatus } from './status';

/**
 * Ages are computed per request from the cached points, so the cache only delays seeing a new
 * point: 30 s at most, which matters for hourly backups measured against a 1 h RPO.
 */
const TTL_MS = 30_000;

// On globalThis, like the other read models: one cache and single-flight per process.
const KEY = Symbol.for('codeflow.drCache');
type Holder = { [KEY]?: Cache };

/** `arn:aws:rds:us-west-2:210987654321:db:x` → the account and Region it lives in. */
function whereArnLives(arn: string): { accountId: string; region: string } | null {
  const [, , , region, accountId] = arn.split(':');
  return region && accountId ? { accountId, region } : null;
}

/**
 * The configured place a database is read in: the one its ARN names. A single account configured
 * without an id (`default`) reads every database in its Region there.
 */
export function placeOfDatabase(db: DrDatabase, places: readonly Place[]): Place | null {
  const where = whereArnLives(db.resourceArn);
  if (!where) return null;
  return places.find((p) => p.accountId === where.accountId && p.region === where.region) ?? places.find((p) => p.accountId === 'default' && p.region === where.region) ?? null;
}

/**
 * The DR panel in the places shown (every watched one by default): each database is read in the
 * account and Region its ARN names, a backup vault alone in every place shown. A place that fails
 * or hangs is its databases' error; the rest are assessed as usual.
 */
export async function getDrStatus(now: Date = new Date(), shown: readonly Place[] = getConfig().places): Promise<DrStatus> {
  const { dr, places: all } = getConfig();
  const configured = dr.databases.length > 0 || dr.backupVaultName !== null;
  if (!configured) return assessDr(dr, { observations: [], fetchedAt: null, error: null }, now);
  const several = all.length > 1;
  const shownKeys = new Set(shown.map(placeKey));

  // Databases by the place they live in; those in no watched place are said so, by name.
  const unwatched: DatabaseObservation[] = [];
  const byPlace = new Map<string, { place: Place; config: DrConfig }>();
  if (dr.databases.length > 0) {
    for (const db of dr.databases) {
      const place = placeOfDatabase(db, all);
      if (!place) {
        // Shown only on the unfiltered panel: it belongs to no account or Region a filter could name.
        if (shown.length !== all.length) continue;
        const where = whereArnLives(db.resourceArn);
        unwatched.push({ ...observe(db.name, db.resourceArn, []), error: `its account and Region (${where?.accountId} ${where?.region}) are not among the accounts Codeflow watches; add them to "accounts"` });
        continue;
      }
      if (!shownKeys.has(placeKey(place))) continue;
      const entry = byPlace.get(placeKey(place)) ?? { place, config: { ...dr, databases: [] } };
      entry.config.databases.push(db);
      byPlace.set(placeKey(place), entry);
    }
  } else {
    for (const place of shown) byPlace.set(placeKey(place), { place, config: dr });
  }

  const holder = globalThis as Holder;
  const cache = (holder[KEY] ??= createCache());
  const outcomes = await readEveryPlace(
    [...byPlace.values()].map((e) => e.place),
    async (place) => {
      const config = byPlace.get(placeKey(place))!.config;
      const names = config.databases.map((d) => d.resourceArn).join(',');
      const result = await cache.cached<Observed>(`dr:recovery-points:${placeKey(place)}:${names}`, TTL_MS, () => observeRecoveryPoints(getAwsClients(place), config));
      const error = result.stale && result.error ? `showing recovery points read ${Math.round((now.getTime() - result.fetchedAt) / 1000)} s ago: ${result.error.message}` : result.value.error;
      return { ...result.value, error, fetchedAt: result.fetchedAt };
    },
  );

  const observations: DatabaseObservation[] = [...unwatched];
  const reads = outcomes.map(({ read, value }) => (value?.error ? { ...read, error: value.error } : read));
  for (const { place, read, value } of outcomes) {
    const stamp = (o: DatabaseObservation): DatabaseObservation => (several ? { ...o, place: whereOf(place) } : o);
    if (value) observations.push(...value.observations.map(stamp));
    // A place that failed or is still answering: its databases say so, so none silently disappears.
    else for (const db of byPlace.get(placeKey(place))!.config.databases) observations.push(stamp({ ...observe(db.name, db.resourceArn, []), error: read.error ?? 'AWS Backup is still answering; shown at the next refresh' }));
  }
  const times = outcomes.flatMap((o) => (o.value ? [o.value.fetchedAt] : []));
  const fetchedAt = times.length > 0 ? new Date(Math.min(...times)) : null;
  return { ...assessDr(dr, { observations, fetchedAt, error: errorsOf(reads) }, now), ...(several ? { places: reads } : {}) };
}
