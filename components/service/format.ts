/** "codeflow-service:12" from a task definition ARN (or the ARN itself when it has no such tail). */
export function taskDefinitionLabel(arn: string): string {
  const tail = arn.split('/').pop();
  return tail && tail.includes(':') ? tail : arn;
}

export function revisionOf(arn: string): string {
  const tail = taskDefinitionLabel(arn);
  const i = tail.lastIndexOf(':');
  return i === -1 ? tail : tail.slice(i + 1);
}

/** Task ids are 32 hex characters; the first 8 are how people refer to them. */
export function shortTaskId(id: string): string {
  return id.length > 12 ? id.slice(0, 8) : id;
}

/** ".../targetgroup/codeflow-blue/0123abcd" → "codeflow-blue". */
export function targetGroupNameFromArn(arn: string): string {
  const m = /targetgroup\/([^/]+)/.exec(arn);
  return m?.[1] ?? arn;
}
