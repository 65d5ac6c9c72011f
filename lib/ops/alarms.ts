import { createHash } from 'node:crypto';
import { withAudit } from '../audit/with-audit';
import { deleteAlarms, describeAlarms, putMetricAlarm, setAlarmActionsEnabled } from '../aws/cloudwatch';
import { describeTargetGroups } from '../aws/elbv2';
import type { Service } from '../aws/types';
import type { Alarm, AlarmDefinition, DimensionsInput, MetricDimension, MetricQuery } from '../aws/telemetry-types';
import { invalidField } from '../errors';
import { describeCondition } from '../telemetry/alarms';
import { loadBalancerDimension, targetGroupDimension } from '../aws/arn';
import { recommendedAlarms, type LoadBalancedBy } from '../telemetry/recommended-alarms';
import { definitionOf, sortDims } from '../telemetry/alarm-spec';

export { definitionOf, specOf } from '../telemetry/alarm-spec';
import type { AlarmSpec, AlarmsChange } from './alarm-contract';
import type { OpsContext } from './context';
import type { EnvironmentPolicy } from './policy-config';
import type { AlarmPlanItem, AlarmsPlan, AlarmsTarget, ExecuteResult, ExecutionState, PlanChange } from './types';
import type { OperationRow } from './store';

/**
 * Changes to a service's CloudWatch alarms (guide §4.1) as an operation: planned from what
 * CloudWatch holds now (each alarm created, changed, unchanged, deleted, or its actions turned on or
 * off, with the exact AWS CLI command), executed one audited, fenced call at a time, and verified
 * by reading the alarms back. Alarms are the service's: every metric an alarm watches must be one of
 * this service's (its ECS ClusterName/ServiceName, or its load balancer target group), so the
 * service's lock covers them.
 */

/** What the plan of an alarms operation carries besides the generic fields. */
export interface AlarmsDraft {
  summary: string;
  changes: PlanChange[];
  alarms: AlarmsPlan;
  target: AlarmsTarget;
  /** Each alarm named, with a digest of its configuration now (null: it does not exist): what the fingerprint covers. */
  basis: Record<string, string | null>;
}

