import type { Place, PlaceRef } from '../accounts/places';
import { cacheForPlace, perPlace } from '../accounts/per-place';
import type { AwsClients } from '../aws/client';
import { getAwsClients } from '../aws/default-clients';
import { createCache, type Cache } from '../cache/cached';
import { getConfig } from '../config';
import { createTaskDefinitionCache, type TaskDefinitionCache } from './task-definitions';

/** Everything the fleet read models need; tests and the CLI build their own, the server uses getFleetContext(). */
export interface FleetContext {
  aws: AwsClients;
  region: string;
  /** The account and Region read (stamped on every service); absent in tests, which read one. */
  place?: Place;
  /** Clusters to show; empty means discover them. */
  clusters: string[];
  /** Cluster snapshots are fresh for this long. */
  snapshotTtlMs: number;
  /** One service's detail page is fresh for this long. */
  detailTtlMs: number;
  /** Discovered cluster lists change rarely. */
  discoveryTtlMs: number;
  /** The overview's latest-minute metrics are fresh for this long (CloudWatch's finest period is a minute). */
  telemetryTtlMs: number;
  /** How long a page waits on a cold telemetry source before answering without it (it lands in the cache for the next poll). */
  telemetryWaitMs: number;
  cache: Cache;
  taskDefinitions: TaskDefinitionCache;
}

export function createFleetContext(opts: Pick<FleetContext, 'aws' | 'region'> & Partial<FleetContext>): FleetContext {
  return {
    clusters: [],
    snapshotTtlMs: 5000,
    detailTtlMs: 2000,
    discoveryTtlMs: 60_000,
    telemetryTtlMs: 60_000,
    telemetryWaitMs: 3000,
    cache: createCache(),
    taskDefinitions: createTaskDefinitionCache(),
    ...opts,
  };
}

/** The server's fleet context of a place (home when absent): one cache and one single-flight per place per process. */
export function getFleetContext(ref?: PlaceRef): FleetContext {
  return perPlace('fleet', ref, (place) => {
    const config = getConfig();
    return createFleetContext({
      aws: getAwsClients(place),
      region: place.region,
      place,
      clusters: place.clusters,
      cache: cacheForPlace(createCache(), place),
      snapshotTtlMs: config.fleet.cacheTtlMs,
      // Clusters come and go rarely: a minute, or less when snapshots are read more often than every 5 s.
      discoveryTtlMs: Math.min(60_000, Math.max(5_000, config.fleet.cacheTtlMs * 12)),
      telemetryTtlMs: config.telemetry.ttlMs,
    });
  });
}
