import type { AwsClients } from '../aws/client';
import { getAwsClients } from '../aws/default-clients';
import { createCache, type Cache } from '../cache/cached';
import { getConfig } from '../config';
import { createTaskDefinitionCache, type TaskDefinitionCache } from './task-definitions';

/** Everything the fleet read models need; tests and the CLI build their own, the server uses getFleetContext(). */
export interface FleetContext {
  aws: AwsClients;
  region: string;
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

// On globalThis because Next may evaluate this module once per route bundle; one context means one cache and one single-flight per process.
const KEY = Symbol.for('codeflow.fleetContext');
type Holder = { [KEY]?: FleetContext };

export function getFleetContext(): FleetContext {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const config = getConfig();
    holder[KEY] = createFleetContext({ aws: getAwsClients(), region: config.region, clusters: config.clusters, snapshotTtlMs: config.fleet.cacheTtlMs, telemetryTtlMs: config.telemetry.ttlMs });
  }
  return holder[KEY];
}
