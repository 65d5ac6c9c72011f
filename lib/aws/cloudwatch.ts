import {
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
  DeleteAlarmsCommand,
  EnableAlarmActionsCommand,
  DisableAlarmActionsCommand,
  type AlarmHistoryItem as SdkAlarmHistoryItem,
  type Dimension as SdkDimension,
  type MetricAlarm as SdkMetricAlarm,
  type MetricDataQuery as SdkMetricDataQuery,
  type MetricDataResult as SdkMetricDataResult,
  type MetricStat as SdkMetricStat,
  type StandardUnit,
  type Statistic,
} from '@aws-sdk/client-cloudwatch';
import { AppError } from '../errors';
import { chunk } from './batch';
import { send, type AwsClients } from './client';
import type {
  Alarm,
  AlarmDefinition,
  AlarmHistoryItem,
  AlarmHistoryType,
  AlarmMetric,
  AlarmMetricQuery,
  AlarmState,
  DimensionsInput,
  MetricDimension,
  MetricIdentity,
  MetricQuery,
  MetricSeries,
} from './telemetry-types';

/** GetMetricData's limits: queries per call and datapoints per page. */
export const MAX_QUERIES_PER_CALL = 500;
export const MAX_DATAPOINTS_PER_CALL = 100_800;

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);
const toDate = (t: Date | string) => (t instanceof Date ? t : new Date(t));

function toSdkDimensions(dimensions: DimensionsInput | undefined): SdkDimension[] {
  if (!dimensions) return [];
  if (Array.isArray(dimensions)) return (dimensions as readonly MetricDimension[]).map((d) => ({ Name: d.name, Value: d.value }));
  return Object.entries(dimensions as Record<string, string>).map(([Name, Value]) => ({ Name, Value }));
}

