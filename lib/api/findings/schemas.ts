import { z } from 'zod';
import { placeQuerySchema } from '../place-query';

/** GuardDuty's limit per ArchiveFindings or UnarchiveFindings call. */
export const MAX_FINDINGS_PER_ARCHIVE = 50;

export const archiveFindingsSchema = z.object({
  ids: z
    .array(z.string().trim().regex(/^[0-9a-zA-Z]{1,300}$/, 'not a GuardDuty finding id'), { error: 'a list of finding ids' })
    .min(1, 'name at least one finding')
    .max(MAX_FINDINGS_PER_ARCHIVE, `at most ${MAX_FINDINGS_PER_ARCHIVE} findings at a time`),
  archived: z.boolean({ error: 'true to archive, false to unarchive' }),
  reason: z
    .string({ error: 'give a reason (it goes in the audit log)' })
    .trim()
    .min(3, 'give a reason of at least 3 characters (it goes in the audit log)')
    .max(500, 'keep the reason under 500 characters'),
  /** The account (id or name) and Region the findings were read from; home when absent. */
  ...placeQuerySchema.shape,
});

export type ArchiveFindingsInput = z.infer<typeof archiveFindingsSchema>;
