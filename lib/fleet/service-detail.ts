import { nameFromArn } from '../aws/arn';
import { describeServices, describeTasks, listTaskArns } from '../aws/ecs';
import { describeListeners, describeTargetGroups, describeTargetHealth } from '../aws/elbv2';
import type { AwsClients } from '../aws/client';
import type { Listener, Service, Task } from '../aws/types';
import { isAppError } from '../errors';
import { getFleetContext, type FleetContext } from './context';
import { listDeploymentHistory, type DeploymentHistoryEntry } from './deployment-history';
import { toServiceHealth } from './service-health';
import { getClusterSnapshot } from './snapshot';
import { joinTelemetry, type TelemetrySources } from './telemetry';
import type { ServiceDetail, ServiceHealth, TargetGroupHealth } from './types';

/** Stopped tasks shown: crashed first, then newest; why tasks die is usually visible in the last few. */
export const STOPPED_SHOWN = 10;
/** Stopped task ARNs examined: ListTasks is unordered, and a crash-looping service can have hundreds. */
const STOPPED_EXAMINED = 100;
const EVENTS_SHOWN = 50;

/**
 * Everything the service page shows, cached ~2 s with single-flight so a page and its polling
 * share one AWS round. Unknown services and clusters are not_found with a message naming them.
 */
/** `sources: null` reads ECS and ELB only (what the metrics page needs); by default the verdict includes telemetry. */
export async function getServiceDetail(cluster: string, serviceName: string, ctx: FleetContext = getFleetContext(), sources?: TelemetrySources | null): Promise<ServiceDetail> {
  const r = await ctx.cache.cached(`fleet:detail:${cluster}/${serviceName}`, ctx.detailTtlMs, () => fetchServiceDetail(cluster, serviceName, ctx));
  const detail = r.stale ? { ...r.value, stale: true, error: r.error?.message ?? null } : r.value;
  return sources === null ? detail : { ...detail, health: await serviceTelemetry(detail, ctx, sources) };
}

/**
 * The detail's verdict with the service's telemetry: the same cached cluster-wide reads the
 * overview makes (its latest-minute metrics round covers every service of the cluster).
 */
async function serviceTelemetry(detail: ServiceDetail, ctx: FleetContext, sources?: TelemetrySources): Promise<ServiceHealth> {
  const snapshot = await getClusterSnapshot(detail.cluster, ctx).then(
    (r) => r.value.services,
    () => [] as ServiceHealth[],
  );
  // The cluster's service list, with this service as the detail has it now (fresher than the snapshot).
  const services = [...snapshot.filter((s) => s.name !== detail.health.name), detail.health];
  const joined = await joinTelemetry([{ cluster: detail.cluster, services }], ctx, sources);
  return joined.find((s) => s.name === detail.health.name) ?? detail.health;
}

export async function fetchServiceDetail(cluster: string, serviceName: string, ctx: FleetContext): Promise<ServiceDetail> {
  const { aws } = ctx;
  const [service] = await describeServices(aws, cluster, [serviceName]);
  if (!service) throw new Error('describeServices returned no service for a single name');

  const [taskDefinition, running, stopped, targetGroups, history] = await Promise.all([
    service.taskDefinitionArn ? ctx.taskDefinitions.get(aws, service.taskDefinitionArn) : null,
    tasksOf(aws, cluster, service.name, 'RUNNING', Number.POSITIVE_INFINITY),
    tasksOf(aws, cluster, service.name, 'STOPPED', STOPPED_EXAMINED),
    targetGroupsOf(aws, service),
    deploymentHistoryOf(cluster, service.name, ctx),
  ]);

  const clusterName = nameFromArn(cluster);
  return {
    cluster: clusterName,
    service,
    health: toServiceHealth(cluster, service, taskDefinition, ctx.place),
    taskDefinition,
    tasks: {
      running: running.sort(byTime((t) => t.startedAt ?? t.createdAt)),
      ...recentlyStopped(stopped),
    },
    targetGroups,
    deploymentHistory: history.entries,
    deploymentHistoryError: history.error,
    events: service.events.slice(0, EVENTS_SHOWN),
    awsConsoleUrl: awsConsoleUrl(ctx.region, clusterName, service.name),
    fetchedAt: new Date().toISOString(),
    stale: false,
    error: null,
  };
}

