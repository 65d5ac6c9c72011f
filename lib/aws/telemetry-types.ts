/**
 * Codeflow's own view of CloudWatch metrics and alarms; `lib/aws/cloudwatch` maps SDK shapes
 * into these. Timestamps are ISO-8601 strings so they cross the server/client boundary unchanged.
 */

export interface MetricDimension {
  name: string;
  value: string;
}

/** Dimensions as a list (what ListMetrics returns) or as `{ ClusterName: 'x', ServiceName: 'y' }`. */
export type DimensionsInput = readonly MetricDimension[] | Readonly<Record<string, string>>;

export interface MetricIdentity {
  namespace: string;
  metricName: string;
  dimensions: MetricDimension[];
}

/** One MetricDataQuery: a metric with a statistic, or a math expression over other queries' ids. */
export interface MetricQuery {
  /** Starts with a lowercase letter: `m1`, `e1`, `cpu`. */
  id: string;
  namespace?: string;
  metricName?: string;
  dimensions?: DimensionsInput;
  /** `Average`, `Sum`, `Minimum`, `Maximum`, `SampleCount`, `p50`…`p99.9`. */
  stat?: string;
  /** Seconds: 60, 300, 3600… */
  period?: number;
  /** Metric math, e.g. `FILL(m1, 0) / m2 * 100`. */
  expression?: string;
  label?: string;
  /** False for inputs of an expression that should not come back themselves. */
  returnData?: boolean;
}

export type MetricSeriesStatus = 'Complete' | 'PartialData' | 'InternalError' | 'Forbidden';

export interface MetricSeries {
  id: string;
  label: string;
  /** Ascending. */
  timestamps: string[];
  values: number[];
  status: MetricSeriesStatus | string;
  /** CloudWatch's notes on the series (e.g. ArithmeticError when a division by zero dropped points). */
  messages: { code: string; value: string }[];
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export type ComparisonOperator = 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';

export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

export interface AlarmMetric {
  namespace: string;
  metricName: string;
  dimensions: MetricDimension[];
  /** The statistic or extended statistic (p95). */
  statistic: string;
  period: number;
  unit: string | null;
}

export interface AlarmMetricQuery {
  id: string;
  metric: AlarmMetric | null;
  expression: string | null;
  label: string | null;
  returnData: boolean;
  period: number | null;
}

export interface Alarm {
  name: string;
  arn: string;
  description: string | null;
  state: AlarmState | string;
  reason: string;
  /** CloudWatch's JSON about the evaluation that set the state, parsed; null when absent. */
  reasonData: unknown;
  /** When the state last changed (StateTransitionedTimestamp, else StateUpdatedTimestamp). */
  updatedAt: string | null;
  configurationUpdatedAt: string | null;
  actionsEnabled: boolean;
  alarmActions: string[];
  okActions: string[];
  insufficientDataActions: string[];
  /** A single-metric alarm's metric; null for metric math alarms. */
  metric: AlarmMetric | null;
  /** A metric math alarm's queries; null for single-metric alarms. */
  metrics: AlarmMetricQuery[] | null;
  threshold: number | null;
  comparison: ComparisonOperator | string;
  evaluationPeriods: number;
  datapointsToAlarm: number | null;
  treatMissingData: TreatMissingData | string | null;
}

export type AlarmHistoryType = 'ConfigurationUpdate' | 'StateUpdate' | 'Action';

export interface AlarmHistoryItem {
  alarmName: string;
  alarmType: string;
  timestamp: string | null;
  type: AlarmHistoryType | string;
  summary: string;
  /** HistoryData, parsed (StateUpdate: `{ oldState, newState }`); the raw text when it is not JSON. */
  data: unknown;
}

/** What PutMetricAlarm sets: a single metric (`metric`) or metric math (`metrics`). */
export interface AlarmDefinition {
  name: string;
  description?: string;
  /** An `Alarm`'s `metric` can be passed back as is. */
  metric?: { namespace: string; metricName: string; dimensions?: DimensionsInput; statistic: string; period: number; unit?: string | null };
  metrics?: MetricQuery[];
  threshold: number;
  comparison: ComparisonOperator;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  treatMissingData?: TreatMissingData;
  actionsEnabled?: boolean;
  alarmActions?: string[];
  okActions?: string[];
  insufficientDataActions?: string[];
}
