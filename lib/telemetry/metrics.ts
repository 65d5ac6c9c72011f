import type { AwsClients } from '../aws/client';
import { cacheForPlace, perPlace } from '../accounts/per-place';
import type { PlaceRef } from '../accounts/places';
import { getAwsClients } from '../aws/default-clients';
import { getConfig } from '../config';
import { loadBalancerDimension, targetGroupDimension } from '../aws/arn';
import { getMetricData, MAX_QUERIES_PER_CALL } from '../aws/cloudwatch';
import type { MetricQuery, MetricSeries } from '../aws/telemetry-types';
import type { Service } from '../aws/types';
import { createCache, type Cache } from '../cache/cached';
import { getFleetContext } from '../fleet/context';
import { listDeploymentHistory, type DeploymentHistoryEntry, type DeploymentOutcome } from '../fleet/deployment-history';
import { getServiceDetail } from '../fleet/service-detail';
import type { TargetGroupHealth } from '../fleet/types';
import { AppError, isAppError } from '../errors';
import type { RangeKey } from '../api/metrics/schemas';
import { loggerFor } from '../observability/logger';

export type { RangeKey };
export type PresetRange = Exclude<RangeKey, 'custom'>;

const HOUR_MS = 3600_000;
const PRESETS: Record<PresetRange, { spanMs: number; period: number }> = {
  '1h': { spanMs: HOUR_MS, period: 60 },
  '3h': { spanMs: 3 * HOUR_MS, period: 60 },
  '12h': { spanMs: 12 * HOUR_MS, period: 300 },
  '24h': { spanMs: 24 * HOUR_MS, period: 300 },
  '7d': { spanMs: 7 * 24 * HOUR_MS, period: 3600 },
};
/** A chart is a few hundred pixels wide; more points than this only blur into each other. */
export const MAX_POINTS = 300;
/** CloudWatch keeps 1-minute data for 15 days; older custom ranges would come back empty or coarse. */
export const MAX_AGE_DAYS = 15;
const MIN_SPAN_MS = 5 * 60_000;
/** Periods CloudWatch answers for any age: multiples of 60 s. */
const PERIODS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

export interface MetricsRange {
  key: RangeKey;
  from: string;
  to: string;
  periodSeconds: number;
}

/** The smallest period that keeps a chart within MAX_POINTS. */
export function periodFor(spanMs: number): number {
  return PERIODS.find((p) => spanMs / (p * 1000) <= MAX_POINTS) ?? PERIODS[PERIODS.length - 1]!;
}

/**
 * A preset ends now (rounded down to its period, so equal requests share a cache entry); a custom
 * range must run forwards, not into the future, and start within the last 15 days.
 */
export function resolveRange(input: { range: RangeKey; from?: string; to?: string }, now = Date.now()): MetricsRange {
  if (input.range !== 'custom') {
    const { spanMs, period } = PRESETS[input.range];
    const end = Math.floor(now / (period * 1000)) * period * 1000 + period * 1000;
    return { key: input.range, from: new Date(end - spanMs).toISOString(), to: new Date(end).toISOString(), periodSeconds: period };
  }
  const allowed = `from and to as ISO-8601 times, from before to, between ${new Date(now - MAX_AGE_DAYS * 24 * HOUR_MS).toISOString()} and now (${new Date(now).toISOString()}), at least 5 minutes apart`;
  const from = Date.parse(input.from ?? '');
  const to = Date.parse(input.to ?? '');
  if (Number.isNaN(from) || Number.isNaN(to)) throw new AppError('invalid', `A custom range needs ${allowed}`);
  if (from >= to) throw new AppError('invalid', `The range is reversed: ${allowed}`);
  if (to > now + 60_000) throw new AppError('invalid', `The range ends in the future: ${allowed}`);
  if (from < now - MAX_AGE_DAYS * 24 * HOUR_MS) throw new AppError('invalid', `The range starts more than ${MAX_AGE_DAYS} days ago: ${allowed}`);
  if (to - from < MIN_SPAN_MS) throw new AppError('invalid', `The range is too short: ${allowed}`);
  return { key: 'custom', from: new Date(from).toISOString(), to: new Date(to).toISOString(), periodSeconds: periodFor(to - from) };
}

