import { z } from 'zod';

/** Plain values the browser needs too, so the client never imports lib/telemetry. */
export const RANGE_KEYS = ['1h', '3h', '12h', '24h', '7d', 'custom'] as const;
export type RangeKey = (typeof RANGE_KEYS)[number];

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** GET /api/metrics/services/…: a preset range, or `custom` with from and to (checked by resolveRange). */
export const metricsQuerySchema = z.object({
  range: z.preprocess(blank, z.enum(RANGE_KEYS, { error: 'use 1h, 3h, 12h, 24h, 7d or custom (with from and to)' }).default('1h')),
  from: z.preprocess(blank, z.iso.datetime({ offset: true, error: 'an ISO-8601 time such as 2026-01-01T00:00:00Z' }).optional()),
  to: z.preprocess(blank, z.iso.datetime({ offset: true, error: 'an ISO-8601 time such as 2026-01-01T00:00:00Z' }).optional()),
});

export type MetricsQueryInput = z.infer<typeof metricsQuerySchema>;
