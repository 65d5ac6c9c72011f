/** ECS cluster and service names: up to 255 letters, numbers, hyphens and underscores. */
export const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** Zod-free, so client components can check a name without bundling zod. */
export function isValidEcsName(name: string): boolean {
  return ECS_NAME.test(name);
}
