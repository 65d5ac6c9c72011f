import { z } from 'zod';
import { maintenanceTaskIdSchema } from '../../maintenance/config';

export const taskParamsSchema = z.object({ taskId: maintenanceTaskIdSchema });

export const completeTaskSchema = z
  .object({
    note: z.string({ error: 'a note, as text' }).trim().max(1000, 'keep the note under 1000 characters').optional(),
    doneAt: z.iso.datetime({ offset: true, error: 'an ISO date-time such as 2026-11-27T09:30:00Z' }).optional(),
  })
  .strict();

export type CompleteTaskBody = z.infer<typeof completeTaskSchema>;

export const historyQuerySchema = z.object({
  limit: z.coerce.number({ error: 'a number' }).int('a whole number').min(1, 'at least 1').max(200, 'at most 200').optional(),
});
