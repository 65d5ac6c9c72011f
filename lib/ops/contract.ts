import { z } from 'zod';
import { alarmsChangeSchema } from './alarm-contract';

/**
 * The operation kinds, statuses and request shape, defined once: the database columns, the API's
 * validation, the console and the CLI all take their types from here.
 */
export const OPERATION_KINDS = ['deploy', 'rollback', 'scale', 'restart', 'switch-traffic', 'alarms'] as const;
export const operationKindSchema = z.enum(OPERATION_KINDS, { error: `kind must be one of ${OPERATION_KINDS.join(', ')}` });
export type OperationKind = z.infer<typeof operationKindSchema>;

export const OPERATION_STATUSES = [
  'awaiting_approval',
  'executing',
  'verifying',
  'paused' /* at a PAUSE hook */,
  'succeeded',
  'failed',
  'rolled_back',
  'rejected',
  'expired',
  'cancelled',
  'outcome_unknown',
] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/** The hard ceiling of any desired count the API accepts (the policy's own limit is usually lower). */
export const MAX_DESIRED_COUNT = 5000;
/** The policy's `hardMaxDesiredCount` when the config does not set one: no desired count above it, in any environment. */
export const DEFAULT_HARD_MAX_DESIRED_COUNT = 100;

/**
 * What is wrong with a desired count, with the numbers ("101 is above the limit of 100 tasks"), or
 * null. The one wording of these messages: the API's 400s (`fields`), the plan's scale-bounds guard
 * and the console's dialog all use it, against the policy's limit where it is known and the API's
 * ceiling otherwise.
 */
export function desiredCountIssue(count: number, limit: number | { min?: number; max: number } = MAX_DESIRED_COUNT): string | null {
  const { min = 0, max } = typeof limit === 'number' ? { max: limit } : limit;
  if (!Number.isFinite(count)) return `${count} is not a number of tasks`;
  if (!Number.isInteger(count)) return `${count} is not a whole number of tasks`;
  if (count < min) return `${count} is below the minimum of ${min} tasks`;
  if (count > max) return `${count} is above the limit of ${max} tasks`;
  return null;
}

/** What a client asks to plan (cluster and service come from the URL or the body). */
export const planRequestSchema = z
  .object({
    kind: operationKindSchema,
    /** deploy: full image reference, or a tag/digest applied to the current repository. */
    image: z.string().trim().min(1, 'image must not be empty').max(512, 'image is too long').optional(),
    /** deploy: which container (default: the essential/first one). */
    container: z.string().trim().min(1).max(255).optional(),
    /** rollback: task definition ARN or family:revision (default: previous completed). */
    revision: z.string().trim().min(1, 'revision must not be empty').max(1600).optional(),
    desiredCount: z
      .number({ error: 'desiredCount must be a number of tasks' })
      .superRefine((n, ctx) => {
        const issue = desiredCountIssue(n);
        if (issue) ctx.addIssue({ code: 'custom', message: issue });
      })
      .optional(),
    /** switch-traffic: target group name or ARN to send 100 % to. */
    targetGroup: z.string().trim().min(1).max(1600).optional(),
    /**
     * deploy / rollback: blue/green by listener switch (services without native BLUE_GREEN whose
     * listener forwards to two target groups). See lib/ops/bluegreen.ts.
     */
    trafficSwitch: z.boolean({ error: 'trafficSwitch must be true or false' }).optional(),
    /** alarms: the service's CloudWatch alarms to put, delete, or whose actions to turn on or off (lib/ops/alarm-contract.ts). */
    alarms: alarmsChangeSchema.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.kind === 'deploy' && !r.image) ctx.addIssue({ code: 'custom', path: ['image'], message: 'a deploy needs an image (a full reference, or a tag or digest for the current repository)' });
    if (r.trafficSwitch && r.kind !== 'deploy' && r.kind !== 'rollback') ctx.addIssue({ code: 'custom', path: ['trafficSwitch'], message: 'trafficSwitch applies to a deploy or a rollback' });
    if (r.kind === 'scale' && r.desiredCount === undefined) ctx.addIssue({ code: 'custom', path: ['desiredCount'], message: 'scaling needs a desiredCount' });
    if (r.kind === 'alarms' && !r.alarms) ctx.addIssue({ code: 'custom', path: ['alarms'], message: 'an alarms change needs alarms: { recommended, put, delete, enableActions, disableActions }' });
    if (r.alarms && r.kind !== 'alarms') ctx.addIssue({ code: 'custom', path: ['alarms'], message: 'alarms applies to kind "alarms" only' });
  });
export type PlanRequest = z.infer<typeof planRequestSchema>;
