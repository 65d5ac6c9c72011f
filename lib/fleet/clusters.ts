import { nameFromArn } from '../aws/arn';
import { listClusterArns } from '../aws/ecs';
import { getFleetContext, type FleetContext } from './context';

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
