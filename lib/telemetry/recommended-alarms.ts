import type { AlarmSpec } from '../ops/alarm-contract';
import { THRESHOLDS } from '../fleet/verdict';

/** Where a service's load balancer metrics are: CloudWatch's `LoadBalancer` and `TargetGroup` dimension values. */
export interface LoadBalancedBy {
  loadBalancer: string;
  targetGroup: string;
}

/** The rollback triggers of the service's environment policy (guide §5.1). */
export interface RollbackThresholds {
  errorRatePercent: number;
  p95LatencyMs: number;
}

const ECS = 'AWS/ECS';
const ALB = 'AWS/ApplicationELB';

/**
 * The alarms the deployment guide asks of a service, as CloudWatch alarms on its own metrics: the
 * §4.3 targets (CPU > 70 %, memory > 80 %, p95 > 200 ms, 5xx > 1 %, the same limits the console's
 * verdict warns at) and the §5.1 rollback triggers (5xx > 5 %, p95 > 500 ms, from the environment's
 * policy). Latency and 5xx need a load balancer; a service without one gets the ECS pair only.
 * Named `<cluster>-<service>-<what>` (a service's name alone repeats across clusters in one account
 * and Region, alarm names may not), so a second request finds and updates the same alarms.
 */
export function recommendedAlarms(cluster: string, service: string, lb: LoadBalancedBy | null, rollback: RollbackThresholds): AlarmSpec[] {
  const prefix = `${cluster}-${service}`;
  const ecs = [
    { name: 'ClusterName', value: cluster },
    { name: 'ServiceName', value: service },
  ];
  const utilization = (what: 'CPU' | 'Memory', percent: number): AlarmSpec => ({
    name: `${prefix}-High${what}`,
    description: `${what} utilization of ${service} above ${percent} % (guide §4.3)`,
    metric: { namespace: ECS, metricName: `${what}Utilization`, dimensions: ecs, statistic: 'Average', period: 300 },
    threshold: percent,
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 1,
    treatMissingData: 'missing',
  });
  const alarms: AlarmSpec[] = [utilization('CPU', THRESHOLDS.cpuPct.warn), utilization('Memory', THRESHOLDS.memoryPct.warn)];
  if (!lb) return alarms;
  const albDims = [
    { name: 'LoadBalancer', value: lb.loadBalancer },
    { name: 'TargetGroup', value: lb.targetGroup },
  ];
  const latency = (name: string, ms: number, what: string, evaluationPeriods: number, datapointsToAlarm: number): AlarmSpec => ({
    name,
    description: `p95 response time of ${service} above ${ms} ms (${what})`,
    metric: { namespace: ALB, metricName: 'TargetResponseTime', dimensions: albDims, statistic: 'p95', period: 60 },
    // TargetResponseTime is in seconds.
    threshold: ms / 1000,
    comparison: 'GreaterThanThreshold',
    evaluationPeriods,
    datapointsToAlarm,
    treatMissingData: 'notBreaching',
  });
  const errors = (name: string, percent: number, what: string, evaluationPeriods: number, datapointsToAlarm: number): AlarmSpec => ({
    name,
    description: `5xx responses of ${service} above ${percent} % of requests (${what})`,
    metrics: [
      { id: 'm1', namespace: ALB, metricName: 'HTTPCode_Target_5XX_Count', dimensions: albDims, stat: 'Sum', period: 60, returnData: false },
      { id: 'm2', namespace: ALB, metricName: 'RequestCount', dimensions: albDims, stat: 'Sum', period: 60, returnData: false },
      { id: 'e1', expression: 'FILL(m1, 0) / m2 * 100', label: '5xx rate (%)', returnData: true },
    ],
    threshold: percent,
    comparison: 'GreaterThanThreshold',
    evaluationPeriods,
    datapointsToAlarm,
    treatMissingData: 'notBreaching',
  });
  // The targets tolerate a noisy minute (2 of 3); a rollback trigger is one bad minute, as verification reads it.
  alarms.push(
    latency(`${prefix}-HighLatency`, THRESHOLDS.p95Ms.warn, 'guide §4.3', 3, 2),
    errors(`${prefix}-5xxRate`, THRESHOLDS.errorRatePct.warn, 'guide §4.3', 3, 2),
    latency(`${prefix}-RollbackTrigger-Latency`, rollback.p95LatencyMs, 'guide §5.1 rollback trigger', 1, 1),
    errors(`${prefix}-RollbackTrigger-5xx`, rollback.errorRatePercent, 'guide §5.1 rollback trigger', 1, 1),
  );
  return alarms;
}
