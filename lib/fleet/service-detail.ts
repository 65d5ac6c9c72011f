import { nameFromArn } from '../aws/arn';
import { describeServices, describeTasks, listTaskArns } from '../aws/ecs';
import { describeListeners, describeTargetGroups, describeTargetHealth } from '../aws/elbv2';
import type { AwsClients } from '../aws/client';
import type { Listener, Service, Task } from '../aws/types';
import { getFleetContext, type FleetContext } from './context';
import { toServiceHealth } from './service-health';
import { getClusterSnapshot } from './snapshot';
import { joinTelemetry, type TelemetrySources } from './telemetry';
import type { ServiceDetail, ServiceHealth, TargetGroupHealth } from './types';

/** Newest stopped tasks shown; why tasks die is usually visible in the last few. */
const STOPPED_SHOWN = 20;
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

  const [taskDefinition, running, stopped, targetGroups] = await Promise.all([
    service.taskDefinitionArn ? ctx.taskDefinitions.get(aws, service.taskDefinitionArn) : null,
    tasksOf(aws, cluster, service.name, 'RUNNING', Number.POSITIVE_INFINITY),
    tasksOf(aws, cluster, service.name, 'STOPPED', STOPPED_EXAMINED),
    targetGroupsOf(aws, service),
  ]);

  const clusterName = nameFromArn(cluster);
  return {
    cluster: clusterName,
    service,
    health: toServiceHealth(cluster, service, taskDefinition),
    taskDefinition,
    tasks: {
      running: running.sort(byTime((t) => t.startedAt ?? t.createdAt)),
      stopped: stopped.sort(byTime((t) => t.stoppedAt ?? t.stoppingAt ?? t.createdAt)).slice(0, STOPPED_SHOWN),
    },
    targetGroups,
    events: service.events.slice(0, EVENTS_SHOWN),
    awsConsoleUrl: awsConsoleUrl(ctx.region, clusterName, service.name),
    fetchedAt: new Date().toISOString(),
    stale: false,
    error: null,
  };
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

/** Newest first; tasks without a time go last. */
function byTime(at: (t: Task) => string | null): (a: Task, b: Task) => number {
  return (a, b) => (Date.parse(at(b) ?? '') || 0) - (Date.parse(at(a) ?? '') || 0);
}
