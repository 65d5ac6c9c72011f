import type { AlarmSpec } from '../ops/alarm-contract';
import type { Alarm, AlarmDefinition, MetricDimension, MetricQuery } from '../aws/telemetry-types';

/**
 * An alarm as CloudWatch returns it, in the shapes it is put with: the definition PutMetricAlarm
 * takes, and the spec a form or the CLI edits and sends back in an alarms operation.
 */

export const sortDims = (dims: readonly MetricDimension[]) => [...dims].sort((a, b) => a.name.localeCompare(b.name));

/** An alarm as CloudWatch returns it, in the shape it is put with. */
export function definitionOf(a: Alarm): AlarmDefinition {
  return {
    name: a.name,
    description: a.description ?? undefined,
    ...(a.metric ? { metric: { namespace: a.metric.namespace, metricName: a.metric.metricName, dimensions: sortDims(a.metric.dimensions), statistic: a.metric.statistic, period: a.metric.period } } : {}),
    ...(a.metrics
      ? {
          metrics: a.metrics.map(
            (q): MetricQuery => ({
              id: q.id,
              ...(q.metric ? { namespace: q.metric.namespace, metricName: q.metric.metricName, dimensions: sortDims(q.metric.dimensions), stat: q.metric.statistic, period: q.metric.period } : {}),
              ...(q.expression ? { expression: q.expression } : {}),
              ...(q.label ? { label: q.label } : {}),
              returnData: q.returnData,
            }),
          ),
        }
      : {}),
    threshold: a.threshold ?? 0,
    comparison: a.comparison as AlarmDefinition['comparison'],
    evaluationPeriods: a.evaluationPeriods,
    datapointsToAlarm: a.datapointsToAlarm ?? a.evaluationPeriods,
    treatMissingData: (a.treatMissingData ?? 'missing') as AlarmDefinition['treatMissingData'],
    actionsEnabled: a.actionsEnabled,
    alarmActions: a.alarmActions,
    okActions: a.okActions,
    insufficientDataActions: a.insufficientDataActions,
  };
}

/** An alarm spec a form or the CLI can edit and send back, from the alarm as it is. */
export function specOf(a: Alarm): AlarmSpec {
  const d = definitionOf(a);
  return {
    name: d.name,
    ...(d.description ? { description: d.description } : {}),
    ...(d.metric ? { metric: { namespace: d.metric.namespace, metricName: d.metric.metricName, dimensions: [...(d.metric.dimensions as MetricDimension[])], statistic: d.metric.statistic, period: d.metric.period } } : {}),
    ...(d.metrics ? { metrics: d.metrics.map((q) => ({ ...q, ...(q.dimensions ? { dimensions: [...(q.dimensions as MetricDimension[])] } : {}) })) as AlarmSpec['metrics'] } : {}),
    threshold: d.threshold,
    comparison: d.comparison as AlarmSpec['comparison'],
    evaluationPeriods: d.evaluationPeriods,
    ...(d.datapointsToAlarm !== undefined ? { datapointsToAlarm: d.datapointsToAlarm } : {}),
    ...(d.treatMissingData ? { treatMissingData: d.treatMissingData as AlarmSpec['treatMissingData'] } : {}),
    actionsEnabled: d.actionsEnabled ?? true,
    alarmActions: d.alarmActions ?? [],
  };
}

