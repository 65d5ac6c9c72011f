import type { PlaceRef } from '../accounts/places';
import { createHash } from 'node:crypto';
import { loadBalancerDimension, targetGroupDimension } from '../aws/arn';
import { getMetricData, MAX_QUERIES_PER_CALL } from '../aws/cloudwatch';
import { describeTargetGroups } from '../aws/elbv2';
import type { MetricQuery, MetricSeries } from '../aws/telemetry-types';
import type { TargetGroup } from '../aws/types';
import { isAppError } from '../errors';
import { loggerFor } from '../observability/logger';
import { getAlarmsContext, listAlarms, type AlarmsReport } from '../telemetry/alarms';
import { getFindingsContext, openFindingsByService, type ServiceFindingSummary } from '../telemetry/findings';
import type { FleetContext } from './context';
import { withTelemetry } from './service-health';
import type { AlarmRef, ServiceHealth } from './types';
import type { LatestMetrics } from './verdict';

const ECS = 'AWS/ECS';
const ALB = 'AWS/ApplicationELB';
const MINUTE_MS = 60_000;
/** The latest minute CloudWatch has is looked for within this window (ALB metrics arrive a minute or two late). */
const WINDOW_MINUTES = 5;
/**
 * The window also reaches this far past our own clock: a host clock behind AWS's (or the sandbox's,
 * which tests move forward) would otherwise miss the newest minutes. Future minutes are simply empty.
 */
const CLOCK_SKEW_MINUTES = 15;

/** Where the overview's alarms and findings come from; tests pass their own. */
export interface TelemetrySources {
  alarms: () => Promise<AlarmsReport>;
  findings: () => Promise<{ value: Record<string, ServiceFindingSummary>; stale: boolean; error: { message: string } | null }>;
}

/** A place's own alarms and findings (home when absent). */
export function defaultTelemetrySources(place?: PlaceRef): TelemetrySources {
  return { alarms: () => listAlarms(getAlarmsContext(place)), findings: () => openFindingsByService(getFindingsContext(place)) };
}


type Role = 'cpu' | 'mem' | 'req' | 'err' | 'p95' | 'healthy' | 'unhealthy';

export interface LatestPlan {
  queries: MetricQuery[];
  /** query id → which service and what it measures. */
  owners: Map<string, { service: string; role: Role }>;
}

/**
 * The latest-value queries for every service of a cluster, in one list so they go out in
 * ceil(n/500) GetMetricData calls: per service ECS CPU and memory, per target group requests,
 * 5xx, p95 latency and healthy/unhealthy host counts (the target health the overview shows,
 * instead of a DescribeTargetHealth per group).
 */
export function planLatestQueries(cluster: string, services: readonly Pick<ServiceHealth, 'name' | 'targetGroupArns'>[], targetGroups: ReadonlyMap<string, TargetGroup>): LatestPlan {
  const queries: MetricQuery[] = [];
  const owners = new Map<string, { service: string; role: Role }>();
  const add = (q: MetricQuery, service: string, role: Role) => {
    queries.push({ period: 60, ...q });
    owners.set(q.id, { service, role });
  };
  services.forEach((s, i) => {
    const ecs = { ClusterName: cluster, ServiceName: s.name };
    add({ id: `c${i}`, namespace: ECS, metricName: 'CPUUtilization', dimensions: ecs, stat: 'Average' }, s.name, 'cpu');
    add({ id: `m${i}`, namespace: ECS, metricName: 'MemoryUtilization', dimensions: ecs, stat: 'Average' }, s.name, 'mem');
    s.targetGroupArns.forEach((arn, j) => {
      const lb = targetGroups.get(arn)?.loadBalancerArns[0];
      // Without its load balancer CloudWatch has no series for the group (the dimension pair is required).
      if (!lb) return;
      const dims = { LoadBalancer: loadBalancerDimension(lb), TargetGroup: targetGroupDimension(arn) };
      const alb = (id: string, metricName: string, stat: string, role: Role) => add({ id: `${id}${i}_${j}`, namespace: ALB, metricName, dimensions: dims, stat }, s.name, role);
      alb('r', 'RequestCount', 'Sum', 'req');
      alb('e', 'HTTPCode_Target_5XX_Count', 'Sum', 'err');
      alb('p', 'TargetResponseTime', 'p95', 'p95');
      alb('h', 'HealthyHostCount', 'Average', 'healthy');
      alb('u', 'UnHealthyHostCount', 'Average', 'unhealthy');
    });
  });
  return { queries, owners };
}

