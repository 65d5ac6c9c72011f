/**
 * CloudWatch metric alarms: their configuration, state, history, and the evaluation rule
 * (M out of N datapoints, TreatMissingData) that moves them between OK, ALARM and
 * INSUFFICIENT_DATA. Evaluation is a pure function of the datapoints; the simulation feeds it.
 */
import { DEFAULT_ACCOUNT_ID } from '../sim/world';
import type { MetricQuery, MetricStatSpec } from './metrics-query';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export const ALARM_STATES: AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export const COMPARISON_OPERATORS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold',
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];
/** The anomaly-band operators need an ANOMALY_DETECTION_BAND, which the sandbox does not model. */
export const STATIC_OPERATORS: ComparisonOperator[] = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'];

export const TREAT_MISSING = ['breaching', 'notBreaching', 'ignore', 'missing'] as const;
export type TreatMissingData = (typeof TREAT_MISSING)[number];

export interface AlarmConfig {
  name: string;
  description?: string;
  actionsEnabled: boolean;
  okActions: string[];
  alarmActions: string[];
  insufficientDataActions: string[];
  /** A single metric (MetricName/Namespace/Statistic|ExtendedStatistic/Dimensions/Period)… */
  metric?: MetricStatSpec;
  /** …or metric math (Metrics), exactly one with ReturnData. */
  metrics?: MetricQuery[];
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  threshold: number;
  comparisonOperator: ComparisonOperator;
  treatMissingData: TreatMissingData;
  evaluateLowSampleCountPercentile?: string;
  unit?: string;
}

export interface AlarmRecord extends AlarmConfig {
  arn: string;
  state: AlarmState;
  stateReason: string;
  stateReasonData?: string;
  stateUpdatedAt: number;
  stateTransitionedAt: number;
  configurationUpdatedAt: number;
}

export type HistoryItemType = 'ConfigurationUpdate' | 'StateUpdate' | 'Action';

export interface HistoryItem {
  alarmName: string;
  alarmType: 'MetricAlarm';
  timestamp: number;
  type: HistoryItemType;
  summary: string;
  data: string;
}

export interface Datapoint {
  /** Start of the period, epoch ms. */
  timestamp: number;
  value: number | undefined;
}

export interface Evaluation {
  state: AlarmState;
  reason: string;
  reasonData: Record<string, unknown>;
}

const HISTORY_PER_ALARM = 1000;

/** CloudWatch's own timestamp format inside HistoryData and StateReasonData. */
export function cwTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** `27/11/26 10:05:00`, as alarm reasons print datapoint times. */
function reasonTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

const OPERATOR_TEXT: Record<string, string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

export function breaches(operator: ComparisonOperator, value: number, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    default:
      return false;
  }
}

const formatNumber = (v: number) => (Number.isInteger(v) ? v.toFixed(1) : String(Number(v.toPrecision(6))));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

type EvaluatedConfig = Pick<AlarmConfig, 'evaluationPeriods' | 'datapointsToAlarm' | 'threshold' | 'comparisonOperator' | 'treatMissingData'>;

/**
 * The state the datapoints (oldest first, one per evaluation period) put the alarm in; null when
 * TreatMissingData=ignore and nothing arrived (the alarm keeps its state). Cheap: no reason text.
 */
export function nextAlarmState(config: EvaluatedConfig, datapoints: Datapoint[]): AlarmState | null {
  const m = config.datapointsToAlarm ?? config.evaluationPeriods;
  let present = 0;
  let breaching = 0;
  for (const d of datapoints) {
    if (d.value === undefined) continue;
    present++;
    if (breaches(config.comparisonOperator, d.value, config.threshold)) breaching++;
  }
  const missing = datapoints.length - present;
  if (present === 0 && config.treatMissingData === 'ignore') return null;
  if (present === 0 && config.treatMissingData === 'missing') return 'INSUFFICIENT_DATA';
  return breaching + (config.treatMissingData === 'breaching' ? missing : 0) >= m ? 'ALARM' : 'OK';
}

