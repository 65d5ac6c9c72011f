import { z } from 'zod';
import { ROLES } from '../../auth/roles';
import { MAX_TOKEN_DAYS } from '../../auth/tokens';

export const createTokenSchema = z.object({
  name: z.string().trim().min(1, 'give the token a name').max(80, 'use at most 80 characters'),
  role: z.enum(ROLES),
  expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS),
});

export type CreateTokenInput = z.infer<typeof createTokenSchema>;

export const tokenIdSchema = z.object({ id: z.uuid({ error: 'not a token id' }) });
