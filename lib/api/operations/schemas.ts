import { z } from 'zod';
import { clusterNameSchema, serviceNameSchema } from '../params';

const kind = z.enum(['deploy', 'rollback', 'scale', 'restart', 'switch-traffic'], { error: 'kind must be one of deploy, rollback, scale, restart, switch-traffic' });

export const planRequestSchema = z
  .object({
    kind,
    image: z.string().trim().min(1, 'image must not be empty').max(512, 'image is too long').optional(),
    container: z.string().trim().min(1).max(255).optional(),
    revision: z.string().trim().min(1, 'revision must not be empty').max(1600).optional(),
    desiredCount: z
      .number({ error: 'desiredCount must be a number' })
      .int('desiredCount must be a whole number')
      .min(0, 'desiredCount must not be negative')
      .max(5000, 'desiredCount is above the hard limit')
      .optional(),
    targetGroup: z.string().trim().min(1).max(1600).optional(),
    trafficSwitch: z.boolean({ error: 'trafficSwitch must be true or false' }).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.kind === 'deploy' && !r.image) ctx.addIssue({ code: 'custom', path: ['image'], message: 'a deploy needs an image (a full reference, or a tag or digest for the current repository)' });
    if (r.trafficSwitch && r.kind !== 'deploy' && r.kind !== 'rollback') ctx.addIssue({ code: 'custom', path: ['trafficSwitch'], message: 'trafficSwitch applies to a deploy or a rollback' });
    if (r.kind === 'scale' && r.desiredCount === undefined) ctx.addIssue({ code: 'custom', path: ['desiredCount'], message: 'scaling needs a desiredCount' });
  });

const reason = z.string({ error: 'reason is required' }).trim().min(1, 'reason must not be empty: say why').max(500, 'reason must be at most 500 characters');
const confirmName = z.string({ error: 'confirmName is required: type the service name' }).min(1, 'confirmName must not be empty: type the service name');

export const submitOperationSchema = z
  .object({
    cluster: clusterNameSchema,
    service: serviceNameSchema,
    request: planRequestSchema,
    fingerprint: z.string({ error: 'fingerprint is required: plan first' }).min(1).max(4000),
    confirmName,
    reason,
    incidentId: z.string().trim().min(1).max(100).nullish(),
  })
  .strict();

export const idempotencyKeySchema = z
  .string({ error: 'Idempotency-Key header is required (8–128 characters)' })
  .min(8, 'Idempotency-Key header must be 8–128 characters')
  .max(128, 'Idempotency-Key header must be 8–128 characters')
  .regex(/^[\x21-\x7e]+$/, 'Idempotency-Key header must be printable ASCII without spaces');

export const listOperationsSchema = z.object({
  cluster: clusterNameSchema.optional(),
  service: serviceNameSchema.optional(),
  status: z.enum(['active', 'pending', 'finished']).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const operationIdSchema = z.object({ id: z.uuid({ error: 'id must be an operation id (a UUID)' }) });
export const approveSchema = z.object({ reason: z.string().trim().max(500).optional() }).strict();
export const rejectSchema = z.object({ reason }).strict();
export const proposalRollbackSchema = z.object({ confirmName, reason }).strict();
export const readOnlySchema = z.object({ readOnly: z.boolean({ error: 'readOnly must be true or false' }), reason }).strict();
