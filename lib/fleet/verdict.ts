import { parseTaskDefinitionArn } from '../aws/arn';
import { formatSpan } from '../format/duration';
import type { Deployment, Service } from '../aws/types';
import type { LatestMetrics, Signal, Verdict } from './types';

export interface Assessment {
  verdict: Verdict;
  reasons: string[];
}

/**
 * How an on-call engineer would read a service, first match wins:
 *
 * 1. Not ACTIVE (DRAINING, INACTIVE) → unknown: the service is being deleted or is gone, its
 *    counts no longer mean anything.
 * 2. Circuit-breaker rollback in progress (a new PRIMARY while an older deployment FAILED, or a
 *    "rolling back" event since the primary started) → deploying, saying why it rolls back.
 * 3. Primary rollout FAILED (no rollback configured) → down when nothing runs, else degraded.
 * 4. Crash loop (the primary rollout keeps failing tasks, at least twice its desired count and never
 *    fewer than five, and no older deployment still serves) → down, whatever the running count says
 *    this second: a task that starts and dies ten seconds later serves nobody, and a verdict that
 *    flips Down ↔ Deploying with each restart is noise on the overview.
 * 5. Rollout in progress (primary IN_PROGRESS or several deployments holding tasks) → deploying,
 *    unless nothing runs at all while an old version is being replaced or tasks keep failing
 *    (a crash loop): users see an outage, so down. A new service's first clean rollout stays deploying.
 * 6. Settled: desired > 0 and none running → down; fewer than desired → degraded.
 * 7. Otherwise healthy. A settled service whose current deployment is a completed circuit-breaker
 *    rollback keeps a note saying so until the next deployment: the last deploy failed.
 *    Desired 0 is healthy (someone scaled it to zero on purpose; alarms, not
 *    the verdict, catch a wrong scale) with a note, so it does not look like a running service.
 */
export function assessService(service: Service): Assessment {
  if (service.status !== 'ACTIVE') {
    const why = service.status === 'INACTIVE' ? 'deleted' : service.status === 'DRAINING' ? 'being deleted' : 'not active';
    return { verdict: 'unknown', reasons: [`service is ${service.status} (${why})`] };
  }

  const { desiredCount: desired, runningCount: running } = service;
  const counts = `running ${running} of ${desired}`;
  const nothingRuns = desired > 0 && running === 0;
  const primary = primaryOf(service);
  const holding = activeDeploymentCount(service);

  if (primary && primary.rolloutState === 'IN_PROGRESS' && isRollingBack(service, primary)) {
    const failed = service.deployments.find((d) => d !== primary && d.rolloutState === 'FAILED');
    const reason = failed?.rolloutStateReason ? `: ${failed.rolloutStateReason}` : '';
    const reasons = [`rolling back to ${revisionLabel(primary)}${reason}`, progress(primary), ...(failed ? failedTasks(failed) : [])];
    return nothingRuns ? { verdict: 'down', reasons: [counts, ...reasons] } : { verdict: 'deploying', reasons };
  }

  if (primary?.rolloutState === 'FAILED') {
    const reasons = [`rollout FAILED: ${primary.rolloutStateReason ?? 'no reason given'}`];
    if (running < desired) reasons.push(counts);
    return { verdict: nothingRuns ? 'down' : 'degraded', reasons };
  }

  if (primary && isCrashLooping(service, primary)) {
    return { verdict: 'down', reasons: [crashLoopReason(primary), counts, `rolling out ${revisionLabel(primary)}`] };
  }

  if (primary && (primary.rolloutState === 'IN_PROGRESS' || holding > 1)) {
    const reasons = [`rolling out ${revisionLabel(primary)}: ${primary.runningCount} of ${primary.desiredCount} running`, ...failedTasks(primary)];
    if (nothingRuns && (holding > 1 || primary.failedTasks > 0)) return { verdict: 'down', reasons: [counts, ...reasons] };
    return { verdict: 'deploying', reasons };
  }

  const rolledBack = primary && primary.rolloutState === 'COMPLETED' ? rolledBackNote(service, primary) : [];
  if (nothingRuns) return { verdict: 'down', reasons: [counts, ...rolledBack] };
  if (running < desired) return { verdict: 'degraded', reasons: [counts, ...rolledBack] };
  if (desired === 0) return { verdict: 'healthy', reasons: running > 0 ? [`scaling to zero: ${running} still running`] : ['scaled to zero'] };
  return { verdict: 'healthy', reasons: rolledBack };
}

export function primaryOf(service: Service): Deployment | undefined {
  return service.deployments.find((d) => d.status === 'PRIMARY');
}

