import { nameFromArn } from '../aws/arn';
import { mapLimit } from '../aws/batch';
import { describeClusters, describeServices, listServiceArns } from '../aws/ecs';
import type { CachedResult } from '../cache/cached';
import { AppError } from '../errors';
import { getFleetContext, type FleetContext } from './context';
import { toServiceHealth } from './service-health';
import type { ClusterSnapshot } from './types';

/**
 * One cluster's services with their verdicts, cached for `snapshotTtlMs`: however many viewers
 * ask at once, AWS sees one ListServices + DescribeServices round per cluster per TTL. For two
 * more TTLs an expired snapshot is answered at once while one refresh runs behind it, so viewers
 * never wait on AWS; its `fetchedAt` says how old it is. When a refresh fails the last good
 * snapshot comes back marked stale, with the error.
 */
export function getClusterSnapshot(cluster: string, ctx: FleetContext = getFleetContext()): Promise<CachedResult<ClusterSnapshot>> {
  return ctx.cache.cached(`fleet:snapshot:${cluster}`, ctx.snapshotTtlMs, () => fetchClusterSnapshot(cluster, ctx), {
    staleWhileRevalidateMs: 2 * ctx.snapshotTtlMs,
  });
}

export async function fetchClusterSnapshot(cluster: string, ctx: FleetContext): Promise<ClusterSnapshot> {
  const arns: string[] = [];
  for await (const arn of listServiceArns(ctx.aws, cluster)) arns.push(arn);
  // A service deleted between the two calls is simply not in this snapshot.
  const services = arns.length > 0 ? await describeServices(ctx.aws, cluster, arns, { missing: 'omit' }) : [];

  const tdArns = [...new Set(services.map((s) => s.taskDefinitionArn).filter(Boolean))];
  const tds = new Map(
    await mapLimit(tdArns, 5, async (arn) => [arn, await ctx.taskDefinitions.get(ctx.aws, arn)] as const),
  );

  return {
    cluster: nameFromArn(cluster),
    clusterArn: services[0]?.clusterArn ?? (await clusterArnOf(ctx, cluster)),
    fetchedAt: new Date().toISOString(),
    services: services
      .map((s) => toServiceHealth(cluster, s, tds.get(s.taskDefinitionArn) ?? null))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Only needed for a cluster without services, where no service carries the ARN. */
async function clusterArnOf(ctx: FleetContext, cluster: string): Promise<string> {
  const [found] = await describeClusters(ctx.aws, [cluster]);
  if (!found) throw new AppError('not_found', `Cluster "${nameFromArn(cluster)}" was not found`);
  return found.arn;
}
