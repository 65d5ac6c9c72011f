import { nameFromArn } from '../aws/arn';
import { mapLimit } from '../aws/batch';
import { describeClusters, describeServices, listServiceArns } from '../aws/ecs';
import type { CachedResult } from '../cache/cached';
import { AppError } from '../errors';
import { getFleetContext, type FleetContext } from './context';
import { toServiceHealth } from './service-health';
import type { TaskDefinition } from '../aws/types';
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
  const tds = await taskDefinitionsOf(tdArns, ctx);

  return {
    cluster: nameFromArn(cluster),
    clusterArn: services[0]?.clusterArn ?? (await clusterArnOf(ctx, cluster)),
    fetchedAt: new Date().toISOString(),
    services: services
      .map((s) => toServiceHealth(cluster, s, tds.get(s.taskDefinitionArn) ?? null, ctx.place))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** How long a refresh waits for revisions it has not described yet; the rest land in the cache for the next one. */
const TASK_DEFINITION_WAIT_MS = 3000;

/**
 * The services' task definitions (for their images). Described revisions are cached for good, but a
 * first read of a large fleet has one per service (2,000 calls at Codeflow's share of the
 * task-definition bucket is minutes): the snapshot does not wait for them all. Rows whose revision is
 * not described yet show no image until a later refresh; a revision that cannot be described shows none.
 */
async function taskDefinitionsOf(arns: string[], ctx: FleetContext): Promise<Map<string, TaskDefinition | null>> {
  const out = new Map<string, TaskDefinition | null>();
  const missing: string[] = [];
  for (const arn of arns) {
    const held = ctx.taskDefinitions.peek(arn);
    if (held) out.set(arn, held);
    else missing.push(arn);
  }
  if (missing.length === 0) return out;
  const described = mapLimit(missing, 5, async (arn) => [arn, await ctx.taskDefinitions.get(ctx.aws, arn).catch(() => null)] as const);
  let timer: NodeJS.Timeout | undefined;
  const waited = await Promise.race([described, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), TASK_DEFINITION_WAIT_MS)))]);
  clearTimeout(timer);
  for (const arn of missing) out.set(arn, ctx.taskDefinitions.peek(arn) ?? null);
  if (waited) for (const [arn, td] of waited) out.set(arn, td);
  return out;
}

/** Only needed for a cluster without services, where no service carries the ARN. */
async function clusterArnOf(ctx: FleetContext, cluster: string): Promise<string> {
  const [found] = await describeClusters(ctx.aws, [cluster]);
  if (!found) throw new AppError('not_found', `Cluster "${nameFromArn(cluster)}" was not found`);
  return found.arn;
}
