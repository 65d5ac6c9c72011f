import { z } from 'zod';
import { placeQuerySchema } from '../place-query';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** CloudWatch's own rule for log group names. */
export const logGroupNameSchema = z
  .string({ error: 'name a log group' })
  .regex(/^[\w\-./#]{1,512}$/, { error: (issue) => `"${String(issue.input).slice(0, 80)}" is not a log group name; use letters, numbers and _ - . / #` });

const streamNameSchema = z.string().regex(/^[^:*]{1,512}$/, 'a log stream name (no : or *)');

const time = z.preprocess(
  blank,
  z
    .union([z.coerce.number().int(), z.string()])
    .transform((v, ctx) => {
      const ms = typeof v === 'number' ? v : Date.parse(v);
      if (!Number.isFinite(ms)) {
        ctx.addIssue({ code: 'custom', message: 'a time: epoch milliseconds or ISO 8601' });
        return z.NEVER;
      }
      return ms;
    })
    .optional(),
);

const patternSchema = z.preprocess(blank, z.string().max(1024, 'a filter pattern of at most 1024 characters').optional());

/**
 * GET /api/logs/events. Without `start` it is one poll of a live tail (`cursor` from the last
 * poll); with `start` and `end` it is a search (`cursor` is the next page's token).
 */
export const logEventsQuerySchema = z
  .object({
    group: logGroupNameSchema,
    stream: z.preprocess(blank, streamNameSchema.optional()),
    pattern: patternSchema,
    start: time,
    end: time,
    limit: z.preprocess(blank, z.coerce.number({ error: 'a number' }).int('a whole number').min(1, 'at least 1').max(2000, 'at most 2000').default(500)),
    cursor: z.preprocess(blank, z.string().max(4096, 'not a cursor this server returned').optional()),
  })
  .refine((q) => (q.start === undefined) === (q.end === undefined), { message: 'give both start and end to search, or neither to tail', path: ['end'] });

export type LogEventsQuery = z.infer<typeof logEventsQuerySchema>;

export const INSIGHTS_MAX_GROUPS = 50;

export const insightsRequestSchema = z
  .object({
    groups: z.array(logGroupNameSchema, { error: 'a list of log group names' }).min(1, 'name at least one log group').max(INSIGHTS_MAX_GROUPS, `at most ${INSIGHTS_MAX_GROUPS} log groups`),
    query: z.string({ error: 'a Logs Insights query' }).trim().min(1, 'write a query').max(10_000, 'a query of at most 10000 characters'),
    start: time.pipe(z.number({ error: 'a start time' })),
    end: time.pipe(z.number({ error: 'an end time' })),
    /** The account (id or name) and Region the log groups are in; home when absent. */
    ...placeQuerySchema.shape,
  });

export type InsightsRequest = z.infer<typeof insightsRequestSchema>;