/** Deployments still holding tasks; the primary always counts. 1 when settled. */
export function activeDeploymentCount(service: Service): number {
  return service.deployments.filter((d) => d.status === 'PRIMARY' || d.runningCount + d.pendingCount > 0).length;
}

function isRollingBack(service: Service, primary: Deployment): boolean {
  if (service.deployments.some((d) => d !== primary && d.rolloutState === 'FAILED')) return true;
  // ECS says "rolling back" in an event; only events since the primary started are about it.
  const since = primary.createdAt ? Date.parse(primary.createdAt) : Number.NEGATIVE_INFINITY;
  return service.events.some(
    (e) => /rolling back|rolled back|rollback/i.test(e.message) && (e.createdAt === null || Date.parse(e.createdAt) >= since),
  );
}

/** Fewer failures than this are a rollout's teething (a slow health check, one bad host), not a loop. */
export const CRASH_LOOP_MIN_FAILED = 5;

function isCrashLooping(service: Service, primary: Deployment): boolean {
  if (primary.rolloutState !== 'IN_PROGRESS') return false;
  if (primary.failedTasks < Math.max(CRASH_LOOP_MIN_FAILED, 2 * primary.desiredCount)) return false;
  // An older revision still running means users are served by it: a failing rollout, not an outage.
  return !service.deployments.some((d) => d !== primary && d.runningCount > 0);
}

/** "crash loop, 93 tasks failed in 30 min": over the rollout so far (ECS counts failures per deployment). */
function crashLoopReason(primary: Deployment): string {
  const from = primary.createdAt ? Date.parse(primary.createdAt) : Number.NaN;
  const to = primary.updatedAt ? Date.parse(primary.updatedAt) : Number.NaN;
  const span = Number.isFinite(from) && Number.isFinite(to) && to > from ? ` in ${formatSpan(to - from)}` : ' since the rollout began';
  return `crash loop, ${primary.failedTasks} tasks failed${span}`;
}

function revisionLabel(d: Deployment): string {
  const parsed = parseTaskDefinitionArn(d.taskDefinitionArn);
  return parsed ? `${parsed.family}:${parsed.revision}` : 'the new revision';
}

function progress(d: Deployment): string {
  return `${d.runningCount} of ${d.desiredCount} running`;
}

function failedTasks(d: Deployment): string[] {
  if (d.failedTasks <= 0) return [];
  return [d.failedTasks === 1 ? '1 task failed to start' : `${d.failedTasks} tasks failed to start`];
}

/**
 * ECS announces a circuit-breaker rollback with "rolling back to deployment <id>"; when <id> is the
 * current primary, the service is running the version it fell back to.
 */
function rolledBackNote(service: Service, primary: Deployment): string[] {
  const announced = service.events.find((e) => e.message.includes(`rolling back to deployment ${primary.id}`));
  if (!announced) return [];
  // Events are newest first: the failure that caused the rollback was announced at or before it.
  const failed = service.events.slice(service.events.indexOf(announced)).find((e) => e.message.includes('deployment failed: '));
  const why = failed?.message.match(/deployment failed: (.*?)\.?$/)?.[1];
  return [`rolled back to ${revisionLabel(primary)}${why ? ` after a failed deployment: ${why}` : ' after a failed deployment'}`];
}

export type { LatestMetrics, Signal } from './types';

export interface TelemetryInput {
  /** null when CloudWatch metrics could not be read (then `metricsError` says why). */
  metrics: LatestMetrics | null;
  metricsError?: string | null;
  /** Alarms of the service in ALARM; null when alarms could not be read. */
  alarmsInAlarm: string[] | null;
  alarmsError?: string | null;
  /** Open HIGH/CRITICAL GuardDuty findings; null when GuardDuty could not be read. */
  findings: { highest: 'HIGH' | 'CRITICAL'; count: number } | null;
  findingsError?: string | null;
  /** Whether the service sits behind a load balancer (target counts mean something). */
  hasTargets: boolean;
  desiredCount: number;
}

/** The deployment guide's §4.3 targets and §5.1 rollback triggers. */
export const THRESHOLDS = {
  p95Ms: { warn: 200, critical: 500 },
  errorRatePct: { warn: 1, critical: 5 },
  cpuPct: { warn: 70 },
  memoryPct: { warn: 80 },
} as const;

const round = (v: number) => (v >= 100 ? Math.round(v) : Math.round(v * 10) / 10);
const pct = (v: number) => `${round(v)} %`;

/**
 * What the telemetry says about a service, worst first. Rollback triggers (p95 > 500 ms, 5xx > 5 %),
 * alarms in ALARM and no healthy target are critical; the guide's targets (p95 > 200 ms, 5xx > 1 %,
 * CPU > 70 %, memory > 80 %), unhealthy targets and open HIGH/CRITICAL findings are warnings. A
 * source that could not be read is an `info` signal saying so; the others still count.
 */