/** The history changes only when someone deploys; reading it on every 2 s poll would spend three ECS calls each time. */
const HISTORY_TTL_MS = 10_000;

/**
 * The service's recent deployments (failed and rolled-back ones included), cached apart from the
 * detail. A failure to read them is said on the card; it never blanks the page.
 */
async function deploymentHistoryOf(cluster: string, service: string, ctx: FleetContext): Promise<{ entries: DeploymentHistoryEntry[] | null; error: string | null }> {
  try {
    const r = await ctx.cache.cached(`fleet:deployments:${cluster}/${service}`, HISTORY_TTL_MS, () => listDeploymentHistory(ctx.aws, ctx.taskDefinitions, cluster, service), {
      staleWhileRevalidateMs: 60_000,
    });
    return { entries: r.value, error: r.stale ? (r.error?.message ?? null) : null };
  } catch (e) {
    return { entries: null, error: isAppError(e) ? e.message : 'the deployment history could not be read' };
  }
}

export function awsConsoleUrl(region: string, cluster: string, service: string): string {
  const r = encodeURIComponent(region);
  return `https://${r}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service)}/health?region=${r}`;
}

async function tasksOf(aws: AwsClients, cluster: string, serviceName: string, desiredStatus: 'RUNNING' | 'STOPPED', limit: number): Promise<Task[]> {
  const arns: string[] = [];
  for await (const arn of listTaskArns(aws, cluster, { serviceName, desiredStatus })) {
    arns.push(arn);
    if (arns.length >= limit) break;
  }
  return arns.length > 0 ? describeTasks(aws, cluster, arns) : [];
}

/** Target groups of the service, each with target health and the listeners (and weights) that send it traffic. */
async function targetGroupsOf(aws: AwsClients, service: Service): Promise<TargetGroupHealth[]> {
  const arns = [...new Set(service.loadBalancers.map((lb) => lb.targetGroupArn))];
  if (arns.length === 0) return [];
  const groups = await describeTargetGroups(aws, { arns });
  const lbArns = [...new Set(groups.flatMap((g) => g.loadBalancerArns))];
  const [healths, listenerLists] = await Promise.all([
    Promise.all(groups.map((g) => describeTargetHealth(aws, g.arn))),
    Promise.all(lbArns.map((lb) => describeListeners(aws, lb))),
  ]);
  const listeners: Listener[] = listenerLists.flat();
  return groups.map((targetGroup, i) => ({
    targetGroup,
    listeners: listeners.flatMap((listener) =>
      listener.forwards.filter((f) => f.targetGroupArn === targetGroup.arn).map((f) => ({ listener, weight: f.weight })),
    ),
    targets: healths[i] ?? [],
  }));
}

/** A task that stopped because a container exited non-zero (a crash, an OOM kill), not because the scheduler stopped it. */
export function isCrashed(task: Task): boolean {
  return task.containers.some((c) => c.exitCode !== null && c.exitCode !== 0);
}

/**
 * The stopped tasks worth reading at 3 a.m.: crashed ones first (their exit codes say why), then the
 * scheduler's; newest first within each, at most STOPPED_SHOWN, with how many there were in all.
 */
export function recentlyStopped(stopped: Task[]): { stopped: Task[]; stoppedTotal: number; crashedTotal: number } {
  const newest = byTime((t) => t.stoppedAt ?? t.stoppingAt ?? t.createdAt);
  const sorted = [...stopped].sort((a, b) => Number(isCrashed(b)) - Number(isCrashed(a)) || newest(a, b));
  return { stopped: sorted.slice(0, STOPPED_SHOWN), stoppedTotal: stopped.length, crashedTotal: stopped.filter(isCrashed).length };
}

/** Newest first; tasks without a time go last. */
function byTime(at: (t: Task) => string | null): (a: Task, b: Task) => number {
  return (a, b) => (Date.parse(at(b) ?? '') || 0) - (Date.parse(at(a) ?? '') || 0);
}