/** `nextAlarmState` with the reason and reason data CloudWatch records on a transition. */
export function evaluateAlarm(config: EvaluatedConfig, current: AlarmState, datapoints: Datapoint[], evaluatedAt: number): Evaluation | null {
  const n = config.evaluationPeriods;
  const m = config.datapointsToAlarm ?? n;
  const present = datapoints.filter((d): d is Datapoint & { value: number } => d.value !== undefined);
  const missing = datapoints.length - present.length;
  const treat = config.treatMissingData;
  const reasonData = {
    version: '1.0',
    queryDate: cwTimestamp(evaluatedAt),
    ...(datapoints[0] ? { startDate: cwTimestamp(datapoints[0].timestamp) } : {}),
    recentDatapoints: present.map((d) => d.value),
    threshold: config.threshold,
    evaluatedDatapoints: [...present].reverse().map((d) => ({ timestamp: cwTimestamp(d.timestamp), value: d.value })),
  };
  if (present.length === 0) {
    if (treat === 'ignore') return null;
    if (treat === 'missing') return { state: 'INSUFFICIENT_DATA', reason: `Insufficient Data: ${plural(missing, 'datapoint')} ${missing === 1 ? 'was' : 'were'} unknown.`, reasonData };
    const state: AlarmState = treat === 'breaching' && missing >= m ? 'ALARM' : 'OK';
    return { state, reason: `Threshold Crossed: no datapoints were received for ${plural(missing, 'period')} and ${plural(missing, 'missing datapoint')} ${missing === 1 ? 'was' : 'were'} treated as [${treat === 'breaching' ? 'Breaching' : 'NonBreaching'}].`, reasonData };
  }
  const breaching = present.filter((d) => breaches(config.comparisonOperator, d.value, config.threshold));
  const missingBreaching = treat === 'breaching' ? missing : 0;
  const count = breaching.length + missingBreaching;
  const state: AlarmState = count >= m ? 'ALARM' : 'OK';
  const shown = state === 'ALARM' ? breaching : present.filter((d) => !breaches(config.comparisonOperator, d.value, config.threshold));
  const list = [...shown].reverse().map((d) => `${formatNumber(d.value)} (${reasonTime(d.timestamp)})`).join(', ');
  const op = OPERATOR_TEXT[config.comparisonOperator] ?? config.comparisonOperator;
  const verb = shown.length === 1 ? 'was' : 'were';
  const minimum = state === 'ALARM' ? m : Math.max(1, n - m + 1);
  const transition = current === state ? '' : ` (minimum ${plural(minimum, 'datapoint')} for ${current} -> ${state} transition)`;
  const missingNote = missingBreaching > 0 ? ` and ${plural(missingBreaching, 'missing datapoint')} ${missingBreaching === 1 ? 'was' : 'were'} treated as [Breaching]` : '';
  const reason = `Threshold Crossed: ${shown.length} out of the last ${plural(datapoints.length, 'datapoint')} [${list}] ${verb} ${state === 'ALARM' ? '' : 'not '}${op} the threshold (${formatNumber(config.threshold)})${missingNote}${transition}.`;
  return { state, reason, reasonData };
}

