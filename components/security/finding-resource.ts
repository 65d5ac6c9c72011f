import type { FindingResource } from '@/lib/aws/findings-types';

/** The last segment of a task ARN: what `aws ecs describe-tasks` and the ECS console call the task. */
export function taskIdOf(taskArn: string | undefined): string | undefined {
  return taskArn ? taskArn.slice(taskArn.lastIndexOf('/') + 1) : undefined;
}

/** One line naming what a finding is about: the service, else the IAM principal of an access key, else the cluster. */
export function resourceHeadline(r: FindingResource): string {
  return r.service ?? r.principal ?? r.cluster ?? r.type;
}

/** The second line: where the service runs and which task, or the access key. */
export function resourceDetail(r: FindingResource): string | undefined {
  const task = taskIdOf(r.taskArn);
  const parts = [r.service ? r.cluster : undefined, task ? `task ${task.slice(0, 8)}` : undefined, r.accessKeyId].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** Everything about the resource, for the cell's tooltip. */
export function resourceTooltip(r: FindingResource): string {
  return [
    r.cluster && `cluster ${r.cluster}`,
    r.service && `service ${r.service}`,
    r.taskArn && `task ${r.taskArn}`,
    r.image && `image ${r.image}`,
    r.principal && `principal ${r.principal}`,
    r.accessKeyId && `access key ${r.accessKeyId}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** GuardDuty's console page for one finding: the action, network and process details Codeflow does not show. */
export function guardDutyConsoleUrl(region: string, findingId: string): string {
  const r = encodeURIComponent(region || 'us-east-1');
  return `https://${r}.console.aws.amazon.com/guardduty/home?region=${r}#/findings?macros=current&fId=${encodeURIComponent(findingId)}`;
}
