import { getFleetContext, type FleetContext } from './context';
import { listClusters } from './clusters';
import { getClusterSnapshot } from './snapshot';
import { joinTelemetry, type TelemetrySources } from './telemetry';
import type { ClusterStatus, FleetOverview, ServiceHealth, Verdict } from './types';

export { filterServices, type ServiceFilter } from './filter-services';
export { listClusters } from './clusters';

/** Worst first: at 3 a.m. the top of the list is what needs attention. */
const severity: Record<Verdict, number> = { down: 0, degraded: 1, deploying: 2, unknown: 3, healthy: 4 };

/**
 * Every cluster's snapshot, fetched in parallel. A cluster that fails shows its error (and its
 * last good services, marked stale, when there are any); the other clusters still show.
 */
export async function getFleetOverview(ctx: FleetContext = getFleetContext(), sources?: TelemetrySources): Promise<FleetOverview> {
  const clusters = await listClusters(ctx);
  const results = await Promise.allSettled(clusters.map((c) => getClusterSnapshot(c, ctx)));
  const now = Date.now();
  const where = { account: ctx.place?.accountId ?? 'default', region: ctx.region };

  const statuses: ClusterStatus[] = [];
  const read: { cluster: string; services: ServiceHealth[] }[] = [];
  results.forEach((r, i) => {
    const cluster = clusters[i] as string;
    if (r.status === 'rejected') {
      statuses.push({ ...where, cluster, fetchedAt: null, ageSeconds: null, stale: false, error: messageOf(r.reason) });
      return;
    }
    const { value, fetchedAt, stale, error } = r.value;
    statuses.push({
      ...where,
      cluster,
      fetchedAt: new Date(fetchedAt).toISOString(),
      ageSeconds: Math.max(0, Math.floor((now - fetchedAt) / 1000)),
      stale,
      error: error ? error.message : null,
    });
    read.push({ cluster: value.cluster, services: value.services });
  });

  // Metrics, alarms and findings, each on its own cache; a failing one leaves the ECS verdict and says so.
  const services = await joinTelemetry(read, ctx, sources);

  services.sort((a, b) => severity[a.verdict] - severity[b.verdict] || a.cluster.localeCompare(b.cluster) || a.name.localeCompare(b.name));
  return { generatedAt: new Date(now).toISOString(), clusters: statuses, services };
}

function messageOf(e: unknown): string {
  // Errors reaching here are AppErrors from lib/cache, whose messages are written for people.
  return e instanceof Error ? e.message : 'The cluster could not be read';
}