export async function planAlarms(ctx: OpsContext, cluster: string, service: Service, change: AlarmsChange, policy: EnvironmentPolicy, region: string): Promise<AlarmsDraft> {
  const groups = service.loadBalancers.map((b) => targetGroupDimension(b.targetGroupArn));
  const notes: string[] = [];
  const specs: { spec: AlarmSpec; recommended: boolean }[] = (change.put ?? []).map((spec) => ({ spec, recommended: false }));
  if (change.recommended) {
    const lb = await loadBalancedBy(ctx, service);
    const asked = new Set(specs.map((s) => s.spec.name));
    for (const spec of recommendedAlarms(cluster, service.name, lb, policy.thresholds)) if (!asked.has(spec.name)) specs.push({ spec, recommended: true });
    if (!lb) notes.push(`${service.name} has no load balancer target group: the latency and 5xx alarms need one, so only CPU and memory are recommended.`);
  }
  const named = [...specs.map((s) => s.spec.name), ...(change.delete ?? []), ...(change.enableActions ?? []), ...(change.disableActions ?? [])];
  const existing = new Map((await describeAlarms(ctx.aws, { names: named })).map((a) => [a.name, a]));
  const mine = (a: Alarm) => concernsService(definitionOf(a), cluster, service.name, groups);

  const items: AlarmPlanItem[] = [];
  const target: AlarmsTarget = { put: [], delete: [], enableActions: [], disableActions: [] };
  specs.forEach(({ spec, recommended }, i) => {
    // A refusal names the request's field: the put entry, or `recommended` for an alarm of the set.
    const field = (part: string) => (recommended ? 'alarms.recommended' : `alarms.put.${i}.${part}`);
    const foreign = firstForeignMetric(spec, cluster, service.name, groups);
    if (foreign) throw invalidField(field('metric'), `alarm "${spec.name}" watches ${foreign}, which is not ${service.name}'s: an alarm changed here watches ${service.name}'s metrics (ClusterName ${cluster} and ServiceName ${service.name}${groups.length ? `, or TargetGroup ${groups.join(' / ')}` : ''})`);
    const before = existing.get(spec.name);
    if (before && !mine(before)) throw invalidField(field('name'), `an alarm named "${spec.name}" already exists and watches another service's metrics; ${recommended ? 'rename or delete it to use the recommended set' : 'choose another name'}`);
    const def = definitionFrom(spec, before);
    if (spec.evaluationPeriods === undefined) notes.push(`${spec.name}: no evaluation periods given; CloudWatch requires them (the guide's §4.1 command leaves them out), so 1 is used.`);
    const differences = before ? differencesOf(definitionOf(before), def) : [];
    const action: AlarmPlanItem['action'] = !before ? 'create' : differences.length ? 'update' : 'unchanged';
    items.push({ name: spec.name, action, from: before ? describeCondition(before) : null, to: describeCondition(alarmOf(def)), differences, recommended, command: action === 'unchanged' ? null : putMetricAlarmCommand(def, region) });
    if (action !== 'unchanged') target.put.push(def);
  });
  const existingMine = (name: string, field: string) => {
    const alarm = existing.get(name);
    if (!alarm) throw invalidField(field, `CloudWatch has no alarm named "${name}" in ${region}`);
    if (!mine(alarm)) throw invalidField(field, `alarm "${name}" does not watch ${service.name}'s metrics; change it from the service it watches`);
    return alarm;
  };
  (change.delete ?? []).forEach((name, i) => {
    const alarm = existingMine(name, `alarms.delete.${i}`);
    items.push({ name, action: 'delete', from: describeCondition(alarm), to: null, differences: [], recommended: false, command: `aws cloudwatch delete-alarms --alarm-names ${shellQuote(name)} --region ${region}` });
    target.delete.push(name);
  });
  for (const [list, enabled] of [[change.enableActions ?? [], true], [change.disableActions ?? [], false]] as const) {
    list.forEach((name, i) => {
      const alarm = existingMine(name, `alarms.${enabled ? 'enableActions' : 'disableActions'}.${i}`);
      const condition = describeCondition(alarm);
      const same = alarm.actionsEnabled === enabled;
      items.push({
        name,
        action: same ? 'unchanged' : enabled ? 'enable-actions' : 'disable-actions',
        from: `${condition}; actions ${alarm.actionsEnabled ? 'on' : 'off'}`,
        to: `${condition}; actions ${enabled ? 'on' : 'off'}`,
        differences: same ? [] : [`actions ${alarm.actionsEnabled ? 'on' : 'off'} → ${enabled ? 'on' : 'off'}`],
        recommended: false,
        command: same ? null : `aws cloudwatch ${enabled ? 'enable' : 'disable'}-alarm-actions --alarm-names ${shellQuote(name)} --region ${region}`,
      });
      if (!same) (enabled ? target.enableActions : target.disableActions).push(name);
    });
  }

  const count = (a: AlarmPlanItem['action']) => items.filter((i) => i.action === a).length;
  const parts = [
    count('create') && `${count('create')} created`,
    count('update') && `${count('update')} changed`,
    count('delete') && `${count('delete')} deleted`,
    count('enable-actions') && `actions on for ${count('enable-actions')}`,
    count('disable-actions') && `actions off for ${count('disable-actions')}`,
    count('unchanged') && `${count('unchanged')} already as asked`,
  ].filter(Boolean);
  const verb: Record<AlarmPlanItem['action'], string> = { create: 'create', update: 'change', unchanged: 'unchanged', delete: 'delete', 'enable-actions': 'actions on', 'disable-actions': 'actions off' };
  return {
    summary: parts.join(', ') || 'nothing to change',
    changes: items.map((i) => ({ label: `${i.name} (${verb[i.action]})`, from: i.from, to: i.to })),
    alarms: { items, notes },
    target,
    basis: Object.fromEntries([...new Set(named)].sort().map((name) => [name, existing.has(name) ? digestOf(definitionOf(existing.get(name)!)) : null])),
  };
}

/** True when the plan changes nothing: every alarm is already as asked. */
export const changesNothing = (target: AlarmsTarget) => target.put.length + target.delete.length + target.enableActions.length + target.disableActions.length === 0;

/**
 * The calls, in order (puts, deletes, then actions on and off), each fenced and audited. Every call
 * is idempotent in effect (PutMetricAlarm replaces, actions on stay on), and a call already answered
 * is remembered in the execution, so a retry after a crash sends only what is left.
 */