const reshapeDimensions = (dims: SdkDimension[] | undefined): MetricDimension[] => (dims ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' }));

function toSdkQuery(q: MetricQuery): SdkMetricDataQuery {
  if (q.expression !== undefined) {
    return { Id: q.id, Expression: q.expression, Label: q.label, ReturnData: q.returnData ?? true, Period: q.period };
  }
  if (!q.namespace || !q.metricName || !q.stat || !q.period) {
    throw new AppError('invalid', `Metric query "${q.id}" needs namespace, metricName, stat and period, or an expression`);
  }
  return {
    Id: q.id,
    MetricStat: { Metric: { Namespace: q.namespace, MetricName: q.metricName, Dimensions: toSdkDimensions(q.dimensions) }, Period: q.period, Stat: q.stat },
    Label: q.label,
    ReturnData: q.returnData ?? true,
  };
}

/** Ids an expression reads (lowercase-initial words; function names are upper case). */
function referencedIds(expression: string, ids: Set<string>): string[] {
  return (expression.match(/\b[a-z][a-zA-Z0-9_]*\b/g) ?? []).filter((w) => ids.has(w));
}

/**
 * Splits queries into batches of at most 500 that keep every expression with the queries it
 * reads (and METRICS() with all of them), since one GetMetricData call cannot see another's.
 */
export function batchQueries(queries: readonly MetricQuery[], size = MAX_QUERIES_PER_CALL): MetricQuery[][] {
  const ids = new Set(queries.map((q) => q.id));
  const parent = new Map(queries.map((q) => [q.id, q.id]));
  const find = (id: string): string => {
    const p = parent.get(id)!;
    if (p === id) return id;
    const root = find(p);
    parent.set(id, root);
    return root;
  };
  const union = (a: string, b: string) => parent.set(find(a), find(b));
  const metricIds = queries.filter((q) => q.expression === undefined).map((q) => q.id);
  for (const q of queries) {
    if (q.expression === undefined) continue;
    for (const ref of referencedIds(q.expression, ids)) union(q.id, ref);
    if (/\bMETRICS\s*\(/i.test(q.expression)) for (const id of metricIds) union(q.id, id);
  }
  const groups = new Map<string, MetricQuery[]>();
  for (const q of queries) {
    const root = find(q.id);
    groups.set(root, [...(groups.get(root) ?? []), q]);
  }
  const batches: MetricQuery[][] = [];
  for (const group of [...groups.values()].sort((a, b) => b.length - a.length)) {
    if (group.length > size) throw new AppError('invalid', `${group.length} metric queries depend on each other; CloudWatch takes at most ${size} in one request`);
    const fits = batches.find((b) => b.length + group.length <= size);
    if (fits) fits.push(...group);
    else batches.push([...group]);
  }
  return batches;
}

export interface GetMetricDataInput {
  queries: readonly MetricQuery[];
  start: Date | string;
  end: Date | string;
  /** Stop after this many datapoints per batch of queries (CloudWatch's MaxDatapoints); all of them when absent. */
  maxDatapoints?: number;
}

/**
 * GetMetricData for any number of queries: batches of ≤ 500, every page followed. Series come
 * back in query order (those with `returnData: false` left out), timestamps ascending.
 */
export async function getMetricData(aws: AwsClients, input: GetMetricDataInput): Promise<MetricSeries[]> {
  const seen = new Set<string>();
  for (const q of input.queries) {
    if (seen.has(q.id)) throw new AppError('invalid', `Metric query id "${q.id}" is used twice`);
    seen.add(q.id);
  }
  const byId = new Map<string, MetricSeries>();
  for (const batch of batchQueries(input.queries)) {
    for (const series of await getMetricDataBatch(aws, batch, input)) byId.set(series.id, series);
  }
  return input.queries.filter((q) => q.returnData !== false && byId.has(q.id)).map((q) => byId.get(q.id)!);
}

async function getMetricDataBatch(aws: AwsClients, batch: MetricQuery[], input: GetMetricDataInput): Promise<MetricSeries[]> {
  const series = new Map<string, MetricSeries>();
  const limit = input.maxDatapoints;
  let total = 0;
  let nextToken: string | undefined;
  do {
    const page = await send(
      aws.cloudwatch,
      new GetMetricDataCommand({
        MetricDataQueries: batch.map(toSdkQuery),
        StartTime: toDate(input.start),
        EndTime: toDate(input.end),
        ScanBy: 'TimestampAscending',
        MaxDatapoints: limit !== undefined ? Math.min(limit - total, MAX_DATAPOINTS_PER_CALL) : undefined,
        NextToken: nextToken,
      }),
      aws.deadlineMs,
      'GetMetricData',
    );
    for (const result of page.MetricDataResults ?? []) {
      const shaped = reshapeMetricDataResult(result);
      total += shaped.values.length;
      const earlier = series.get(shaped.id);
      series.set(shaped.id, earlier ? mergeSeries(earlier, shaped) : shaped);
    }
    nextToken = page.NextToken;
  } while (nextToken && (limit === undefined || total < limit));
  if (nextToken) for (const s of series.values()) if (s.status === 'PartialData' || s.status === 'Complete') s.status = 'PartialData';
  return [...series.values()];
}

export function reshapeMetricDataResult(r: SdkMetricDataResult): MetricSeries {
  const timestamps = (r.Timestamps ?? []).map((t) => t.toISOString());
  const values = r.Values ?? [];
  // Pages may come in either order; charts want ascending time.
  const order = timestamps.map((_, i) => i).sort((a, b) => (timestamps[a]! < timestamps[b]! ? -1 : timestamps[a]! > timestamps[b]! ? 1 : 0));
  return {
    id: r.Id ?? '',
    label: r.Label ?? r.Id ?? '',
    timestamps: order.map((i) => timestamps[i]!),
    values: order.map((i) => values[i]!),
    status: r.StatusCode ?? 'Complete',
    messages: (r.Messages ?? []).map((m) => ({ code: m.Code ?? '', value: m.Value ?? '' })),
  };
}

function mergeSeries(a: MetricSeries, b: MetricSeries): MetricSeries {
  const merged = new Map<string, number>();
  a.timestamps.forEach((t, i) => merged.set(t, a.values[i]!));
  b.timestamps.forEach((t, i) => merged.set(t, b.values[i]!));
  const timestamps = [...merged.keys()].sort();
  return { ...b, label: b.label || a.label, timestamps, values: timestamps.map((t) => merged.get(t)!), messages: [...a.messages, ...b.messages] };
}

export interface ListMetricsFilter {
  namespace?: string;
  metricName?: string;
  /** Metrics that have all these dimensions (any value when `value` is absent). */
  dimensions?: { name: string; value?: string }[];
  /** Only metrics with data in the past three hours. */
  recentlyActive?: boolean;
}

export async function* listMetrics(aws: AwsClients, filter: ListMetricsFilter = {}): AsyncGenerator<MetricIdentity> {
  let nextToken: string | undefined;
  do {
    const page = await send(
      aws.cloudwatch,
      new ListMetricsCommand({
        Namespace: filter.namespace,
        MetricName: filter.metricName,
        Dimensions: filter.dimensions?.map((d) => ({ Name: d.name, Value: d.value })),
        RecentlyActive: filter.recentlyActive ? 'PT3H' : undefined,
        NextToken: nextToken,
      }),
      aws.deadlineMs,
      'ListMetrics',
    );
    for (const m of page.Metrics ?? []) yield { namespace: m.Namespace ?? '', metricName: m.MetricName ?? '', dimensions: reshapeDimensions(m.Dimensions) };
    nextToken = page.NextToken;
  } while (nextToken);
}

export interface DescribeAlarmsFilter {
  names?: readonly string[];
  prefix?: string;
  state?: AlarmState;
}

/** Metric alarms, every page; more than 100 names are asked for 100 at a time, as the API requires. */
export async function describeAlarms(aws: AwsClients, filter: DescribeAlarmsFilter = {}): Promise<Alarm[]> {
  if (filter.names && filter.prefix) throw new AppError('invalid', 'Filter alarms by names or by a prefix, not both');
  if (filter.names?.length === 0) return [];
  const nameBatches: (readonly string[] | undefined)[] = filter.names ? chunk(filter.names, 100) : [undefined];
  const alarms: Alarm[] = [];
  for (const names of nameBatches) {
    let nextToken: string | undefined;
    do {
      const page = await send(
        aws.cloudwatch,
        new DescribeAlarmsCommand({ AlarmNames: names ? [...names] : undefined, AlarmNamePrefix: filter.prefix, StateValue: filter.state, AlarmTypes: ['MetricAlarm'], MaxRecords: 100, NextToken: nextToken }),
        aws.deadlineMs,
        'DescribeAlarms',
      );
      alarms.push(...(page.MetricAlarms ?? []).map(reshapeAlarm));
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return alarms;
}

/** One alarm by name, or null. */
export async function getAlarm(aws: AwsClients, name: string): Promise<Alarm | null> {
  const [alarm] = await describeAlarms(aws, { names: [name] });
  return alarm ?? null;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function reshapeMetricStat(stat: SdkMetricStat | undefined): AlarmMetric | null {
  if (!stat?.Metric) return null;
  return {
    namespace: stat.Metric.Namespace ?? '',
    metricName: stat.Metric.MetricName ?? '',
    dimensions: reshapeDimensions(stat.Metric.Dimensions),
    statistic: stat.Stat ?? '',
    period: stat.Period ?? 0,
    unit: stat.Unit ?? null,
  };
}

export function reshapeAlarm(a: SdkMetricAlarm): Alarm {
  const metric: AlarmMetric | null = a.MetricName
    ? {
        namespace: a.Namespace ?? '',
        metricName: a.MetricName,
        dimensions: reshapeDimensions(a.Dimensions),
        statistic: a.Statistic ?? a.ExtendedStatistic ?? '',
        period: a.Period ?? 0,
        unit: a.Unit ?? null,
      }
    : null;
  const metrics: AlarmMetricQuery[] | null = a.Metrics?.length
    ? a.Metrics.map((q) => ({
        id: q.Id ?? '',
        metric: reshapeMetricStat(q.MetricStat),
        expression: q.Expression ?? null,
        label: q.Label ?? null,
        returnData: q.ReturnData ?? true,
        period: q.Period ?? null,
      }))
    : null;
  return {
    name: a.AlarmName ?? '',
    arn: a.AlarmArn ?? '',
    description: a.AlarmDescription ?? null,
    state: a.StateValue ?? 'INSUFFICIENT_DATA',
    reason: a.StateReason ?? '',
    reasonData: parseJson(a.StateReasonData),
    updatedAt: iso(a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp),
    configurationUpdatedAt: iso(a.AlarmConfigurationUpdatedTimestamp),
    actionsEnabled: a.ActionsEnabled ?? true,
    alarmActions: a.AlarmActions ?? [],
    okActions: a.OKActions ?? [],
    insufficientDataActions: a.InsufficientDataActions ?? [],
    metric,
    metrics,
    threshold: a.Threshold ?? null,
    comparison: a.ComparisonOperator ?? '',
    evaluationPeriods: a.EvaluationPeriods ?? 1,
    datapointsToAlarm: a.DatapointsToAlarm ?? null,
    treatMissingData: a.TreatMissingData ?? null,
  };
}

export interface AlarmHistoryFilter {
  alarmName?: string;
  type?: AlarmHistoryType;
  start?: Date | string;
  end?: Date | string;
  /** Newest first (the default) or oldest first. */
  order?: 'newest' | 'oldest';
  /** At most this many items (default 100), across pages. */
  limit?: number;
}

export async function describeAlarmHistory(aws: AwsClients, filter: AlarmHistoryFilter = {}): Promise<AlarmHistoryItem[]> {
  const limit = filter.limit ?? 100;
  const items: AlarmHistoryItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await send(
      aws.cloudwatch,
      new DescribeAlarmHistoryCommand({
        AlarmName: filter.alarmName,
        AlarmTypes: ['MetricAlarm'],
        HistoryItemType: filter.type,
        StartDate: filter.start !== undefined ? toDate(filter.start) : undefined,
        EndDate: filter.end !== undefined ? toDate(filter.end) : undefined,
        ScanBy: filter.order === 'oldest' ? 'TimestampAscending' : 'TimestampDescending',
        MaxRecords: Math.min(100, Math.max(1, limit - items.length)),
        NextToken: nextToken,
      }),
      aws.deadlineMs,
      'DescribeAlarmHistory',
    );
    items.push(...(page.AlarmHistoryItems ?? []).map(reshapeHistoryItem));
    nextToken = page.NextToken;
  } while (nextToken && items.length < limit);
  return items.slice(0, limit);
}

export function reshapeHistoryItem(h: SdkAlarmHistoryItem): AlarmHistoryItem {
  return {
    alarmName: h.AlarmName ?? '',
    alarmType: h.AlarmType ?? 'MetricAlarm',
    timestamp: iso(h.Timestamp),
    type: h.HistoryItemType ?? '',
    summary: h.HistorySummary ?? '',
    data: parseJson(h.HistoryData),
  };
}

const BASIC = new Set(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']);

/** Creates the alarm or replaces its configuration (PutMetricAlarm is an upsert). */
export async function putMetricAlarm(aws: AwsClients, def: AlarmDefinition): Promise<void> {
  if (Boolean(def.metric) === Boolean(def.metrics?.length)) throw new AppError('invalid', `Alarm "${def.name}" needs either a metric or metric math, not both`);
  const metric = def.metric;
  await send(
    aws.cloudwatch,
    new PutMetricAlarmCommand({
      AlarmName: def.name,
      AlarmDescription: def.description,
      ActionsEnabled: def.actionsEnabled,
      AlarmActions: def.alarmActions,
      OKActions: def.okActions,
      InsufficientDataActions: def.insufficientDataActions,
      Namespace: metric?.namespace,
      MetricName: metric?.metricName,
      Dimensions: metric ? toSdkDimensions(metric.dimensions) : undefined,
      Statistic: metric && BASIC.has(metric.statistic) ? (metric.statistic as Statistic) : undefined,
      ExtendedStatistic: metric && !BASIC.has(metric.statistic) ? metric.statistic : undefined,
      Period: metric?.period,
      Unit: (metric?.unit ?? undefined) as StandardUnit | undefined,
      Metrics: def.metrics?.map(toSdkQuery),
      Threshold: def.threshold,
      ComparisonOperator: def.comparison,
      EvaluationPeriods: def.evaluationPeriods,
      DatapointsToAlarm: def.datapointsToAlarm,
      TreatMissingData: def.treatMissingData,
    }),
    aws.deadlineMs,
    'PutMetricAlarm',
  );
}

/** Sets the state until the next evaluation puts the alarm back where its data says (for testing actions). */
export async function setAlarmState(aws: AwsClients, name: string, state: AlarmState, reason: string, reasonData?: unknown): Promise<void> {
  await send(
    aws.cloudwatch,
    new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: reason, StateReasonData: reasonData === undefined ? undefined : JSON.stringify(reasonData) }),
    aws.deadlineMs,
    'SetAlarmState',
  );
}

/** Deletes alarms, 100 names a call as the API allows; CloudWatch refuses the call (ResourceNotFound) when a name does not exist. */
export async function deleteAlarms(aws: AwsClients, names: readonly string[]): Promise<void> {
  for (const batch of chunk(names, 100)) {
    await send(aws.cloudwatch, new DeleteAlarmsCommand({ AlarmNames: [...batch] }), aws.deadlineMs, 'DeleteAlarms');
  }
}

/** Turns the alarms' actions on or off (EnableAlarmActions / DisableAlarmActions), 100 names a call; their state and evaluation go on. */
export async function setAlarmActionsEnabled(aws: AwsClients, names: readonly string[], enabled: boolean): Promise<void> {
  for (const batch of chunk(names, 100)) {
    if (enabled) await send(aws.cloudwatch, new EnableAlarmActionsCommand({ AlarmNames: [...batch] }), aws.deadlineMs, 'EnableAlarmActions');
    else await send(aws.cloudwatch, new DisableAlarmActionsCommand({ AlarmNames: [...batch] }), aws.deadlineMs, 'DisableAlarmActions');
  }
}
