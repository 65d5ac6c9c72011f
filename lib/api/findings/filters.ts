import { z } from 'zod';
import { SEVERITY_LABELS } from '../../aws/findings-types';
import type { FindingFilters } from '../../telemetry/findings';
import { clusterNameSchema, serviceNameSchema } from '../params';
import { placeQuerySchema } from '../place-query';

/** GuardDuty keeps findings for 90 days. */
export const MAX_FINDING_AGE_DAYS = 90;

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const fields = {
  severity: z.preprocess(blank, z.enum(SEVERITY_LABELS, { error: 'use LOW, MEDIUM, HIGH or CRITICAL (the least severity shown)' }).optional()),
  type: z.preprocess(
    blank,
    z
      .string()
      .trim()
      .max(200, 'use at most 200 characters')
      .regex(/^[\x21-\x7e]+$/, 'a finding type such as Execution:Runtime/ReverseShell (no spaces)')
      .optional(),
  ),
  cluster: z.preprocess(blank, clusterNameSchema.optional()),
  service: z.preprocess(blank, serviceNameSchema.optional()),
  maxAgeDays: z.preprocess(
    blank,
    z.coerce.number({ error: 'a number of days' }).int('a whole number of days').min(1, 'at least 1 day').max(MAX_FINDING_AGE_DAYS, `at most ${MAX_FINDING_AGE_DAYS} days (GuardDuty keeps findings that long)`).optional(),
  ),
  account: z.preprocess(blank, placeQuerySchema.shape.account),
  region: z.preprocess(blank, placeQuerySchema.shape.region),
  archived: z.preprocess(
    blank,
    z
      .enum(['true', 'false'], { error: 'true or false' })
      .transform((v) => v === 'true')
      .optional(),
  ),
};

export const FINDING_FILTER_KEYS = ['account', 'region', 'severity', 'type', 'cluster', 'service', 'maxAgeDays', 'archived'] as const satisfies readonly (keyof FindingFilters)[];

/** GET /api/findings: strict, so a bad value is a 400 naming the field. */
export const findingsQuerySchema = z.object(fields);

/**
 * For the screen: the filters in a URL, leniently. A hand-edited bad value is dropped rather than
 * failing the page, so the rest of the link still works.
 */
export function parseFindingFilters(params: Pick<URLSearchParams, 'get'>): FindingFilters {
  const out: Record<string, unknown> = {};
  for (const key of FINDING_FILTER_KEYS) {
    const parsed = fields[key].safeParse(params.get(key) ?? undefined);
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
  }
  // Only `true` is worth a query key; false is the default.
  if (out.archived === false) delete out.archived;
  return out as FindingFilters;
}

/** Only set values, in a stable order, so equal filters give equal URLs (and query keys). */
export function findingFiltersToSearch(filters: FindingFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const key of FINDING_FILTER_KEYS) {
    const value = filters[key];
    if (value !== undefined && value !== false && value !== '') p.set(key, String(value));
  }
  return p;
}
