import { AwsError } from '../protocol/errors';
import type { ServiceDefinition } from '../protocol/operations';
import type { AwsRequest } from '../protocol/request';
import type { Sandbox } from '../state';
import { ALARM_STATES, COMPARISON_OPERATORS, STATIC_OPERATORS, TREAT_MISSING, type AlarmConfig, type AlarmRecord, type AlarmState, type ComparisonOperator, type HistoryItem, type TreatMissingData } from '../telemetry/alarms';
import { prepareQueries, QueryValidationError, runMetricQueries, validPeriod, type MetricQuery, type MetricStatSpec } from '../telemetry/metrics-query';
import { CloudWatchSimulation } from '../telemetry/metrics-plugin';
import { BASIC_STATISTICS, isExtendedStatistic, parseStatistic } from '../telemetry/metrics-stats';
import type { Dimension, Series } from '../telemetry/metrics-store';
import { decodeToken, encodeToken, optionalNumber, optionalString, pageSize, paginate } from './input';

/** The query protocol's codes; JSON answers with the modelled shape names (see jsonErrorTypes). */
const JSON_ERROR_TYPES: Record<string, string> = {
  ValidationError: 'ValidationException',
  InvalidParameterValue: 'InvalidParameterValueException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  MissingParameter: 'MissingRequiredParameterException',
  ResourceNotFound: 'ResourceNotFound',
  LimitExceeded: 'LimitExceededFault',
  InvalidNextToken: 'InvalidNextToken',
  InvalidFormat: 'InvalidFormatFault',
};

