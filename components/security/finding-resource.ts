import type { FindingResource } from '@/lib/aws/findings-types';

/** The last segment of a task ARN: what `aws ecs describe-tasks` and the ECS console call the task. */
export function taskIdOf(taskArn: string | undefined): string | undefined {
  return taskArn ? taskArn.slice(taskArn.lastIndexOf('/') + 1) : undefined;
}

/** One line naming what a finding is about: `prod/api`, or the IAM principal for an access key. */
export function resourceHeadline(r: FindingResource): string {
  if (r.cluster && r.service) return `${r.cluster}/${r.service}`;
  if (r.cluster) return r.cluster;
  if (r.principal) return r.principal;
  return r.type;
}

/** The second line: the task and image, or the access key. */
export function resourceDetail(r: FindingResource): string | undefined {
  const task = taskIdOf(r.taskArn);
  const parts = [task ? `task ${task.slice(0, 12)}` : undefined, r.image ?? r.accessKeyId].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** GuardDuty's console page for one finding: the action, network and process details Codeflow does not show. */
export function guardDutyConsoleUrl(region: string, findingId: string): string {
  const r = encodeURIComponent(region || 'us-east-1');
  return `https://${r}.console.aws.amazon.com/guardduty/home?region=${r}#/findings?macros=current&fId=${encodeURIComponent(findingId)}`;
}
