import { z } from 'zod';

/** CloudWatch alarm names: 1–255 printable ASCII characters (no control characters). */
export const alarmNameSchema = z
  .string()
  .min(1, 'name an alarm')
  .max(255, 'CloudWatch alarm names have at most 255 characters')
  .regex(/^[\x20-\x7e]+$/, 'an alarm name uses printable ASCII characters only');

export const alarmParamsSchema = z.object({ name: alarmNameSchema });
