'use client';

import { useState, type ReactNode } from 'react';
import { COMPARISONS, TREAT_MISSING_DATA, type AlarmSpec } from '@/lib/ops/alarm-contract';
import { buttonClass } from '@/components/ui/error-panel';
import { controlClass, primaryButtonClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';

/** The metrics a new alarm can watch from the service page: the service's own ECS metrics, and its load balancer's when it has one. */
const ECS_METRICS = [
  { namespace: 'AWS/ECS', metricName: 'CPUUtilization', label: 'CPU utilization (%)' },
  { namespace: 'AWS/ECS', metricName: 'MemoryUtilization', label: 'Memory utilization (%)' },
];
const ALB_METRICS = [
  { namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', label: 'Response time (seconds)' },
  { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', label: '5xx responses (count)' },
  { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', label: 'Requests (count)' },
  { namespace: 'AWS/ApplicationELB', metricName: 'UnHealthyHostCount', label: 'Unhealthy targets' },
];

/** CloudWatch's LoadBalancer and TargetGroup dimension values of the service's target group. */
export interface LoadBalancerDimensions {
  loadBalancer: string;
  targetGroup: string;
}
const STATISTICS = ['Average', 'Maximum', 'Minimum', 'Sum', 'SampleCount', 'p50', 'p90', 'p95', 'p99'];
const COMPARISON_WORD: Record<(typeof COMPARISONS)[number], string> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '≥',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

interface Draft {
  name: string;
  description: string;
  metricName: string;
  statistic: string;
  period: string;
  threshold: string;
  comparison: (typeof COMPARISONS)[number];
  evaluationPeriods: string;
  datapointsToAlarm: string;
  treatMissingData: (typeof TREAT_MISSING_DATA)[number];
}

function draftOf(spec: AlarmSpec | null, cluster: string, service: string): Draft {
  return {
    name: spec?.name ?? `${cluster}-${service}-`,
    description: spec?.description ?? '',
    metricName: spec?.metric?.metricName ?? 'CPUUtilization',
    statistic: spec?.metric?.statistic ?? 'Average',
    period: String(spec?.metric?.period ?? 300),
    threshold: spec ? String(spec.threshold) : '',
    comparison: spec?.comparison ?? 'GreaterThanThreshold',
    evaluationPeriods: String(spec?.evaluationPeriods ?? 1),
    datapointsToAlarm: String(spec?.datapointsToAlarm ?? spec?.evaluationPeriods ?? 1),
    treatMissingData: spec?.treatMissingData ?? 'missing',
  };
}

/** The spec the draft makes, or what is wrong with it (checked again by the server, which has the last word). */
function specOf(draft: Draft, base: AlarmSpec | null, cluster: string, service: string, lb: LoadBalancerDimensions | null): { spec: AlarmSpec | null; problems: Partial<Record<keyof Draft, string>> } {
  const problems: Partial<Record<keyof Draft, string>> = {};
  const int = (v: string) => (/^\d+$/.test(v.trim()) ? Number(v) : NaN);
  const threshold = draft.threshold.trim() === '' ? NaN : Number(draft.threshold);
  if (!draft.name.trim() || draft.name.trim() !== draft.name) problems.name = 'a name, without leading or trailing spaces';
  if (!Number.isFinite(threshold)) problems.threshold = 'a number';
  const periods = int(draft.evaluationPeriods);
  if (!(periods >= 1 && periods <= 100)) problems.evaluationPeriods = '1 to 100';
  const datapoints = int(draft.datapointsToAlarm);
  if (!(datapoints >= 1 && datapoints <= periods)) problems.datapointsToAlarm = `1 to ${Number.isNaN(periods) ? 'the periods' : periods}`;
  const period = int(draft.period);
  const math = !!base?.metrics;
  if (!math && !(period === 10 || period === 20 || period === 30 || (period >= 60 && period % 60 === 0 && period <= 86_400))) problems.period = '10, 20, 30 or a multiple of 60';
  if (Object.keys(problems).length) return { spec: null, problems };
  const metric = math
    ? undefined
    : base?.metric
      ? { ...base.metric, statistic: draft.statistic, period }
      : ALB_METRICS.some((m) => m.metricName === draft.metricName) && lb
        ? { namespace: 'AWS/ApplicationELB', metricName: draft.metricName, dimensions: [{ name: 'LoadBalancer', value: lb.loadBalancer }, { name: 'TargetGroup', value: lb.targetGroup }], statistic: draft.statistic, period }
        : { namespace: 'AWS/ECS', metricName: draft.metricName, dimensions: [{ name: 'ClusterName', value: cluster }, { name: 'ServiceName', value: service }], statistic: draft.statistic, period };
  return {
    spec: {
      name: draft.name,
      ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
      ...(metric ? { metric } : { metrics: base!.metrics }),
      threshold,
      comparison: draft.comparison,
      evaluationPeriods: periods,
      datapointsToAlarm: datapoints,
      treatMissingData: draft.treatMissingData,
      ...(base?.alarmActions ? { alarmActions: base.alarmActions } : {}),
      ...(base?.actionsEnabled !== undefined ? { actionsEnabled: base.actionsEnabled } : {}),
    },
    problems,
  };
}

/**
 * A new alarm on one of the service's ECS metrics, or an existing alarm's condition changed
 * (its metric stays; a metric-math alarm keeps its expression). "Review plan" hands the spec to
 * the action dialog, whose plan shows the exact change and command.
 */
export function AlarmEditor({
  cluster,
  service,
  loadBalancer,
  existing,
  onReview,
  onCancel,
}: {
  cluster: string;
  service: string;
  loadBalancer: LoadBalancerDimensions | null;
  existing: AlarmSpec | null;
  onReview: (spec: AlarmSpec) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(() => draftOf(existing, cluster, service));
  const { spec, problems } = specOf(draft, existing, cluster, service, loadBalancer);
  const metrics = loadBalancer ? [...ECS_METRICS, ...ALB_METRICS] : ECS_METRICS;
  const set = <K extends keyof Draft>(field: K) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [field]: e.target.value as Draft[K] }));
  const math = !!existing?.metrics;

  return (
    <form
      data-testid="alarm-editor"
      className="flex flex-col gap-2 border-b border-border bg-surface-2/40 px-4 py-3 text-[12px]"
      onSubmit={(e) => {
        e.preventDefault();
        if (spec) onReview(spec);
      }}
    >
      <p className="font-semibold">{existing ? <>Change <span className="font-mono">{existing.name}</span></> : 'New alarm'}</p>
      {!existing && (
        <Row label="Name" problem={problems.name}>
          <input data-testid="alarm-name" value={draft.name} onChange={set('name')} maxLength={255} className={cn(controlClass, 'w-full font-mono')} />
        </Row>
      )}
      <Row label="Metric">
        {existing ? (
          <span className="font-mono text-fg-muted">{math ? (existing.metrics!.find((q) => q.returnData !== false)?.expression ?? 'metric math') : `${existing.metric!.namespace} ${existing.metric!.metricName}`}</span>
        ) : (
          <select data-testid="alarm-metric" value={draft.metricName} onChange={set('metricName')} className={controlClass}>
            {metrics.map((m) => (
              <option key={m.metricName} value={m.metricName}>
                {m.label}
              </option>
            ))}
          </select>
        )}
      </Row>
      {!math && (
        <Row label="Statistic, period (s)" problem={problems.period}>
          <span className="flex gap-2">
            <select data-testid="alarm-statistic" value={draft.statistic} onChange={set('statistic')} className={controlClass}>
              {[...new Set([draft.statistic, ...STATISTICS])].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
            <input data-testid="alarm-period" value={draft.period} onChange={set('period')} inputMode="numeric" className={cn(controlClass, 'w-20 tabular-nums')} />
          </span>
        </Row>
      )}
      <Row label="Condition" problem={problems.threshold}>
        <span className="flex gap-2">
          <select data-testid="alarm-comparison" value={draft.comparison} onChange={set('comparison')} className={controlClass} aria-label="Comparison">
            {COMPARISONS.map((c) => (
              <option key={c} value={c}>
                {COMPARISON_WORD[c]}
              </option>
            ))}
          </select>
          <input data-testid="alarm-threshold" value={draft.threshold} onChange={set('threshold')} inputMode="decimal" aria-label="Threshold" className={cn(controlClass, 'w-24 tabular-nums')} />
        </span>
      </Row>
      <Row label="Datapoints of periods" problem={problems.datapointsToAlarm ?? problems.evaluationPeriods}>
        <span className="flex items-center gap-2">
          <input data-testid="alarm-datapoints" value={draft.datapointsToAlarm} onChange={set('datapointsToAlarm')} inputMode="numeric" aria-label="Datapoints to alarm" className={cn(controlClass, 'w-14 tabular-nums')} />
          of
          <input data-testid="alarm-evaluation-periods" value={draft.evaluationPeriods} onChange={set('evaluationPeriods')} inputMode="numeric" aria-label="Evaluation periods" className={cn(controlClass, 'w-14 tabular-nums')} />
        </span>
      </Row>
      <Row label="Missing data">
        <select value={draft.treatMissingData} onChange={set('treatMissingData')} className={controlClass}>
          {TREAT_MISSING_DATA.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </Row>
      <Row label="Description">
        <input value={draft.description} onChange={set('description')} maxLength={1024} className={cn(controlClass, 'w-full')} />
      </Row>
      <div className="flex justify-end gap-2">
        <button type="button" onClick={onCancel} className={buttonClass}>
          Cancel
        </button>
        <button type="submit" data-testid="alarm-review" disabled={!spec} className={primaryButtonClass}>
          Review plan
        </button>
      </div>
    </form>
  );
}

function Row({ label, problem, children }: { label: string; problem?: string; children: ReactNode }) {
  return (
    <label className="grid grid-cols-[140px_minmax(0,1fr)] items-center gap-2">
      <span className="text-fg-muted">{label}</span>
      <span className="flex flex-col gap-0.5">
        {children}
        {problem && <span className="text-down-fg">{problem}</span>}
      </span>
    </label>
  );
}
