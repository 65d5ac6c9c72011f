import { imageTagOf, parseTaskDefinitionArn } from '../aws/arn';
import type { AwsClients } from '../aws/client';
import { describeServiceDeployments, describeServiceRevisions, listServiceDeployments } from '../aws/ecs';
import type { ServiceDeploymentRecord, TaskDefinition } from '../aws/types';
import { createTaskDefinitionCache, type TaskDefinitionCache } from './task-definitions';

/** A task definition revision as people name it: `codeflow:3 (v1.5.1-crash)`. */
export interface RevisionName {
  taskDefinitionArn: string;
  family: string | null;
  revision: number | null;
  imageTag: string | null;
  label: string;
}

/** How a deployment ended, in the words the service page and the charts use. */
export type DeploymentOutcome = 'in-progress' | 'succeeded' | 'failed' | 'rolled-back' | 'stopped';

/** One ECS service deployment (ListServiceDeployments + DescribeServiceDeployments), with its revision named. */
export interface DeploymentHistoryEntry {
  arn: string;
  status: string;
  outcome: DeploymentOutcome;
  statusReason: string | null;
  revision: RevisionName | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Tasks that failed to start, as the circuit breaker counted them; null when ECS did not say. */
  failedTasks: number | null;
  rollbackReason: string | null;
}

/** How many of the newest deployments the service page keeps (ECS keeps 90 days of them). */
export const HISTORY_SHOWN = 12;

export function outcomeOf(status: string): DeploymentOutcome {
  if (status === 'SUCCESSFUL') return 'succeeded';
  // The deployment that was rolled back failed; ECS names it ROLLBACK_* once the breaker (or someone) steps in.
  if (status.startsWith('ROLLBACK_')) return 'rolled-back';
  if (status === 'STOPPED' || status === 'STOP_REQUESTED') return 'stopped';
  if (status === 'PENDING' || status === 'IN_PROGRESS') return 'in-progress';
  return 'failed';
}

export function revisionName(taskDefinitionArn: string, td: Pick<TaskDefinition, 'containers'> | null): RevisionName {
  const parsed = parseTaskDefinitionArn(taskDefinitionArn);
  const image = td ? (td.containers.find((c) => c.essential) ?? td.containers[0])?.image ?? null : null;
  const imageTag = image ? imageTagOf(image) : null;
  const base = parsed ? `${parsed.family}:${parsed.revision}` : taskDefinitionArn.slice(taskDefinitionArn.lastIndexOf('/') + 1);
  return { taskDefinitionArn, family: parsed?.family ?? null, revision: parsed?.revision ?? null, imageTag, label: imageTag ? `${base} (${imageTag})` : base };
}

/**
 * The service's deployments, newest first: the `limit` newest, or those that started or finished
 * after `since`. Failed and rolled-back ones stay listed after the breaker has moved on (the
 * service's own `deployments` forget them). Revisions are named through DescribeServiceRevisions
 * and the (immutable, cached) task definitions.
 */
export async function listDeploymentHistory(
  aws: AwsClients,
  taskDefinitions: TaskDefinitionCache,
  cluster: string,
  service: string,
  opts: { limit?: number; since?: Date } = {},
): Promise<DeploymentHistoryEntry[]> {
  const limit = opts.limit ?? HISTORY_SHOWN;
  const since = opts.since?.getTime();
  const brief = (await listServiceDeployments(aws, cluster, service))
    .filter((d) => since === undefined || Math.max(at(d.finishedAt), at(d.startedAt ?? d.createdAt)) >= since || d.finishedAt === null)
    .slice(0, limit);
  if (brief.length === 0) return [];
  const full = await describeServiceDeployments(aws, brief.map((d) => d.arn));
  const byArn = new Map(full.map((d) => [d.arn, d]));
  const records = brief.map((b) => byArn.get(b.arn) ?? b);
  const names = await nameRevisions(aws, records, taskDefinitions);
  return records.map((d) => toEntry(d, names));
}

/**
 * Each deployment's target service revision named `family:rev (image tag)`, keyed by the service
 * revision ARN (an opaque number that tells a responder nothing).
 */
export async function nameRevisions(aws: AwsClients, records: readonly ServiceDeploymentRecord[], taskDefinitions: TaskDefinitionCache = sharedTaskDefinitions): Promise<Map<string, RevisionName>> {
  const revisionArns = [...new Set(records.flatMap((d) => (d.targetServiceRevisionArn ? [d.targetServiceRevisionArn] : [])))];
  if (revisionArns.length === 0) return new Map();
  const revisions = await describeServiceRevisions(aws, revisionArns);
  const tds = new Map<string, TaskDefinition | null>();
  await Promise.all(
    [...new Set(revisions.map((r) => r.taskDefinitionArn))].map(async (arn) => {
      // A deregistered or unreadable revision is still named by its ARN.
      tds.set(arn, await taskDefinitions.get(aws, arn).catch(() => null));
    }),
  );
  return new Map(revisions.map((r) => [r.arn, revisionName(r.taskDefinitionArn, tds.get(r.taskDefinitionArn) ?? null)]));
}

// For callers without a fleet context (incident timelines): task definitions never change once registered.
const sharedTaskDefinitions = createTaskDefinitionCache(500);

function toEntry(d: ServiceDeploymentRecord, names: Map<string, RevisionName>): DeploymentHistoryEntry {
  return {
    arn: d.arn,
    status: d.status,
    outcome: outcomeOf(d.status),
    statusReason: d.statusReason,
    revision: d.targetServiceRevisionArn ? (names.get(d.targetServiceRevisionArn) ?? null) : null,
    startedAt: d.startedAt ?? d.createdAt,
    finishedAt: d.finishedAt,
    failedTasks: d.circuitBreaker ? d.circuitBreaker.failureCount : null,
    rollbackReason: d.rollback?.reason ?? null,
  };
}

const at = (iso: string | null) => (iso ? Date.parse(iso) || 0 : 0);
