import { parseTaskDefinitionArn } from '../aws/arn';
import type { Deployment, Service } from '../aws/types';
import type { Verdict } from './types';

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
 * 4. Rollout in progress (primary IN_PROGRESS or several deployments holding tasks) → deploying,
 *    unless nothing runs at all while an old version is being replaced or tasks keep failing
 *    (a crash loop): users see an outage, so down. A new service's first clean rollout stays deploying.
 * 5. Settled: desired > 0 and none running → down; fewer than desired → degraded.
 * 6. Otherwise healthy. A settled service whose current deployment is a completed circuit-breaker
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

function revisionLabel(d: Deployment): string {
  const parsed = parseTaskDefinitionArn(d.taskDefinitionArn);
  return parsed ? `rev ${parsed.revision}` : 'the new revision';
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
