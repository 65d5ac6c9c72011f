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

/**
 * `nginx:1.27` → '1.27', `repo:v2@sha256:…` → 'v2' (pinned by digest, named by its tag, as Codeflow
 * registers deploys), `repo@sha256:…` → 'sha256:…', `repo` → 'latest'. Registry ports are not tags.
 */
export function imageTagOf(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  if (colon >= 0) return name.slice(colon + 1);
  return at >= 0 ? image.slice(at + 1) : 'latest';
}

/** CloudWatch's LoadBalancer dimension value of a load balancer: `arn:…:loadbalancer/app/name/id` → `app/name/id`. */
export const loadBalancerDimension = (arn: string) => arn.slice(arn.indexOf('loadbalancer/') + 'loadbalancer/'.length);

/** CloudWatch's TargetGroup dimension value of a target group: `arn:…:targetgroup/name/id` → `targetgroup/name/id`. */
export const targetGroupDimension = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);