/** Each service's latest minute: the newest minute with requests (or CPU, for services without a load balancer). */
export function latestByService(plan: LatestPlan, series: readonly MetricSeries[]): Map<string, LatestMetrics> {
  const byService = new Map<string, { role: Role; s: MetricSeries }[]>();
  for (const s of series) {
    const owner = plan.owners.get(s.id);
    if (!owner) continue;
    (byService.get(owner.service) ?? byService.set(owner.service, []).get(owner.service)!).push({ role: owner.role, s });
  }
  const out = new Map<string, LatestMetrics>();
  for (const service of new Set([...plan.owners.values()].map((o) => o.service))) {
    const list = byService.get(service) ?? [];
    const of = (role: Role) => list.filter((x) => x.role === role).map((x) => x.s);
    const last = (s: MetricSeries) => (s.timestamps.length > 0 ? s.timestamps[s.timestamps.length - 1]! : null);
    const valueAt = (s: MetricSeries, at: string) => {
      const i = s.timestamps.lastIndexOf(at);
      return i >= 0 ? s.values[i]! : null;
    };
    const latest = (s: MetricSeries | undefined) => (s && s.values.length > 0 ? s.values[s.values.length - 1]! : null);
    const sum = (values: (number | null)[]) => (values.some((v) => v !== null) ? values.reduce<number>((a, v) => a + (v ?? 0), 0) : null);

    // The minute the request-based figures describe: the newest one any target group reported traffic for.
    const at = of('req').map(last).filter((t): t is string => t !== null).sort().pop() ?? null;
    const requests = at ? sum(of('req').map((s) => valueAt(s, at))) : null;
    // A 5xx count is only reported for minutes that had some: missing means none.
    const errors = at ? (sum(of('err').map((s) => valueAt(s, at))) ?? 0) : null;
    const p95s = at ? of('p95').map((s) => valueAt(s, at)).filter((v): v is number => v !== null) : [];
    const cpu = of('cpu')[0];
    out.set(service, {
      at: at ?? (cpu ? last(cpu) : null),
      p95Ms: p95s.length > 0 ? Math.max(...p95s) * 1000 : null,
      errorRatePct: requests && errors !== null ? (100 * errors) / requests : null,
      requests,
      cpuPct: latest(cpu),
      memoryPct: latest(of('mem')[0]),
      healthyTargets: sum(of('healthy').map(latest)),
      unhealthyTargets: sum(of('unhealthy').map(latest)),
    });
  }
  return out;
}

export interface ClusterMetrics {
  byService: Record<string, LatestMetrics>;
  queryCount: number;
  callCount: number;
}

/** The cluster's target groups with their load balancers; they change only when services are created or moved. */
async function targetGroupsOf(cluster: string, arns: string[], ctx: FleetContext): Promise<Map<string, TargetGroup>> {
  if (arns.length === 0) return new Map();
  const sorted = [...arns].sort();
  const key = createHash('sha1').update(sorted.join(',')).digest('hex').slice(0, 16);
  const { value } = await ctx.cache.cached(`fleet:target-groups:${cluster}:${key}`, 5 * ctx.discoveryTtlMs, async () => describeTargetGroups(ctx.aws, { arns: sorted }), {
    staleWhileRevalidateMs: 5 * ctx.discoveryTtlMs,
  });
  return new Map(value.map((tg) => [tg.arn, tg]));
}

/**
 * Every service's latest minute for one cluster, cached `telemetryTtlMs` (a minute by default:
 * CloudWatch's finest standard period) with stale-while-revalidate; a failure serves the last
 * good values, marked stale.
 */
