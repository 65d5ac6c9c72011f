import { z } from 'zod';

/** `?account=<id or name>&region=<r>`: which account and Region a request means. Client-safe (no config). */
export const placeQuerySchema = z.object({
  account: z.string().trim().min(1).max(64).regex(/^[\w .-]+$/, 'is an account id or name').optional(),
  region: z.string().trim().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'is an AWS Region name such as us-east-1').optional(),
});