export async function executeAlarms(
  ctx: OpsContext,
  row: OperationRow,
  fence: (action: string) => Promise<void>,
  audit: (action: string, params: Record<string, unknown>) => Parameters<typeof withAudit>[1],
  execution: ExecutionState,
  save: () => Promise<void>,
): Promise<ExecuteResult> {
  const target = row.plan.target?.alarms;
  if (!target) throw invalidField('request', 'the plan names no alarms to change');
  const done = new Set(execution.alarmCallsDone ?? []);
  const step = async (key: string, action: string, params: Record<string, unknown>, call: () => Promise<void>) => {
    if (done.has(key)) return;
    await fence(action);
    await withAudit(ctx.db, audit(`ops.alarms.${action.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())}`, params), call);
    done.add(key);
    execution.alarmCallsDone = [...done];
    delete execution.pendingCall;
    await save();
  };
  for (const def of target.put) await step(`put:${def.name}`, 'PutMetricAlarm', { alarm: def.name, condition: describeCondition(alarmOf(def)) }, () => putMetricAlarm(ctx.aws, def));
  if (target.delete.length) await step('delete', 'DeleteAlarms', { alarms: target.delete }, () => deleteAlarms(ctx.aws, target.delete));
  if (target.enableActions.length) await step('enable', 'EnableAlarmActions', { alarms: target.enableActions }, () => setAlarmActionsEnabled(ctx.aws, target.enableActions, true));
  if (target.disableActions.length) await step('disable', 'DisableAlarmActions', { alarms: target.disableActions }, () => setAlarmActionsEnabled(ctx.aws, target.disableActions, false));
  const calls = target.put.length + (target.delete.length ? 1 : 0) + (target.enableActions.length ? 1 : 0) + (target.disableActions.length ? 1 : 0);
  return { outcome: 'done', execution, detail: `${calls} CloudWatch call${calls === 1 ? '' : 's'}: ${row.plan.summary.replace(/^[^:]*: /, '')}` };
}

/** What CloudWatch shows that differs from the plan's target, alarm by alarm; empty when it is all applied. */
export async function alarmsNotApplied(ctx: OpsContext, target: AlarmsTarget): Promise<string[]> {
  const names = [...target.put.map((d) => d.name), ...target.delete, ...target.enableActions, ...target.disableActions];
  const now = new Map((await describeAlarms(ctx.aws, { names })).map((a) => [a.name, a]));
  const off: string[] = [];
  for (const def of target.put) {
    const alarm = now.get(def.name);
    if (!alarm) off.push(`${def.name} does not exist`);
    else {
      const d = differencesOf(definitionOf(alarm), def);
      if (d.length) off.push(`${def.name}: ${d.join(', ')}`);
    }
  }
  for (const name of target.delete) if (now.has(name)) off.push(`${name} still exists`);
  for (const name of target.enableActions) if (now.get(name) && !now.get(name)!.actionsEnabled) off.push(`${name}: actions still off`);
  for (const name of target.disableActions) if (now.get(name)?.actionsEnabled) off.push(`${name}: actions still on`);
  return off;
}

async function loadBalancedBy(ctx: OpsContext, service: Service): Promise<LoadBalancedBy | null> {
  const arn = service.loadBalancers[0]?.targetGroupArn;
  if (!arn) return null;
  const [group] = await describeTargetGroups(ctx.aws, { arns: [arn] });
  const lbArn = group?.loadBalancerArns[0];
  if (!lbArn) return null;
  return { loadBalancer: loadBalancerDimension(lbArn), targetGroup: targetGroupDimension(arn) };
}

/** The metrics an alarm definition reads, with their dimensions. */
function metricsOf(def: AlarmDefinition): { metricName: string; dimensions: readonly MetricDimension[] }[] {
  const asList = (d: DimensionsInput | undefined): readonly MetricDimension[] => (!d ? [] : Array.isArray(d) ? (d as readonly MetricDimension[]) : Object.entries(d as Record<string, string>).map(([name, value]) => ({ name, value })));
  if (def.metric) return [{ metricName: def.metric.metricName, dimensions: asList(def.metric.dimensions) }];
  return (def.metrics ?? []).filter((q) => q.metricName).map((q) => ({ metricName: q.metricName!, dimensions: asList(q.dimensions) }));
}