export type MetricChartId = 'cpu' | 'memory' | 'requests' | 'latency' | 'errors' | 'targets';

export interface ChartLine {
  /** Stable key for the chart's config: `p95`, `healthy`, or `requests:<target group>` with several groups. */
  key: string;
  label: string;
  timestamps: string[];
  values: number[];
  partial: boolean;
}

/** A line the guide draws: a target to stay under, or a rollback trigger. */
export interface ReferenceLine {
  value: number;
  label: string;
  kind: 'target' | 'trigger';
}

export interface MetricChart {
  id: MetricChartId;
  title: string;
  unit: string;
  lines: ChartLine[];
  references: ReferenceLine[];
}

export interface DeploymentMarker {
  id: string;
  at: string;
  status: string;
  taskDefinition: string;
  /** `codeflow:3 (v1.5.1-crash)` when the revision's image is known, else `codeflow:3`. */
  label: string;
  /** How it ended: failed and rolled-back ones are flagged on the charts. */
  outcome: DeploymentOutcome;
}

export interface ServiceMetrics {
  cluster: string;
  service: string;
  range: MetricsRange;
  charts: MetricChart[];
  deployments: DeploymentMarker[];
  /** How many queries and GetMetricData calls the charts took (≤ 500 queries a call). */
  queryCount: number;
  callCount: number;
  fetchedAt: string;
  ageSeconds: number;
  stale: boolean;
  error: string | null;
}

/** The deployment guide's §4.3/§5.1 thresholds and rollback triggers. */
export const GUIDE_REFERENCES: Record<MetricChartId, ReferenceLine[]> = {
  cpu: [{ value: 70, label: 'target < 70 %', kind: 'target' }],
  memory: [{ value: 80, label: 'target < 80 %', kind: 'target' }],
  requests: [],
  latency: [
    { value: 200, label: 'p95 target < 200 ms', kind: 'target' },
    { value: 500, label: 'rollback > 500 ms', kind: 'trigger' },
  ],
  errors: [
    { value: 1, label: 'target < 1 %', kind: 'target' },
    { value: 5, label: 'rollback > 5 %', kind: 'trigger' },
  ],
  targets: [],
};

const ECS = 'AWS/ECS';
const ALB = 'AWS/ApplicationELB';


interface Plan {
  queries: MetricQuery[];
  /** Which query id feeds which chart line, and how its values are scaled. */
  lines: { chart: MetricChartId; id: string; key: string; label: string; scale: (v: number) => number }[];
}

/**
 * Every query of the page in one list, so they go out in as few GetMetricData calls as the
 * 500-query limit allows: ECS CPU and memory, and per target group requests, latency
 * percentiles, the 5xx rate (math over counts that are not returned themselves) and target counts.
 */
