import { z } from 'zod';
import { planRequestSchema } from '@/lib/ops/contract';
import { clusterNameSchema, serviceNameSchema } from '../params';
import { placeQuerySchema } from '../place-params';

/** The service's account (id or name) and Region; both default to home's. */
const place = placeQuerySchema.shape;

export { planRequestSchema };

const reason = z.string({ error: 'reason is required' }).trim().min(1, 'reason must not be empty: say why').max(500, 'reason must be at most 500 characters');
const confirmName = z.string({ error: 'confirmName is required: type the service name' }).min(1, 'confirmName must not be empty: type the service name');

export const submitOperationSchema = z
  .object({
    ...place,
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
  ...place,
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
export const forceReleaseLockSchema = z.object({ ...place, cluster: clusterNameSchema, service: serviceNameSchema, reason }).strict();