function watchesService(dimensions: readonly MetricDimension[], cluster: string, service: string, groups: readonly string[]): boolean {
  const get = (name: string) => dimensions.find((d) => d.name === name)?.value;
  if (get('ClusterName') === cluster && get('ServiceName') === service) return true;
  const group = get('TargetGroup');
  return group !== undefined && groups.includes(group);
}

function concernsService(def: AlarmDefinition, cluster: string, service: string, groups: readonly string[]): boolean {
  const metrics = metricsOf(def);
  return metrics.length > 0 && metrics.every((m) => watchesService(m.dimensions, cluster, service, groups));
}

/** "CPUUtilization (ClusterName=a, ServiceName=b)" for the first metric that is not this service's, or null. */
function firstForeignMetric(spec: AlarmSpec, cluster: string, service: string, groups: readonly string[]): string | null {
  const foreign = metricsOf(spec as AlarmDefinition).find((m) => !watchesService(m.dimensions, cluster, service, groups));
  return foreign ? `${foreign.metricName} (${foreign.dimensions.map((d) => `${d.name}=${d.value}`).join(', ') || 'no dimensions'})` : null;
}

/** The definition to put: the spec, with what it leaves out kept from the alarm as it is (actions, description) or CloudWatch's defaults. */
function definitionFrom(spec: AlarmSpec, before: Alarm | undefined): AlarmDefinition {
  const evaluationPeriods = spec.evaluationPeriods ?? 1;
  return {
    name: spec.name,
    description: spec.description ?? before?.description ?? undefined,
    ...(spec.metric ? { metric: { ...spec.metric, dimensions: sortDims(spec.metric.dimensions) } } : {}),
    ...(spec.metrics ? { metrics: spec.metrics.map((q) => ({ ...q, ...(q.dimensions ? { dimensions: sortDims(q.dimensions) } : {}) })) } : {}),
    threshold: spec.threshold,
    comparison: spec.comparison,
    evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm ?? evaluationPeriods,
    treatMissingData: spec.treatMissingData ?? before?.treatMissingData ?? 'missing',
    actionsEnabled: spec.actionsEnabled ?? before?.actionsEnabled ?? true,
    alarmActions: spec.alarmActions ?? before?.alarmActions ?? [],
    okActions: before?.okActions ?? [],
    insufficientDataActions: before?.insufficientDataActions ?? [],
  } as AlarmDefinition;
}

/** A definition seen as an alarm (for describeCondition). */
function alarmOf(def: AlarmDefinition): Alarm {
  const dims = (d: unknown) => (Array.isArray(d) ? (d as MetricDimension[]) : []);
  return {
    name: def.name,
    arn: '',
    description: def.description ?? null,
    state: 'INSUFFICIENT_DATA',
    reason: '',
    reasonData: null,
    updatedAt: null,
    configurationUpdatedAt: null,
    actionsEnabled: def.actionsEnabled ?? true,
    alarmActions: def.alarmActions ?? [],
    okActions: def.okActions ?? [],
    insufficientDataActions: def.insufficientDataActions ?? [],
    metric: def.metric ? { namespace: def.metric.namespace, metricName: def.metric.metricName, dimensions: dims(def.metric.dimensions), statistic: def.metric.statistic, period: def.metric.period, unit: null } : null,
    metrics: def.metrics
      ? def.metrics.map((q) => ({
          id: q.id,
          metric: q.metricName ? { namespace: q.namespace ?? '', metricName: q.metricName, dimensions: dims(q.dimensions), statistic: q.stat ?? '', period: q.period ?? 0, unit: null } : null,
          expression: q.expression ?? null,
          label: q.label ?? null,
          returnData: q.returnData ?? true,
          period: q.period ?? null,
        }))
      : null,
    threshold: def.threshold,
    comparison: def.comparison,
    evaluationPeriods: def.evaluationPeriods,
    datapointsToAlarm: def.datapointsToAlarm ?? null,
    treatMissingData: def.treatMissingData ?? null,
  } as Alarm;
}