export function getClusterMetrics(cluster: string, services: readonly ServiceHealth[], ctx: FleetContext) {
  return ctx.cache.cached(
    `fleet:latest-metrics:${cluster}`,
    ctx.telemetryTtlMs,
    async (): Promise<ClusterMetrics> => {
      const targetGroups = await targetGroupsOf(cluster, [...new Set(services.flatMap((s) => s.targetGroupArns))], ctx);
      const plan = planLatestQueries(cluster, services, targetGroups);
      const now = Math.ceil(Date.now() / MINUTE_MS) * MINUTE_MS;
      const series = plan.queries.length > 0 ? await getMetricData(ctx.aws, { queries: plan.queries, start: new Date(now - WINDOW_MINUTES * MINUTE_MS), end: new Date(now + CLOCK_SKEW_MINUTES * MINUTE_MS) }) : [];
      return { byService: Object.fromEntries(latestByService(plan, series)), queryCount: plan.queries.length, callCount: Math.ceil(plan.queries.length / MAX_QUERIES_PER_CALL) };
    },
    { staleWhileRevalidateMs: ctx.telemetryTtlMs },
  );
}

class NotYet extends Error {}

/** The promise's value, or a NotYet rejection after `ms` (the promise keeps running and fills the cache). */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NotYet()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function messageOf(e: unknown, what: string): string {
  if (e instanceof NotYet) return 'not read yet';
  if (isAppError(e)) return e.message;
  loggerFor('fleet').error({ err: e, what }, `reading ${what} failed`);
  return `${what} could not be read`;
}

const ALARM_RANK: Record<string, number> = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };

/**
 * The services of some clusters with their telemetry folded into the verdict: latest metrics (one
 * GetMetricData round per cluster), alarms (one cached DescribeAlarms for all) and open HIGH/CRITICAL
 * findings (one cached ListFindings). Each source fails on its own and then says so in the reasons;
 * none is waited on for more than `telemetryWaitMs`.
 */
export async function joinTelemetry(
  clusters: readonly { cluster: string; services: readonly ServiceHealth[] }[],
  ctx: FleetContext,
  sources: TelemetrySources = defaultTelemetrySources(),
): Promise<ServiceHealth[]> {
  const wait = ctx.telemetryWaitMs;
  const [metrics, alarms, findings] = await Promise.all([
    Promise.allSettled(clusters.map((c) => within(getClusterMetrics(c.cluster, c.services, ctx), wait))),
    within(sources.alarms(), wait).then(
      (r) => (r.fetchedAt === null && r.error ? { ok: false as const, error: r.error } : { ok: true as const, report: r }),
      (e: unknown) => ({ ok: false as const, error: messageOf(e, 'CloudWatch alarms') }),
    ),
    within(sources.findings(), wait).then(
      (r) => ({ ok: true as const, byService: r.value }),
      (e: unknown) => ({ ok: false as const, error: messageOf(e, 'GuardDuty findings') }),
    ),
  ]);

  const alarmsByService = new Map<string, AlarmRef[]>();
  if (alarms.ok) {
    for (const a of alarms.report.alarms) {
      for (const ref of a.services) {
        const key = `${ref.cluster}/${ref.service}`;
        (alarmsByService.get(key) ?? alarmsByService.set(key, []).get(key)!).push({ name: a.name, state: a.state });
      }
    }
  }

  return clusters.flatMap((c, i) => {
    const m = metrics[i]!;
    return c.services.map((s) => {
      const key = `${s.cluster}/${s.name}`;
      const refs = (alarmsByService.get(key) ?? []).sort((a, b) => (ALARM_RANK[a.state] ?? 3) - (ALARM_RANK[b.state] ?? 3) || a.name.localeCompare(b.name));
      const summary = findings.ok ? findings.byService[key] : undefined;
      return withTelemetry(s, {
        metrics: m.status === 'fulfilled' ? (m.value.value.byService[s.name] ?? null) : null,
        metricsError: m.status === 'rejected' ? messageOf(m.reason, 'CloudWatch metrics') : m.value.value.byService[s.name] ? null : 'no datapoints',
        alarms: alarms.ok ? refs : null,
        alarmsInAlarm: alarms.ok ? refs.filter((r) => r.state === 'ALARM').map((r) => r.name) : null,
        alarmsError: alarms.ok ? null : alarms.error,
        findings: findings.ok ? (summary ? { highest: summary.highest === 'CRITICAL' ? 'CRITICAL' : 'HIGH', count: summary.count } : { highest: 'HIGH', count: 0 }) : null,
        findingsError: findings.ok ? null : findings.error,
      });
    });
  });
}
