/** "codeflow-service:12" from a task definition ARN (or the ARN itself when it has no such tail). */
export function taskDefinitionLabel(arn: string): string {
  const tail = arn.split('/').pop();
  return tail && tail.includes(':') ? tail : arn;
}

/**
 * "codeflow:3 (v1.5.1-crash)": a revision as people name it, family:rev with the image tag of the
 * task's (or definition's) main container when known.
 */
export function revisionLabel(arn: string, image: string | null | undefined): string {
  const base = taskDefinitionLabel(arn);
  if (!image) return base;
  const at = image.indexOf('@');
  const colon = image.indexOf(':', image.lastIndexOf('/') + 1);
  const tag = at >= 0 ? image.slice(at + 1, at + 20) : colon >= 0 ? image.slice(colon + 1) : 'latest';
  return `${base} (${tag})`;
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