export function alarmArn(region: string, name: string, accountId = DEFAULT_ACCOUNT_ID): string {
  return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`;
}

/** What DescribeAlarms shows of an alarm, for ConfigurationUpdate history data. */
function configSnapshot(alarm: AlarmRecord): Record<string, unknown> {
  return {
    alarmName: alarm.name,
    alarmArn: alarm.arn,
    alarmDescription: alarm.description,
    actionsEnabled: alarm.actionsEnabled,
    evaluationPeriods: alarm.evaluationPeriods,
    datapointsToAlarm: alarm.datapointsToAlarm,
    threshold: alarm.threshold,
    comparisonOperator: alarm.comparisonOperator,
    treatMissingData: alarm.treatMissingData,
    ...(alarm.metric
      ? { namespace: alarm.metric.namespace, metricName: alarm.metric.metricName, dimensions: alarm.metric.dimensions.map((d) => ({ name: d.name, value: d.value })), period: alarm.metric.period, statistic: alarm.metric.stat }
      : { metrics: alarm.metrics }),
  };
}

/** The account's alarms and their history. */
export class AlarmBook {
  readonly alarms = new Map<string, AlarmRecord>();
  private readonly history = new Map<string, HistoryItem[]>();

  constructor(
    readonly region: string,
    readonly accountId = DEFAULT_ACCOUNT_ID,
  ) {}

  list(): AlarmRecord[] {
    return [...this.alarms.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** PutMetricAlarm: creates or replaces the configuration; a new alarm starts INSUFFICIENT_DATA. */
  put(config: AlarmConfig, now: number): AlarmRecord {
    const existing = this.alarms.get(config.name);
    const alarm: AlarmRecord = existing
      ? { ...existing, ...config, configurationUpdatedAt: now }
      : { ...config, arn: alarmArn(this.region, config.name, this.accountId), state: 'INSUFFICIENT_DATA', stateReason: 'Unchecked: Initial alarm creation', stateUpdatedAt: now, stateTransitionedAt: now, configurationUpdatedAt: now };
    this.alarms.set(alarm.name, alarm);
    const data = existing
      ? { version: '1.0', type: 'Update', originalUpdatedAlarm: configSnapshot(existing), updatedAlarm: configSnapshot(alarm) }
      : { version: '1.0', type: 'Create', createdAlarm: configSnapshot(alarm) };
    this.addHistory({ alarmName: alarm.name, alarmType: 'MetricAlarm', timestamp: now, type: 'ConfigurationUpdate', summary: `Alarm "${alarm.name}" ${existing ? 'updated' : 'created'}`, data: JSON.stringify(data) });
    return alarm;
  }

  delete(name: string, now: number): boolean {
    const alarm = this.alarms.get(name);
    if (!alarm) return false;
    this.alarms.delete(name);
    this.addHistory({ alarmName: name, alarmType: 'MetricAlarm', timestamp: now, type: 'ConfigurationUpdate', summary: `Alarm "${name}" deleted`, data: JSON.stringify({ version: '1.0', type: 'Delete', deletedAlarm: configSnapshot(alarm) }) });
    return true;
  }

  /** EnableAlarmActions / DisableAlarmActions: a configuration update when the flag changes; false for an unknown alarm. */
  setActionsEnabled(name: string, enabled: boolean, now: number): boolean {
    const alarm = this.alarms.get(name);
    if (!alarm) return false;
    if (alarm.actionsEnabled === enabled) return true;
    const original = configSnapshot(alarm);
    Object.assign(alarm, { actionsEnabled: enabled, configurationUpdatedAt: now });
    this.addHistory({ alarmName: name, alarmType: 'MetricAlarm', timestamp: now, type: 'ConfigurationUpdate', summary: `Alarm "${name}" updated`, data: JSON.stringify({ version: '1.0', type: 'Update', originalUpdatedAlarm: original, updatedAlarm: configSnapshot(alarm) }) });
    return true;
  }

  /** Records a new state with its StateUpdate history entry; a repeat of the current state is not a change. */
  setState(alarm: AlarmRecord, state: AlarmState, reason: string, reasonData: string | undefined, now: number): boolean {
    if (alarm.state === state) return false;
    const oldState = { stateValue: alarm.state, stateReason: alarm.stateReason, ...(alarm.stateReasonData ? { stateReasonData: safeJson(alarm.stateReasonData) } : {}) };
    const newState = { stateValue: state, stateReason: reason, ...(reasonData ? { stateReasonData: safeJson(reasonData) } : {}) };
    this.addHistory({
      alarmName: alarm.name,
      alarmType: 'MetricAlarm',
      timestamp: now,
      type: 'StateUpdate',
      summary: `Alarm updated from ${alarm.state} to ${state}`,
      data: JSON.stringify({ version: '1.0', oldState, newState }),
    });
    Object.assign(alarm, { state, stateReason: reason, stateReasonData: reasonData, stateUpdatedAt: now, stateTransitionedAt: now });
    return true;
  }

  addHistory(item: HistoryItem): void {
    const items = this.history.get(item.alarmName) ?? [];
    items.push(item);
    if (items.length > HISTORY_PER_ALARM) items.splice(0, items.length - HISTORY_PER_ALARM);
    this.history.set(item.alarmName, items);
  }

  /** History oldest first, across alarms or for one. */
  historyOf(name?: string): HistoryItem[] {
    const items = name ? (this.history.get(name) ?? []) : [...this.history.values()].flat();
    return [...items].sort((a, b) => a.timestamp - b.timestamp);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
