import { nameFromArn } from '../aws/arn';
import { listClusterArns } from '../aws/ecs';
import type { AppError } from '../errors';
import { getFleetContext, type FleetContext } from './context';

/** Configured clusters, or every cluster in the account and region (cached: clusters come and go rarely). */
export async function listClusters(ctx: FleetContext = getFleetContext()): Promise<string[]> {
  return (await discoverClusters(ctx)).names;
}

/**
 * The clusters with why the last listing failed, when it did: the last good list comes back with
 * the error (credentials refused, AWS unreachable), so the overview can say the place is not being
 * read rather than show its old list as if it were.
 */
export async function discoverClusters(ctx: FleetContext = getFleetContext()): Promise<{ names: string[]; error: AppError | null }> {
  if (ctx.clusters.length > 0) return { names: ctx.clusters, error: null };
  const { value, error } = await ctx.cache.cached('fleet:clusters', ctx.discoveryTtlMs, async () => {
    const names: string[] = [];
    for await (const arn of listClusterArns(ctx.aws)) names.push(nameFromArn(arn));
    return names.sort();
  });
  return { names: value, error };
}
