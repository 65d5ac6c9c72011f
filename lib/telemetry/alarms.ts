import type { AwsClients } from '../aws/client';
import { cacheForPlace, perPlace } from '../accounts/per-place';
import { errorsOf, freshnessOf, readEveryPlace, whereOf, type PlaceRead } from '../accounts/fan-out';
import type { Place, PlaceRef } from '../accounts/places';
import { getAwsClients } from '../aws/default-clients';
import { getConfig } from '../config';
import { describeAlarmHistory, describeAlarms } from '../aws/cloudwatch';
import { describeServices, listServiceArns } from '../aws/ecs';
import { nameFromArn } from '../aws/arn';
import type { Alarm, AlarmHistoryItem, AlarmMetric, MetricDimension } from '../aws/telemetry-types';
import { createCache, type Cache } from '../cache/cached';
import { listClusters } from '../fleet/clusters';
import { getFleetContext, type FleetContext } from '../fleet/context';
import { getClusterSnapshot } from '../fleet/snapshot';
import { AppError, isAppError } from '../errors';
import { loggerFor } from '../observability/logger';
import type { AlarmSpec } from '../ops/alarm-contract';
import { specOf } from './alarm-spec';

export interface ServiceRef {
  cluster: string;
  service: string;
}

/** One alarm as the console shows it: CloudWatch's alarm, its condition in words and the services it concerns. */
export interface AlarmView {
  name: string;
  description: string | null;
  state: string;
  reason: string;
  updatedAt: string | null;
  /** "CPUUtilization Average > 80 for 1×300 s". */
  condition: string;
  services: ServiceRef[];
  /** Whether its actions (notifications) run on a state change. */
  actionsEnabled: boolean;
  /** On a service's alarms only: its configuration, as an alarms operation takes it back (the console's editor starts from it). */
  spec?: AlarmSpec;
}

export interface AlarmsReport {
  /** ALARM first, then INSUFFICIENT_DATA, then OK; newest change first within a state. */
  alarms: AlarmView[];
  fetchedAt: string | null;
  ageSeconds: number | null;
  /** True when CloudWatch failed and these are the last good alarms; `error` says why. */
  stale: boolean;
  error: string | null;
}

/** An alarm on the Alarms page, which lists every account and Region: where it lives. */
export interface PlacedAlarm extends AlarmView {
  account: string;
  region: string;
}

/** The Alarms page: every place's alarms merged (ALARM first), and how each place's read went. */
export interface AlarmsAcross extends Omit<AlarmsReport, 'alarms'> {
  alarms: PlacedAlarm[];
  places: PlaceRead[];
}

export interface AlarmHistoryEntry {
  timestamp: string | null;
  type: string;
  summary: string;
  oldState: string | null;
  newState: string | null;
  /** The reason CloudWatch gave for the new state, when the history carries it. */
  reason: string | null;
}

export interface AlarmsContext {
  aws: AwsClients;
  cache: Cache;
  /** Alarms change state within a minute; 10 s keeps the page near live without asking CloudWatch per viewer. */
  ttlMs: number;
  /** Which service owns a target group changes only when services are created or deleted. */
  indexTtlMs: number;
  listClusters: () => Promise<string[]>;
  /** Target group dimension → services; by default read with ListServices/DescribeServices per cluster. */
  targetGroupIndex?: () => Promise<Map<string, ServiceRef[]>>;
}

export function createAlarmsContext(opts: Pick<AlarmsContext, 'aws' | 'listClusters'> & Partial<AlarmsContext>): AlarmsContext {
  return { cache: createCache(), ttlMs: 10_000, indexTtlMs: 60_000, ...opts };
}

/** The server's alarms context of a place (home when absent). */
export function getAlarmsContext(ref?: PlaceRef): AlarmsContext {
  // The server maps target groups to services from the fleet snapshots the overview already holds: no ECS calls of its own.
  return perPlace('alarms', ref, (place) =>
    createAlarmsContext({
      aws: getAwsClients(place),
      cache: cacheForPlace(createCache(), place),
      ttlMs: Math.min(10_000, getConfig().telemetry.ttlMs),
      listClusters: () => listClusters(getFleetContext(place)),
      targetGroupIndex: () => indexFromSnapshots(getFleetContext(place)),
    }),
  );
}

const STATE_RANK: Record<string, number> = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };

export function compareAlarms(a: Pick<AlarmView, 'state' | 'updatedAt' | 'name'>, b: Pick<AlarmView, 'state' | 'updatedAt' | 'name'>): number {
  return (
    (STATE_RANK[a.state] ?? 3) - (STATE_RANK[b.state] ?? 3) ||
    (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '') ||
    a.name.localeCompare(b.name)
  );
}

const OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '≥',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