/** The fields compared, each as text: what the plan lists as "threshold 80 → 70". */
function comparable(d: AlarmDefinition): Record<string, string> {
  const metricText = d.metric ? `${d.metric.namespace} ${d.metric.metricName} ${d.metric.statistic} ${d.metric.period} s [${(d.metric.dimensions as MetricDimension[]).map((x) => `${x.name}=${x.value}`).join(', ')}]` : '';
  const dimsText = (dims: DimensionsInput | undefined) => (Array.isArray(dims) ? sortDims(dims as MetricDimension[]).map((x) => `${x.name}=${x.value}`).join(',') : '');
  // Field by field in a fixed order: a query read back from CloudWatch and one from a request compare equal when they say the same.
  const mathText = d.metrics ? JSON.stringify(d.metrics.map((q) => [q.id, q.namespace ?? '', q.metricName ?? '', dimsText(q.dimensions), q.stat ?? '', q.period ?? '', q.expression ?? '', q.label ?? '', q.returnData ?? true])) : '';
  return {
    description: d.description ?? '',
    metric: metricText,
    'metric math': mathText,
    threshold: String(d.threshold),
    comparison: d.comparison,
    'evaluation periods': String(d.evaluationPeriods),
    'datapoints to alarm': String(d.datapointsToAlarm ?? d.evaluationPeriods),
    'missing data': d.treatMissingData ?? 'missing',
    actions: d.actionsEnabled === false ? 'off' : 'on',
    'alarm actions': [...(d.alarmActions ?? [])].sort().join(', ') || 'none',
  };
}

function differencesOf(before: AlarmDefinition, after: AlarmDefinition): string[] {
  const a = comparable(before);
  const b = comparable(after);
  return Object.keys(a)
    .filter((k) => a[k] !== b[k])
    .map((k) => (k === 'metric math' || (k === 'description' && (a[k]!.length > 60 || b[k]!.length > 60)) ? `${k} changed` : `${k} ${a[k] || '(none)'} → ${b[k] || '(none)'}`));
}

function digestOf(def: AlarmDefinition): string {
  return createHash('sha256').update(JSON.stringify(comparable(def))).digest('hex').slice(0, 16);
}

/** A word as the shell reads it: bare when it is safe, single-quoted otherwise. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const BASIC = new Set(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']);

/** The `aws cloudwatch put-metric-alarm` command that makes the same call, every required option given. */
export function putMetricAlarmCommand(def: AlarmDefinition, region: string): string {
  const q = shellQuote;
  const args = ['aws cloudwatch put-metric-alarm', `--alarm-name ${q(def.name)}`];
  if (def.description) args.push(`--alarm-description ${q(def.description)}`);
  if (def.metric) {
    const m = def.metric;
    args.push(`--namespace ${q(m.namespace)}`, `--metric-name ${q(m.metricName)}`, BASIC.has(m.statistic) ? `--statistic ${m.statistic}` : `--extended-statistic ${q(m.statistic)}`, `--period ${m.period}`);
    const dims = m.dimensions as MetricDimension[];
    if (dims.length) args.push(`--dimensions ${dims.map((d) => q(`Name=${d.name},Value=${d.value}`)).join(' ')}`);
  } else if (def.metrics) {
    const queries = def.metrics.map((m) =>
      m.expression !== undefined
        ? { Id: m.id, Expression: m.expression, ...(m.label ? { Label: m.label } : {}), ReturnData: m.returnData ?? true }
        : { Id: m.id, MetricStat: { Metric: { Namespace: m.namespace, MetricName: m.metricName, Dimensions: ((m.dimensions ?? []) as MetricDimension[]).map((d) => ({ Name: d.name, Value: d.value })) }, Period: m.period, Stat: m.stat }, ReturnData: m.returnData ?? true },
    );
    args.push(`--metrics ${q(JSON.stringify(queries))}`);
  }
  args.push(`--threshold ${def.threshold}`, `--comparison-operator ${def.comparison}`, `--evaluation-periods ${def.evaluationPeriods}`);
  if (def.datapointsToAlarm !== undefined && def.datapointsToAlarm !== def.evaluationPeriods) args.push(`--datapoints-to-alarm ${def.datapointsToAlarm}`);
  if (def.treatMissingData && def.treatMissingData !== 'missing') args.push(`--treat-missing-data ${def.treatMissingData}`);
  if (def.alarmActions?.length) args.push(`--alarm-actions ${def.alarmActions.map(q).join(' ')}`);
  if (def.okActions?.length) args.push(`--ok-actions ${def.okActions.map(q).join(' ')}`);
  if (def.insufficientDataActions?.length) args.push(`--insufficient-data-actions ${def.insufficientDataActions.map(q).join(' ')}`);
  if (def.actionsEnabled === false) args.push('--no-actions-enabled');
  args.push(`--region ${region}`);
  return args.join(' ');
}
