import { nameFromArn } from '../aws/arn';
import { listClusterArns } from '../aws/ecs';
import { getFleetContext, type FleetContext } from './context';
import { getClusterSnapshot } from './snapshot';
import type { ClusterStatus, FleetOverview, ServiceHealth, Verdict } from './types';

export { filterServices, type ServiceFilter } from './filter-services';

/** Worst first: at 3 a.m. the top of the list is what needs attention. */
const severity: Record<Verdict, number> = { down: 0, degraded: 1, deploying: 2, unknown: 3, healthy: 4 };

/**
 * Every cluster's snapshot, fetched in parallel. A cluster that fails shows its error (and its
 * last good services, marked stale, when there are any); the other clusters still show.
 */
export async function getFleetOverview(ctx: FleetContext = getFleetContext()): Promise<FleetOverview> {
  const clusters = await listClusters(ctx);
  const results = await Promise.allSettled(clusters.map((c) => getClusterSnapshot(c, ctx)));
  const now = Date.now();

  const statuses: ClusterStatus[] = [];
  const services: ServiceHealth[] = [];
  results.forEach((r, i) => {
    const cluster = clusters[i] as string;
    if (r.status === 'rejected') {
      statuses.push({ cluster, fetchedAt: null, ageSeconds: null, stale: false, error: messageOf(r.reason) });
      return;
    }
    const { value, fetchedAt, stale, error } = r.value;
    statuses.push({
      cluster,
      fetchedAt: new Date(fetchedAt).toISOString(),
      ageSeconds: Math.max(0, Math.floor((now - fetchedAt) / 1000)),
      stale,
      error: error ? error.message : null,
    });
    services.push(...value.services);
  });

  services.sort((a, b) => severity[a.verdict] - severity[b.verdict] || a.cluster.localeCompare(b.cluster) || a.name.localeCompare(b.name));
  return { generatedAt: new Date(now).toISOString(), clusters: statuses, services };
}

/** Configured clusters, or every cluster in the account and region (cached: clusters come and go rarely). */
export async function listClusters(ctx: FleetContext = getFleetContext()): Promise<string[]> {
  if (ctx.clusters.length > 0) return ctx.clusters;
  const { value } = await ctx.cache.cached('fleet:clusters', ctx.discoveryTtlMs, async () => {
    const names: string[] = [];
    for await (const arn of listClusterArns(ctx.aws)) names.push(nameFromArn(arn));
    return names.sort();
  });
  return value;
}

function messageOf(e: unknown): string {
  // Errors reaching here are AppErrors from lib/cache, whose messages are written for people.
  return e instanceof Error ? e.message : 'The cluster could not be read';
}