export function planQueries(cluster: string, service: Service, targetGroups: readonly TargetGroupHealth[], period: number): Plan {
  const ecs = { ClusterName: cluster, ServiceName: service.name };
  const queries: MetricQuery[] = [
    { id: 'cpu', namespace: ECS, metricName: 'CPUUtilization', dimensions: ecs, stat: 'Average', period, label: 'CPU' },
    { id: 'mem', namespace: ECS, metricName: 'MemoryUtilization', dimensions: ecs, stat: 'Average', period, label: 'Memory' },
  ];
  const identity = (v: number) => v;
  const lines: Plan['lines'] = [
    { chart: 'cpu', id: 'cpu', key: 'cpu', label: 'CPU', scale: identity },
    { chart: 'memory', id: 'mem', key: 'memory', label: 'Memory', scale: identity },
  ];
  const several = targetGroups.length > 1;
  targetGroups.forEach(({ targetGroup: tg }, i) => {
    const lb = tg.loadBalancerArns[0];
    const dims: Record<string, string> = { TargetGroup: targetGroupDimension(tg.arn), ...(lb ? { LoadBalancer: loadBalancerDimension(lb) } : {}) };
    const alb = (id: string, metricName: string, stat: string, extra: Partial<MetricQuery> = {}): MetricQuery => ({ id: `${id}${i}`, namespace: ALB, metricName, dimensions: dims, stat, period, ...extra });
    const of = (key: string) => (several ? `${key}:${tg.name}` : key);
    const named = (label: string) => (several ? `${label} (${tg.name})` : label);
    queries.push(
      alb('mreq', 'RequestCount', 'Sum'),
      alb('m5xx', 'HTTPCode_Target_5XX_Count', 'Sum', { returnData: false }),
      { id: `e5xx${i}`, expression: `100*FILL(m5xx${i},0)/FILL(mreq${i},1)`, period, label: named('5xx') },
      alb('p50', 'TargetResponseTime', 'p50'),
      alb('p95', 'TargetResponseTime', 'p95'),
      alb('p99', 'TargetResponseTime', 'p99'),
      alb('hh', 'HealthyHostCount', 'Average'),
      alb('uh', 'UnHealthyHostCount', 'Average'),
    );
    const perMinute = (v: number) => v / (period / 60);
    const ms = (v: number) => v * 1000;
    lines.push(
      { chart: 'requests', id: `mreq${i}`, key: of('requests'), label: named('requests/min'), scale: perMinute },
      { chart: 'latency', id: `p50${i}`, key: of('p50'), label: named('p50'), scale: ms },
      { chart: 'latency', id: `p95${i}`, key: of('p95'), label: named('p95'), scale: ms },
      { chart: 'latency', id: `p99${i}`, key: of('p99'), label: named('p99'), scale: ms },
      { chart: 'errors', id: `e5xx${i}`, key: of('errors'), label: named('5xx'), scale: identity },
      { chart: 'targets', id: `hh${i}`, key: of('healthy'), label: named('healthy'), scale: identity },
      { chart: 'targets', id: `uh${i}`, key: of('unhealthy'), label: named('unhealthy'), scale: identity },
    );
  });
  return { queries, lines };
}

const CHARTS: { id: MetricChartId; title: string; unit: string }[] = [
  { id: 'cpu', title: 'CPU', unit: '%' },
  { id: 'memory', title: 'Memory', unit: '%' },
  { id: 'requests', title: 'Requests', unit: '/min' },
  { id: 'latency', title: 'Latency', unit: 'ms' },
  { id: 'errors', title: '5xx rate', unit: '%' },
  { id: 'targets', title: 'Targets', unit: '' },
];

export function toCharts(plan: Plan, series: readonly MetricSeries[]): MetricChart[] {
  const byId = new Map(series.map((s) => [s.id, s]));
  return CHARTS.map((c) => ({
    ...c,
    references: GUIDE_REFERENCES[c.id],
    lines: plan.lines
      .filter((l) => l.chart === c.id)
      .map((l) => {
        const s = byId.get(l.id);
        return {
          key: l.key,
          label: l.label,
          timestamps: s?.timestamps ?? [],
          values: (s?.values ?? []).map((v) => Math.round(l.scale(v) * 1000) / 1000),
          partial: s !== undefined && s.status !== 'Complete',
        };
      }),
  }));
}

/**
 * Deployments that began inside the range, oldest first, as markers on the time axis — from the
 * service's current deployments only (the fallback when the deployment history cannot be read).
 */