/** "CPUUtilization Average > 80 for 1×300 s"; metric math alarms name their expression. */
export function describeCondition(alarm: Alarm): string {
  const op = OPERATORS[alarm.comparison] ?? alarm.comparison;
  const threshold = alarm.threshold ?? '?';
  if (alarm.metric) {
    const m = alarm.metric;
    return `${m.metricName} ${m.statistic} ${op} ${threshold} for ${evaluation(alarm, m.period)}`;
  }
  const shown = alarm.metrics?.find((q) => q.returnData);
  const what = shown?.expression ?? shown?.label ?? shown?.metric?.metricName ?? 'metric math';
  const period = shown?.period ?? alarm.metrics?.find((q) => q.metric)?.metric?.period ?? null;
  return `${what} ${op} ${threshold} for ${evaluation(alarm, period)}`;
}

function evaluation(alarm: Alarm, period: number | null): string {
  const n = alarm.datapointsToAlarm && alarm.datapointsToAlarm !== alarm.evaluationPeriods ? `${alarm.datapointsToAlarm} of ${alarm.evaluationPeriods}` : `${alarm.evaluationPeriods}`;
  return `${n}×${period ?? '?'} s`;
}

/** Target group dimension value (`targetgroup/<name>/<id>`) → the services it serves. */
export type TargetGroupIndex = ReadonlyMap<string, ServiceRef[]>;

/** `arn:aws:elasticloadbalancing:…:targetgroup/name/id` → `targetgroup/name/id`, as CloudWatch's TargetGroup dimension has it. */
export function targetGroupDimension(arn: string): string {
  const i = arn.indexOf('targetgroup/');
  return i >= 0 ? arn.slice(i) : arn;
}

function dimensionsOf(alarm: Alarm): MetricDimension[][] {
  const metrics: AlarmMetric[] = alarm.metric ? [alarm.metric] : (alarm.metrics ?? []).flatMap((q) => (q.metric ? [q.metric] : []));
  return metrics.map((m) => m.dimensions);
}

/** The services an alarm concerns, from its metrics' dimensions: ECS ClusterName/ServiceName, or an ALB TargetGroup. */
export function servicesOfAlarm(alarm: Alarm, targetGroups: TargetGroupIndex): ServiceRef[] {
  const found = new Map<string, ServiceRef>();
  for (const dims of dimensionsOf(alarm)) {
    const get = (name: string) => dims.find((d) => d.name === name)?.value;
    const cluster = get('ClusterName');
    const service = get('ServiceName');
    if (cluster && service) found.set(`${cluster}/${service}`, { cluster, service });
    const tg = get('TargetGroup');
    if (tg) for (const ref of targetGroups.get(tg) ?? []) found.set(`${ref.cluster}/${ref.service}`, ref);
  }
  return [...found.values()].sort((a, b) => a.cluster.localeCompare(b.cluster) || a.service.localeCompare(b.service));
}

export function toAlarmView(alarm: Alarm, targetGroups: TargetGroupIndex): AlarmView {
  return {
    name: alarm.name,
    description: alarm.description,
    state: alarm.state,
    reason: alarm.reason,
    updatedAt: alarm.updatedAt,
    condition: describeCondition(alarm),
    services: servicesOfAlarm(alarm, targetGroups),
    actionsEnabled: alarm.actionsEnabled,
  };
}

/** The index from the cached cluster snapshots (each service carries its target group ARNs). */
export async function indexFromSnapshots(fleet: FleetContext): Promise<Map<string, ServiceRef[]>> {
  const index = new Map<string, ServiceRef[]>();
  for (const cluster of await listClusters(fleet)) {
    const { value } = await getClusterSnapshot(cluster, fleet);
    for (const s of value.services) {
      for (const arn of s.targetGroupArns) {
        const key = targetGroupDimension(arn);
        const refs = index.get(key) ?? [];
        if (!refs.some((r) => r.cluster === s.cluster && r.service === s.name)) refs.push({ cluster: s.cluster, service: s.name });
        index.set(key, refs);
      }
    }
  }
  return index;
}

async function buildTargetGroupIndex(ctx: AlarmsContext): Promise<Map<string, ServiceRef[]>> {
  if (ctx.targetGroupIndex) return ctx.targetGroupIndex();
  const index = new Map<string, ServiceRef[]>();
  for (const cluster of await ctx.listClusters()) {
    const arns: string[] = [];
    for await (const arn of listServiceArns(ctx.aws, cluster)) arns.push(arn);
    if (arns.length === 0) continue;
    for (const s of await describeServices(ctx.aws, cluster, arns, { missing: 'omit' })) {
      for (const lb of s.loadBalancers) {
        const key = targetGroupDimension(lb.targetGroupArn);
        const refs = index.get(key) ?? [];
        if (!refs.some((r) => r.cluster === nameFromArn(cluster) && r.service === s.name)) refs.push({ cluster: nameFromArn(cluster), service: s.name });
        index.set(key, refs);
      }
    }
  }
  return index;
}