const invalid = (message: string) => new AwsError('InvalidParameterValue', message);
const validation = (message: string) => new AwsError('ValidationError', message);
const combination = (message: string) => new AwsError('InvalidParameterCombination', message);
const missing = (name: string) => new AwsError('MissingParameter', `The parameter ${name} is required.`);
const notNull = (name: string) => validation(`1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);

/** GetMetricData's limits, as AWS documents them. */
export const MAX_QUERIES = 500;
export const MAX_DATAPOINTS = 100_800;
const MAX_STATISTICS_DATAPOINTS = 1440;
const MAX_ALARMS = 5000;

const UNITS: Record<string, string> = {
  CPUUtilization: 'Percent',
  MemoryUtilization: 'Percent',
  TargetResponseTime: 'Seconds',
};
const unitOf = (metricName: string) => UNITS[metricName] ?? 'Count';

type Input = Record<string, unknown>;

function str(input: Input, name: string): string | undefined {
  return optionalString(input, name, 'InvalidParameterValue');
}

function num(input: Input, name: string): number | undefined {
  return optionalNumber(input, name, 'InvalidParameterValue');
}

function bool(input: Input, name: string): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalid(`The parameter ${name} must be a boolean.`);
}

/** Query lists arrive collapsed from `member.N`; an empty list is sent as `Name=`. */
function list(input: Input, name: string): unknown[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (value === '') return [];
  if (!Array.isArray(value)) throw invalid(`The parameter ${name} must be a list.`);
  return value;
}

function strings(input: Input, name: string): string[] | undefined {
  const values = list(input, name);
  if (values?.some((v) => typeof v !== 'string')) throw invalid(`The parameter ${name} must be a list of strings.`);
  return values as string[] | undefined;
}

/** JSON sends epoch seconds, the query protocol ISO 8601. */
function timestamp(input: Input, name: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw invalid(`The parameter ${name} must be a timestamp.`);
  return ms;
}

function dimensionsOf(value: unknown, where: string, requireValue = true): Dimension[] {
  if (value === undefined || value === null || value === '') return [];
  if (!Array.isArray(value)) throw invalid(`The parameter ${where} must be a list.`);
  if (value.length > 30) throw invalid(`The collection ${where} must not have a size greater than 30.`);
  return value.map((d, i) => {
    const dim = (d ?? {}) as Input;
    const name = str(dim, 'Name');
    const v = str(dim, 'Value');
    if (!name) throw missing(`${where}.member.${i + 1}.Name`);
    if (requireValue && v === undefined) throw missing(`${where}.member.${i + 1}.Value`);
    return { name, value: v ?? '' };
  });
}

const dimensionsOut = (dims: Dimension[]) => dims.map((d) => ({ Name: d.name, Value: d.value }));

function metricStatOf(value: unknown, where: string): MetricStatSpec {
  const stat = (value ?? {}) as Input;
  const metric = (stat.Metric ?? {}) as Input;
  const namespace = str(metric, 'Namespace');
  const metricName = str(metric, 'MetricName');
  if (!namespace) throw missing(`${where}.Metric.Namespace`);
  if (!metricName) throw missing(`${where}.Metric.MetricName`);
  const period = num(stat, 'Period');
  const statName = str(stat, 'Stat');
  if (period === undefined) throw missing(`${where}.Period`);
  if (!statName) throw missing(`${where}.Stat`);
  return { namespace, metricName, dimensions: dimensionsOf(metric.Dimensions, `${where}.Metric.Dimensions`), period, stat: statName, unit: str(stat, 'Unit') };
}

function metricQueriesOf(value: unknown, name: string): MetricQuery[] {
  if (!Array.isArray(value)) throw invalid(`The parameter ${name} must be a list.`);
  return value.map((raw, i) => {
    const q = (raw ?? {}) as Input;
    const where = `${name}.member.${i + 1}`;
    const id = str(q, 'Id');
    if (!id) throw missing(`${where}.Id`);
    const expression = str(q, 'Expression');
    return {
      id,
      metricStat: q.MetricStat !== undefined && q.MetricStat !== null ? metricStatOf(q.MetricStat, `${where}.MetricStat`) : undefined,
      expression,
      period: num(q, 'Period'),
      label: str(q, 'Label'),
      returnData: bool(q, 'ReturnData') ?? true,
    };
  });
}

function prepared(queries: MetricQuery[]) {
  try {
    return prepareQueries(queries);
  } catch (e) {
    if (e instanceof QueryValidationError) throw validation(e.message);
    throw e;
  }
}

const metricStatOut = (spec: MetricStatSpec) => ({
  Metric: { Namespace: spec.namespace, MetricName: spec.metricName, Dimensions: dimensionsOut(spec.dimensions) },
  Period: spec.period,
  Stat: spec.stat,
  Unit: spec.unit,
});

const metricQueryOut = (q: MetricQuery) => ({
  Id: q.id,
  MetricStat: q.metricStat ? metricStatOut(q.metricStat) : undefined,
  Expression: q.expression,
  Label: q.label,
  ReturnData: q.returnData,
  Period: q.period,
});

function alarmOut(alarm: AlarmRecord) {
  const extended = alarm.metric && isExtendedStatistic(alarm.metric.stat);
  return {
    AlarmName: alarm.name,
    AlarmArn: alarm.arn,
    AlarmDescription: alarm.description,
    AlarmConfigurationUpdatedTimestamp: new Date(alarm.configurationUpdatedAt),
    ActionsEnabled: alarm.actionsEnabled,
    OKActions: alarm.okActions,
    AlarmActions: alarm.alarmActions,
    InsufficientDataActions: alarm.insufficientDataActions,
    StateValue: alarm.state,
    StateReason: alarm.stateReason,
    StateReasonData: alarm.stateReasonData,
    StateUpdatedTimestamp: new Date(alarm.stateUpdatedAt),
    MetricName: alarm.metric?.metricName,
    Namespace: alarm.metric?.namespace,
    Statistic: alarm.metric && !extended ? alarm.metric.stat : undefined,
    ExtendedStatistic: extended ? alarm.metric!.stat : undefined,
    Dimensions: alarm.metric ? dimensionsOut(alarm.metric.dimensions) : [],
    Period: alarm.metric?.period,
    Unit: alarm.unit,
    EvaluationPeriods: alarm.evaluationPeriods,
    DatapointsToAlarm: alarm.datapointsToAlarm,
    Threshold: alarm.threshold,
    ComparisonOperator: alarm.comparisonOperator,
    TreatMissingData: alarm.treatMissingData,
    EvaluateLowSampleCountPercentile: alarm.evaluateLowSampleCountPercentile,
    Metrics: alarm.metrics?.map(metricQueryOut),
    StateTransitionedTimestamp: new Date(alarm.stateTransitionedAt),
  };
}

const historyOut = (item: HistoryItem) => ({
  AlarmName: item.alarmName,
  AlarmType: item.alarmType,
  Timestamp: new Date(item.timestamp),
  HistoryItemType: item.type,
  HistorySummary: item.summary,
  HistoryData: item.data,
});

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw validation(`1 validation error detected: Value '${value}' at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`);
  return value as T;
}

/** PutMetricAlarm's input, checked as CloudWatch checks it. */
function alarmConfigOf(input: Input): AlarmConfig {
  const name = str(input, 'AlarmName');
  if (!name) throw notNull('AlarmName');
  if (name.length > 255) throw validation('The parameter AlarmName must be at most 255 characters.');
  const evaluationPeriods = num(input, 'EvaluationPeriods');
  if (evaluationPeriods === undefined) throw notNull('EvaluationPeriods');
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) throw validation(`1 validation error detected: Value '${evaluationPeriods}' at 'evaluationPeriods' failed to satisfy constraint: Member must have value greater than or equal to 1`);
  const comparisonOperator = oneOf(str(input, 'ComparisonOperator'), COMPARISON_OPERATORS, 'ComparisonOperator');
  if (!comparisonOperator) throw notNull('ComparisonOperator');
  if (!STATIC_OPERATORS.includes(comparisonOperator)) throw invalid(`The comparison operator ${comparisonOperator} needs an anomaly detection band (ThresholdMetricId), which the sandbox does not model.`);
  const datapointsToAlarm = num(input, 'DatapointsToAlarm');
  if (datapointsToAlarm !== undefined && (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods)) {
    throw validation('DatapointsToAlarm must be at least 1 and at most EvaluationPeriods.');
  }
  const threshold = num(input, 'Threshold');
  if (threshold === undefined) throw missing('Threshold');
  const treatMissingData = (oneOf(str(input, 'TreatMissingData'), TREAT_MISSING, 'TreatMissingData') ?? 'missing') as TreatMissingData;

  const metricName = str(input, 'MetricName');
  const metricsInput = list(input, 'Metrics');
  if (metricName && metricsInput?.length) throw combination('Exactly one of MetricName and Metrics must be specified.');
  if (!metricName && !metricsInput?.length) throw combination('Exactly one of MetricName and Metrics must be specified.');

  let metric: MetricStatSpec | undefined;
  let metrics: MetricQuery[] | undefined;
  if (metricName) {
    const namespace = str(input, 'Namespace');
    if (!namespace) throw missing('Namespace');
    const statistic = str(input, 'Statistic');
    const extended = str(input, 'ExtendedStatistic');
    if (Boolean(statistic) === Boolean(extended)) throw combination('Exactly one of Statistic and ExtendedStatistic must be specified.');
    if (statistic && !(BASIC_STATISTICS as readonly string[]).includes(statistic)) throw validation(`1 validation error detected: Value '${statistic}' at 'statistic' failed to satisfy constraint: Member must satisfy enum value set: [${BASIC_STATISTICS.join(', ')}]`);
    if (extended && !isExtendedStatistic(extended)) throw invalid(`The value ${extended} for parameter ExtendedStatistic is not supported.`);
    const period = num(input, 'Period');
    if (period === undefined) throw missing('Period');
    if (!validPeriod(period)) throw invalid('The parameter Period must be 10, 20, 30 or a multiple of 60.');
    metric = { namespace, metricName, dimensions: dimensionsOf(input.Dimensions, 'Dimensions'), period, stat: (statistic ?? extended)! };
    if (period * evaluationPeriods > 7 * 86400) throw validation('The evaluation period (Period × EvaluationPeriods) must not exceed 7 days.');
  } else {
    for (const field of ['Namespace', 'Statistic', 'ExtendedStatistic', 'Period', 'Dimensions']) {
      if (input[field] !== undefined && input[field] !== '') throw combination(`${field} may not be specified together with Metrics.`);
    }
    metrics = metricQueriesOf(metricsInput, 'Metrics');
    prepared(metrics);
    if (metrics.filter((q) => q.returnData).length !== 1) throw validation('Exactly one element of the Metrics list must return data.');
  }
  return {
    name,
    description: str(input, 'AlarmDescription'),
    actionsEnabled: bool(input, 'ActionsEnabled') ?? true,
    okActions: strings(input, 'OKActions') ?? [],
    alarmActions: strings(input, 'AlarmActions') ?? [],
    insufficientDataActions: strings(input, 'InsufficientDataActions') ?? [],
    metric,
    metrics,
    evaluationPeriods,
    datapointsToAlarm,
    threshold,
    comparisonOperator: comparisonOperator as ComparisonOperator,
    treatMissingData,
    evaluateLowSampleCountPercentile: str(input, 'EvaluateLowSampleCountPercentile'),
    unit: str(input, 'Unit'),
  };
}

/** Tokens that say where the next page starts; anything else is InvalidNextToken. */
function offsetOf(token: string | undefined): number {
  try {
    return decodeToken(token, 'InvalidNextToken');
  } catch {
    throw new AwsError('InvalidNextToken', 'The service cannot process the next token.');
  }
}

const page = <T>(items: T[], token: string | undefined, size: number) => {
  offsetOf(token);
  return paginate(items, token, size, 'InvalidNextToken');
};

const isQueryRequest = (request: AwsRequest) => request.headers['x-amz-target'] === undefined;

export function cloudwatchService(sandbox: Sandbox): ServiceDefinition {
  const sim = new CloudWatchSimulation(sandbox.region, sandbox.accountId);
  const setActionsEnabled = actionsSwitch(sim, sandbox);
  sandbox.addPlugin(sim);

  const alarmOrThrow = (name: string) => {
    const alarm = sim.alarms.alarms.get(name);
    if (!alarm) throw new AwsError('ResourceNotFound', `Alarm ${name} not found`, 404);
    return alarm;
  };

  return {
    signingName: 'monitoring',
    protocols: ['awsJson1_0', 'awsQuery'],
    targetPrefix: 'GraniteServiceVersion20100801',
    xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
    jsonErrorTypes: JSON_ERROR_TYPES,
    operations: {
      GetMetricData(input) {
        const raw = list(input, 'MetricDataQueries');
        if (!raw) throw notNull('MetricDataQueries');
        if (raw.length === 0) throw validation("1 validation error detected: Value '[]' at 'metricDataQueries' failed to satisfy constraint: Member must have length greater than or equal to 1");
        if (raw.length > MAX_QUERIES) throw validation(`1 validation error detected: Value at 'metricDataQueries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_QUERIES}`);
        const start = timestamp(input, 'StartTime');
        const end = timestamp(input, 'EndTime');
        if (start === undefined) throw notNull('StartTime');
        if (end === undefined) throw notNull('EndTime');
        if (start >= end) throw validation('The parameter StartTime must be less than the parameter EndTime.');
        const scanBy = oneOf(str(input, 'ScanBy'), ['TimestampDescending', 'TimestampAscending'] as const, 'ScanBy') ?? 'TimestampDescending';
        const maxDatapoints = num(input, 'MaxDatapoints');
        if (maxDatapoints !== undefined && (!Number.isInteger(maxDatapoints) || maxDatapoints < 1)) throw invalid('The parameter MaxDatapoints must be a positive integer.');
        const limit = Math.min(maxDatapoints ?? MAX_DATAPOINTS, MAX_DATAPOINTS);
        const token = str(input, 'NextToken');
        const offset = offsetOf(token);

        const queries = metricQueriesOf(raw, 'MetricDataQueries');
        const results = runMetricQueriesOrThrow(sim, prepared(queries), start, end);
        let skip = offset;
        let room = limit;
        let more = false;
        const out = queries
          .filter((q) => q.returnData)
          .map((q) => {
            const r = results.get(q.id)!;
            const order = r.timestamps.map((_, i) => i);
            if (scanBy === 'TimestampDescending') order.reverse();
            const from = Math.min(skip, order.length);
            skip -= from;
            const take = order.slice(from, from + room);
            room -= take.length;
            const partial = from + take.length < order.length;
            more ||= partial;
            return {
              Id: r.id,
              Label: r.label,
              Timestamps: take.map((i) => new Date(r.timestamps[i]!)),
              Values: take.map((i) => r.values[i]!),
              StatusCode: partial ? 'PartialData' : 'Complete',
              Messages: r.messages.map((m) => ({ Code: m.code, Value: m.value })),
            };
          });
        return { MetricDataResults: out, NextToken: more ? encodeToken(offset + limit) : undefined, Messages: [] };
      },

      GetMetricStatistics(input, request) {
        const namespace = str(input, 'Namespace');
        const metricName = str(input, 'MetricName');
        if (!namespace) throw notNull('Namespace');
        if (!metricName) throw notNull('MetricName');
        const start = timestamp(input, 'StartTime');
        const end = timestamp(input, 'EndTime');
        if (start === undefined) throw notNull('StartTime');
        if (end === undefined) throw notNull('EndTime');
        if (start >= end) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
        const period = num(input, 'Period');
        if (period === undefined) throw notNull('Period');
        if (!validPeriod(period)) throw invalid('The parameter Period must be 1, 5, 10, 20, 30, or a multiple of 60.');
        const statistics = strings(input, 'Statistics') ?? [];
        const extended = strings(input, 'ExtendedStatistics') ?? [];
        if (statistics.length === 0 && extended.length === 0) throw new AwsError('MissingParameter', 'Must specify either Statistics or ExtendedStatistics.');
        for (const s of statistics) oneOf(s, BASIC_STATISTICS, 'Statistics');
        for (const s of extended) if (!isExtendedStatistic(s)) throw invalid(`The value ${s} for parameter ExtendedStatistics is not supported.`);
        const periodMs = Math.max(60, period) * 1000;
        const requested = Math.ceil((end - Math.floor(start / 60_000) * 60_000) / periodMs);
        if (requested > MAX_STATISTICS_DATAPOINTS) throw combination(`You have requested up to ${requested} datapoints, which exceeds the limit of ${MAX_STATISTICS_DATAPOINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`);
        const series = sim.store.find(namespace, metricName, dimensionsOf(input.Dimensions, 'Dimensions'));
        const byTime = new Map<number, Record<string, unknown>>();
        const extendedByTime = new Map<number, Map<string, number>>();
        for (const name of [...statistics, ...extended]) {
          const data = series ? sim.store.query(series, start, end, Math.max(60, period), parseStatistic(name)!) : { timestamps: [], values: [] };
          data.timestamps.forEach((t, i) => {
            const point = byTime.get(t) ?? byTime.set(t, { Timestamp: new Date(t) }).get(t)!;
            const statField = { SampleCount: 'SampleCount', Average: 'Average', Sum: 'Sum', Minimum: 'Minimum', Maximum: 'Maximum' }[name];
            if (statField) point[statField] = data.values[i];
            else (extendedByTime.get(t) ?? extendedByTime.set(t, new Map()).get(t)!).set(name, data.values[i]!);
          });
        }
        for (const [t, point] of byTime) {
          point.Unit = unitOf(metricName);
          // A Map serialises as the query protocol's <entry> list; JSON wants an object.
          const values = extendedByTime.get(t);
          if (values) point.ExtendedStatistics = isQueryRequest(request) ? values : Object.fromEntries(values);
        }
        return { Label: metricName, Datapoints: [...byTime.values()] };
      },

      ListMetrics(input) {
        const namespace = str(input, 'Namespace');
        const metricName = str(input, 'MetricName');
        const filters = dimensionsOf(input.Dimensions, 'Dimensions', false);
        const recentlyActive = str(input, 'RecentlyActive');
        if (recentlyActive !== undefined && recentlyActive !== 'PT3H') throw invalid('The parameter RecentlyActive must be PT3H.');
        const matches = (s: Series) =>
          (!namespace || s.namespace === namespace) &&
          (!metricName || s.metricName === metricName) &&
          filters.every((f) => s.dimensions.some((d) => d.name === f.name && (f.value === '' || d.value === f.value)));
        const all = [...sim.store.series.values()].filter(matches).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        const { page: items, next } = page(all, str(input, 'NextToken'), 500);
        return { Metrics: items.map((s) => ({ Namespace: s.namespace, MetricName: s.metricName, Dimensions: dimensionsOut(s.dimensions) })), NextToken: next };
      },

      DescribeAlarms(input) {
        const names = strings(input, 'AlarmNames');
        const prefix = str(input, 'AlarmNamePrefix');
        if (names && names.length > 100) throw validation("1 validation error detected: Value at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to 100");
        if (names?.length && prefix) throw combination('AlarmNames and AlarmNamePrefix cannot be specified together.');
        const types = strings(input, 'AlarmTypes');
        for (const t of types ?? []) oneOf(t, ['MetricAlarm', 'CompositeAlarm'] as const, 'AlarmTypes');
        const state = oneOf(str(input, 'StateValue'), ALARM_STATES, 'StateValue') as AlarmState | undefined;
        const actionPrefix = str(input, 'ActionPrefix');
        const size = pageSize(input, 'MaxRecords', 100, 50, 'InvalidParameterValue');
        const wantMetric = !types?.length || types.includes('MetricAlarm');
        const alarms = wantMetric
          ? sim.alarms.list().filter(
              (a) =>
                (!names?.length || names.includes(a.name)) &&
                (!prefix || a.name.startsWith(prefix)) &&
                (!state || a.state === state) &&
                (!actionPrefix || [...a.alarmActions, ...a.okActions, ...a.insufficientDataActions].some((x) => x.startsWith(actionPrefix))),
            )
          : [];
        const { page: items, next } = page(alarms, str(input, 'NextToken'), size);
        return { MetricAlarms: items.map(alarmOut), CompositeAlarms: types?.includes('CompositeAlarm') ? [] : undefined, NextToken: next };
      },

      DescribeAlarmHistory(input) {
        const name = str(input, 'AlarmName');
        const type = oneOf(str(input, 'HistoryItemType'), ['ConfigurationUpdate', 'StateUpdate', 'Action', 'AlarmContributorStateUpdate', 'AlarmContributorAction'] as const, 'HistoryItemType');
        const types = strings(input, 'AlarmTypes');
        for (const t of types ?? []) oneOf(t, ['MetricAlarm', 'CompositeAlarm'] as const, 'AlarmTypes');
        const from = timestamp(input, 'StartDate');
        const to = timestamp(input, 'EndDate');
        const scanBy = oneOf(str(input, 'ScanBy'), ['TimestampDescending', 'TimestampAscending'] as const, 'ScanBy') ?? 'TimestampDescending';
        const size = pageSize(input, 'MaxRecords', 100, 100, 'InvalidParameterValue');
        const items = (types?.length && !types.includes('MetricAlarm') ? [] : sim.alarms.historyOf(name)).filter(
          (h) => (!type || h.type === type) && (from === undefined || h.timestamp >= from) && (to === undefined || h.timestamp <= to),
        );
        if (scanBy === 'TimestampDescending') items.reverse();
        const { page: shown, next } = page(items, str(input, 'NextToken'), size);
        return { AlarmHistoryItems: shown.map(historyOut), NextToken: next };
      },

      PutMetricAlarm(input) {
        const config = alarmConfigOf(input);
        if (!sim.alarms.alarms.has(config.name) && sim.alarms.alarms.size >= MAX_ALARMS) throw new AwsError('LimitExceeded', `The maximum number of alarms (${MAX_ALARMS}) for this account has been reached.`);
        // A new alarm is INSUFFICIENT_DATA until its first evaluation, within the next simulated minute.
        sim.alarms.put(config, sandbox.now());
        return {};
      },

      SetAlarmState(input) {
        const name = str(input, 'AlarmName');
        if (!name) throw notNull('AlarmName');
        const state = oneOf(str(input, 'StateValue'), ALARM_STATES, 'StateValue');
        if (!state) throw notNull('StateValue');
        const reason = str(input, 'StateReason');
        if (reason === undefined) throw notNull('StateReason');
        if (reason.length > 1023) throw validation('The parameter StateReason must be at most 1023 characters.');
        const reasonData = str(input, 'StateReasonData');
        if (reasonData !== undefined) {
          try {
            JSON.parse(reasonData);
          } catch {
            throw new AwsError('InvalidFormat', 'The parameter StateReasonData must be valid JSON.');
          }
        }
        // Holds until the next evaluation puts the alarm back where its data says, as in CloudWatch.
        sim.alarms.setState(alarmOrThrow(name), state, reason, reasonData, sandbox.now());
        return {};
      },

      DeleteAlarms(input) {
        const names = strings(input, 'AlarmNames');
        if (!names) throw notNull('AlarmNames');
        const unknown = names.filter((n) => !sim.alarms.alarms.has(n));
        if (unknown.length) throw new AwsError('ResourceNotFound', `${unknown.length === 1 ? 'Alarm' : 'Alarms'} ${unknown.join(', ')} not found`, 404);
        for (const n of names) sim.alarms.delete(n, sandbox.now());
        return {};
      },

      EnableAlarmActions: (input) => setActionsEnabled(input, true),
      DisableAlarmActions: (input) => setActionsEnabled(input, false),
    },
  };
}

/** EnableAlarmActions / DisableAlarmActions: CloudWatch answers without complaint for names it does not have, and changes nothing for those. */
function actionsSwitch(sim: CloudWatchSimulation, sandbox: Sandbox) {
  return (input: Input, enabled: boolean) => {
    const names = strings(input, 'AlarmNames');
    if (!names) throw notNull('AlarmNames');
    if (names.length > 100) throw validation('The parameter AlarmNames must have at most 100 members.');
    for (const n of names) sim.alarms.setActionsEnabled(n, enabled, sandbox.now());
    return {};
  };
}

function runMetricQueriesOrThrow(sim: CloudWatchSimulation, queries: ReturnType<typeof prepareQueries>, start: number, end: number) {
  try {
    return runMetricQueries(sim.store, queries, start, end);
  } catch (e) {
    if (e instanceof QueryValidationError) throw validation(e.message);
    throw e;
  }
}