export function deploymentMarkers(service: Service, range: Pick<MetricsRange, 'from' | 'to'>): DeploymentMarker[] {
  return service.deployments
    .filter((d) => d.createdAt !== null && d.createdAt >= range.from && d.createdAt <= range.to)
    .map((d) => {
      const taskDefinition = d.taskDefinitionArn.slice(d.taskDefinitionArn.lastIndexOf('/') + 1);
      const outcome: DeploymentOutcome = d.rolloutState === 'FAILED' ? 'failed' : d.rolloutState === 'IN_PROGRESS' ? 'in-progress' : 'succeeded';
      return { id: d.id, at: d.createdAt!, status: d.status, taskDefinition, label: taskDefinition, outcome };
    })
    .sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * Every deployment ECS recorded that began inside the range, oldest first, failed and rolled-back
 * ones included: the bad revision behind a 5xx spike is the one the breaker has already replaced.
 */
export function historyMarkers(history: readonly DeploymentHistoryEntry[], range: Pick<MetricsRange, 'from' | 'to'>): DeploymentMarker[] {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  return history
    .filter((d) => d.startedAt !== null && Date.parse(d.startedAt) >= from && Date.parse(d.startedAt) <= to)
    .map((d) => {
      const taskDefinition = d.revision?.label.replace(/ \(.*\)$/, '') ?? d.arn.slice(d.arn.lastIndexOf('/') + 1);
      return { id: d.arn, at: d.startedAt!, status: d.status, taskDefinition, label: d.revision?.label ?? taskDefinition, outcome: d.outcome };
    })
    .sort((a, b) => a.at.localeCompare(b.at));
}

/** ECS keeps 90 days of deployments; a 7-day chart of a busy service rarely has more than this. */
const MARKERS_READ = 50;

async function markersFor(cluster: string, service: Service, range: MetricsRange, place?: PlaceRef): Promise<DeploymentMarker[]> {
  const fleet = getFleetContext(place);
  try {
    const history = await listDeploymentHistory(fleet.aws, fleet.taskDefinitions, cluster, service.name, { since: new Date(range.from), limit: MARKERS_READ });
    return historyMarkers(history, range);
  } catch (e) {
    loggerFor('metrics').warn({ err: e, service: service.name }, 'deployment history unreadable; charts mark current deployments only');
    return deploymentMarkers(service, range);
  }
}

export interface MetricsContext {
  aws: AwsClients;
  /** Where the service runs (its deployment markers are read there); home when absent. */
  place?: PlaceRef;
  cache: Cache;
  ttlMs: number;
}

export function createMetricsContext(opts: Pick<MetricsContext, 'aws'> & Partial<MetricsContext>): MetricsContext {
  return { cache: createCache(), ttlMs: 30_000, ...opts };
}

/** The server's metrics context of a place (home when absent). */
export function getMetricsContext(ref?: PlaceRef): MetricsContext {
  // Never older than the overview's own telemetry (CODEFLOW_TELEMETRY_TTL_MS), at most 30 s.
  return perPlace('metrics', ref, (place) => createMetricsContext({ aws: getAwsClients(place), place, cache: cacheForPlace(createCache(), place), ttlMs: Math.min(30_000, getConfig().telemetry.ttlMs) }));
}

/**
 * A service's charts for a range, from one GetMetricData round (batched at 500 queries), cached
 * ~30 s per service and range; when CloudWatch fails the last good charts come back marked stale.
 */
export async function getServiceMetrics(
  cluster: string,
  service: string,
  input: { range: RangeKey; from?: string; to?: string },
  ctx: MetricsContext = getMetricsContext(),
): Promise<ServiceMetrics> {
  const range = resolveRange(input);
  const key = input.range === 'custom' ? `custom:${range.from}:${range.to}` : input.range;
  const r = await ctx.cache.cached(
    `metrics:${cluster}/${service}:${key}`,
    ctx.ttlMs,
    async () => {
      const detail = await getServiceDetail(cluster, service, getFleetContext(ctx.place), null);
      const plan = planQueries(detail.cluster, detail.service, detail.targetGroups, range.periodSeconds);
      const series = await getMetricData(ctx.aws, { queries: plan.queries, start: range.from, end: range.to });
      return {
        cluster: detail.cluster,
        service: detail.service.name,
        range,
        charts: toCharts(plan, series),
        deployments: await markersFor(detail.cluster, detail.service, range, ctx.place),
        queryCount: plan.queries.length,
        callCount: Math.ceil(plan.queries.length / MAX_QUERIES_PER_CALL),
      };
    },
    { staleWhileRevalidateMs: ctx.ttlMs },
  );
  return {
    ...r.value,
    fetchedAt: new Date(r.fetchedAt).toISOString(),
    ageSeconds: Math.max(0, Math.floor((Date.now() - r.fetchedAt) / 1000)),
    stale: r.stale,
    error: r.error ? messageOf(r.error) : null,
  };
}

function messageOf(e: unknown): string {
  if (isAppError(e)) return e.message;
  loggerFor('metrics').error({ err: e }, 'reading CloudWatch metrics failed');
  return 'CloudWatch metrics could not be read';
}
