/** ARN helpers that need no SDK: safe to import from client components too. */

/** `arn:aws:ecs:us-east-1:123:task-definition/web:42` → { family: 'web', revision: 42 }. */
export function parseTaskDefinitionArn(arn: string): { family: string; revision: number } | null {
  const m = /task-definition\/([^:/]+):(\d+)$/.exec(arn) ?? /^([^:/]+):(\d+)$/.exec(arn);
  if (!m) return null;
  return { family: m[1] as string, revision: Number(m[2]) };
}

/** Last path segment of an ARN (service, cluster, task id); returns the input when it is already a name. */
export function nameFromArn(arnOrName: string): string {
  const slash = arnOrName.lastIndexOf('/');
  if (arnOrName.startsWith('arn:') && slash >= 0) return arnOrName.slice(slash + 1);
  if (arnOrName.startsWith('arn:')) return arnOrName.slice(arnOrName.lastIndexOf(':') + 1);
  return arnOrName;
}

/** `nginx:1.27` → '1.27', `repo@sha256:…` → 'sha256:…', `repo` → 'latest'. Registry ports are not tags. */
export function imageTagOf(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1);
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon >= 0 ? image.slice(colon + 1) : 'latest';
}
