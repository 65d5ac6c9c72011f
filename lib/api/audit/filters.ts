import { z } from 'zod';
import type { AuditOutcome } from '../../audit/types';

export const AUDIT_OUTCOME_VALUES = ['success', 'failure', 'denied', 'intent'] as const satisfies readonly AuditOutcome[];

/** The largest page the API hands out; the export walks every page itself. */
export const MAX_AUDIT_API_PAGE = 200;
export const DEFAULT_AUDIT_PAGE = 50;

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const fields = {
  actor: z.preprocess(blank, z.string().trim().max(200).optional()),
  action: z.preprocess(blank, z.string().trim().max(200).optional()),
  target: z.preprocess(blank, z.string().trim().max(500).optional()),
  outcome: z.preprocess(blank, z.enum(AUDIT_OUTCOME_VALUES).optional()),
  from: z.preprocess(blank, z.iso.datetime({ offset: true, error: 'use an ISO 8601 time such as 2025-11-27T00:00:00Z' }).optional()),
  to: z.preprocess(blank, z.iso.datetime({ offset: true, error: 'use an ISO 8601 time such as 2025-11-27T00:00:00Z' }).optional()),
};

/** The filters the audit screen, the list API and the export share; they are also the URL's query keys. */
export interface AuditFilterValues {
  actor?: string;
  action?: string;
  target?: string;
  outcome?: AuditOutcome;
  from?: string;
  to?: string;
}

export const AUDIT_FILTER_KEYS = ['actor', 'action', 'target', 'outcome', 'from', 'to'] as const satisfies readonly (keyof AuditFilterValues)[];

const fromBeforeTo = (f: { from?: string; to?: string }) => !f.from || !f.to || Date.parse(f.from) < Date.parse(f.to);
const rangeIssue = { message: '"from" must be before "to"', path: ['from'] };

export const auditFiltersSchema = z.object(fields).refine(fromBeforeTo, rangeIssue);

export const auditListQuerySchema = z
  .object({
    ...fields,
    cursor: z.preprocess(blank, z.coerce.number().int().positive().optional()),
    limit: z.preprocess(blank, z.coerce.number().int().min(1).max(MAX_AUDIT_API_PAGE).default(DEFAULT_AUDIT_PAGE)),
  })
  .refine(fromBeforeTo, rangeIssue);

export const auditExportQuerySchema = z
  .object({ ...fields, format: z.enum(['csv', 'json']).default('csv') })
  .refine(fromBeforeTo, rangeIssue);

/**
 * For the screen: the filters in a URL, leniently. A hand-edited bad value is dropped rather than
 * failing the page, so the rest of the link still works.
 */
export function parseAuditFilters(params: Pick<URLSearchParams, 'get'>): AuditFilterValues {
  const out: AuditFilterValues = {};
  for (const key of AUDIT_FILTER_KEYS) {
    const parsed = fields[key].safeParse(params.get(key) ?? undefined);
    if (parsed.success && parsed.data !== undefined) (out as Record<string, string>)[key] = parsed.data;
  }
  if (!fromBeforeTo(out)) delete out.to;
  return out;
}

/** Only set values, in a stable order, so equal filters give equal URLs (and query keys). */
export function auditFiltersToSearch(filters: AuditFilterValues, extra: Record<string, string | number | null | undefined> = {}): URLSearchParams {
  const p = new URLSearchParams();
  for (const key of AUDIT_FILTER_KEYS) {
    const value = filters[key];
    if (value) p.set(key, value);
  }
  for (const [key, value] of Object.entries(extra)) if (value !== null && value !== undefined) p.set(key, String(value));
  return p;
}