/**
 * Every metric alarm, cached for `ttlMs` with stale-while-revalidate; when CloudWatch fails the last
 * good list comes back marked stale. The target group index failing only loses the ALB mapping.
 */
export async function listAlarms(ctx: AlarmsContext = getAlarmsContext()): Promise<AlarmsReport> {
  const swr = { staleWhileRevalidateMs: 2 * ctx.ttlMs };
  const [alarms, index] = await Promise.allSettled([
    ctx.cache.cached('alarms:all', ctx.ttlMs, () => describeAlarms(ctx.aws), swr),
    ctx.cache.cached('alarms:target-groups', ctx.indexTtlMs, async () => [...(await buildTargetGroupIndex(ctx))], { staleWhileRevalidateMs: ctx.indexTtlMs }),
  ]);
  if (alarms.status === 'rejected') return { alarms: [], fetchedAt: null, ageSeconds: null, stale: false, error: messageOf(alarms.reason) };
  const targetGroups: TargetGroupIndex = new Map(index.status === 'fulfilled' ? index.value.value : []);
  const { value, fetchedAt, stale, error } = alarms.value;
  return {
    alarms: value.map((a) => toAlarmView(a, targetGroups)).sort(compareAlarms),
    fetchedAt: new Date(fetchedAt).toISOString(),
    ageSeconds: Math.max(0, Math.floor((Date.now() - fetchedAt) / 1000)),
    stale,
    error: error?.message ?? null,
  };
}

/**
 * The alarms of several places at once, each read on its own (a denied or slow account is its
 * place's error or "pending", never the page's). `fetchedAt` is the oldest of the places read.
 */
export async function listAlarmsAcross(places: readonly Place[], contextOf: (place: Place) => AlarmsContext = getAlarmsContext): Promise<AlarmsAcross> {
  const outcomes = await readEveryPlace(places, (place) => listAlarms(contextOf(place)));
  const alarms: PlacedAlarm[] = [];
  const reads: PlaceRead[] = [];
  for (const { place, read, value } of outcomes) {
    reads.push(value?.error ? { ...read, error: value.error } : read);
    for (const a of value?.alarms ?? []) alarms.push({ ...a, ...whereOf(place) });
  }
  return { alarms: alarms.sort(compareAlarms), places: reads, ...freshnessOf(outcomes.map((o) => o.value)), error: errorsOf(reads) };
}

/** The alarms that concern one service, from the same cached list. */
export async function alarmsForService(cluster: string, service: string, ctx: AlarmsContext = getAlarmsContext()): Promise<AlarmsReport> {
  const report = await listAlarms(ctx);
  const alarms = report.alarms.filter((a) => a.services.some((s) => s.cluster === cluster && s.service === service));
  // The same cached list (no second CloudWatch call): each of the service's alarms with its configuration.
  const raw = await ctx.cache.cached('alarms:all', ctx.ttlMs, () => describeAlarms(ctx.aws), { staleWhileRevalidateMs: 2 * ctx.ttlMs }).catch(() => null);
  const byName = new Map((raw?.value ?? []).map((a) => [a.name, a]));
  return { ...report, alarms: alarms.map((a) => (byName.has(a.name) ? { ...a, spec: specOf(byName.get(a.name)!) } : a)) };
}

/** An alarm's state changes, newest first, with the reason of each; not_found when CloudWatch has no such alarm. */
export async function getAlarmHistory(name: string, ctx: AlarmsContext = getAlarmsContext()): Promise<AlarmHistoryEntry[]> {
  const { value } = await ctx.cache.cached(`alarms:history:${name}`, ctx.ttlMs, async () => {
    const [items, all] = await Promise.all([describeAlarmHistory(ctx.aws, { alarmName: name, type: 'StateUpdate', limit: 50 }), ctx.cache.cached('alarms:all', ctx.ttlMs, () => describeAlarms(ctx.aws))]);
    if (items.length === 0 && !all.value.some((a) => a.name === name)) throw new AppError('not_found', `CloudWatch has no alarm named "${name}"`);
    return items.map(toHistoryEntry);
  });
  return value;
}

export function toHistoryEntry(item: AlarmHistoryItem): AlarmHistoryEntry {
  const data = (typeof item.data === 'object' && item.data !== null ? item.data : {}) as Record<string, unknown>;
  const stateOf = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  const oldState = stateOf(data.oldState);
  const newState = stateOf(data.newState);
  return {
    timestamp: item.timestamp,
    type: item.type,
    summary: item.summary,
    oldState: typeof oldState.stateValue === 'string' ? oldState.stateValue : null,
    newState: typeof newState.stateValue === 'string' ? newState.stateValue : null,
    reason: typeof newState.stateReason === 'string' ? newState.stateReason : null,
  };
}

function messageOf(e: unknown): string {
  if (isAppError(e)) return e.message;
  loggerFor('alarms').error({ err: e }, 'reading CloudWatch alarms failed');
  return 'CloudWatch alarms could not be read';
}
