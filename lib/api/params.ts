import { z } from 'zod';
import { ECS_NAME } from './ecs-name';

function ecsName(kind: 'cluster' | 'service') {
  return z.string().regex(ECS_NAME, {
    error: (issue) =>
      `"${String(issue.input).slice(0, 80)}" is not a valid ECS ${kind} name; use 1–255 letters, numbers, hyphens (-) or underscores (_)`,
  });
}

export const clusterNameSchema = ecsName('cluster');
export const serviceNameSchema = ecsName('service');

export const serviceParamsSchema = z.object({
  cluster: clusterNameSchema,
  service: serviceNameSchema,
});

export type ServiceParams = z.infer<typeof serviceParamsSchema>;