export function telemetrySignals(t: TelemetryInput): Signal[] {
  const out: Signal[] = [];
  const m = t.metrics;
  if (m) {
    if (m.p95Ms !== null) {
      if (m.p95Ms > THRESHOLDS.p95Ms.critical) out.push({ level: 'critical', source: 'metrics', text: `p95 ${Math.round(m.p95Ms)} ms > ${THRESHOLDS.p95Ms.critical} ms` });
      else if (m.p95Ms > THRESHOLDS.p95Ms.warn) out.push({ level: 'warn', source: 'metrics', text: `p95 ${Math.round(m.p95Ms)} ms > ${THRESHOLDS.p95Ms.warn} ms` });
    }
    if (m.errorRatePct !== null) {
      if (m.errorRatePct > THRESHOLDS.errorRatePct.critical) out.push({ level: 'critical', source: 'metrics', text: `5xx ${pct(m.errorRatePct)} > ${THRESHOLDS.errorRatePct.critical} %` });
      else if (m.errorRatePct > THRESHOLDS.errorRatePct.warn) out.push({ level: 'warn', source: 'metrics', text: `5xx ${pct(m.errorRatePct)} > ${THRESHOLDS.errorRatePct.warn} %` });
    }
    if (t.hasTargets && t.desiredCount > 0 && m.healthyTargets !== null && Math.round(m.healthyTargets) === 0) {
      out.push({ level: 'critical', source: 'metrics', text: 'no healthy targets' });
    } else if (m.unhealthyTargets !== null && Math.round(m.unhealthyTargets) > 0) {
      const n = Math.round(m.unhealthyTargets);
      out.push({ level: 'warn', source: 'metrics', text: `${n} unhealthy target${n === 1 ? '' : 's'}` });
    }
    if (m.cpuPct !== null && m.cpuPct > THRESHOLDS.cpuPct.warn) out.push({ level: 'warn', source: 'metrics', text: `CPU ${pct(m.cpuPct)} > ${THRESHOLDS.cpuPct.warn} %` });
    if (m.memoryPct !== null && m.memoryPct > THRESHOLDS.memoryPct.warn) out.push({ level: 'warn', source: 'metrics', text: `memory ${pct(m.memoryPct)} > ${THRESHOLDS.memoryPct.warn} %` });
  } else {
    out.push({ level: 'info', source: 'metrics', text: `metrics unavailable${t.metricsError ? `: ${t.metricsError}` : ''}` });
  }
  if (t.alarmsInAlarm) {
    for (const name of t.alarmsInAlarm) out.push({ level: 'critical', source: 'alarms', text: `alarm ${name} in ALARM` });
  } else {
    out.push({ level: 'info', source: 'alarms', text: `alarms unavailable${t.alarmsError ? `: ${t.alarmsError}` : ''}` });
  }
  if (t.findings) {
    if (t.findings.count > 0) out.push({ level: 'warn', source: 'findings', text: `${t.findings.count} open ${t.findings.highest === 'CRITICAL' ? 'CRITICAL' : 'HIGH'}${t.findings.highest === 'CRITICAL' && t.findings.count > 1 ? '/HIGH' : ''} finding${t.findings.count === 1 ? '' : 's'}` });
  } else {
    out.push({ level: 'info', source: 'findings', text: `findings unavailable${t.findingsError ? `: ${t.findingsError}` : ''}` });
  }
  const rank = { critical: 0, warn: 1, info: 2 } as const;
  return out.sort((a, b) => rank[a.level] - rank[b.level]);
}

/**
 * The ECS verdict with the telemetry folded in. A critical signal makes a healthy service, or one
 * whose rollout trips a rollback trigger, degraded; a down or unknown service stays as it is. Its
 * reasons come first when it changed the verdict (they are why), after the ECS reasons otherwise.
 * Warnings and notes are listed without changing the verdict.
 */
export function withSignals(assessment: Assessment, signals: readonly Signal[]): Assessment {
  const critical = signals.filter((s) => s.level === 'critical').map((s) => s.text);
  const rest = signals.filter((s) => s.level !== 'critical').map((s) => s.text);
  if (critical.length > 0 && (assessment.verdict === 'healthy' || assessment.verdict === 'deploying')) {
    return { verdict: 'degraded', reasons: [...critical, ...assessment.reasons, ...rest] };
  }
  return { verdict: assessment.verdict, reasons: [...assessment.reasons, ...critical, ...rest] };
}
