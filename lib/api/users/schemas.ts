import { z } from 'zod';
import { ROLES } from '../../auth/roles';

const reason = z
  .string({ error: 'give a reason (it goes in the audit log)' })
  .trim()
  .min(3, 'give a reason of at least 3 characters (it goes in the audit log)')
  .max(500, 'keep the reason under 500 characters');

/** `role: null` clears the override: the role comes from the IdP's groups again. */
export const roleChangeSchema = z.object({ role: z.enum(ROLES).nullable(), reason });

export const sessionRevokeSchema = z.object({ reason });

export const userIdSchema = z.object({ id: z.uuid({ error: 'not a user id' }) });
