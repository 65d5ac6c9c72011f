import type { Verdict } from '@/lib/fleet/types';

/** Worst first: the order the overview sorts by and the summary lists. */
export const VERDICT_ORDER: readonly Verdict[] = ['down', 'degraded', 'deploying', 'unknown', 'healthy'];

export const VERDICT_LABEL: Record<Verdict, string> = {
  down: 'Down',
  degraded: 'Degraded',
  deploying: 'Deploying',
  unknown: 'Unknown',
  healthy: 'Healthy',
};

/** A shape per verdict, so the badge reads without colour too. */
export const VERDICT_GLYPH: Record<Verdict, string> = {
  down: '✕',
  degraded: '!',
  deploying: '↻',
  unknown: '?',
  healthy: '✓',
};

export function verdictRank(v: Verdict): number {
  const i = VERDICT_ORDER.indexOf(v);
  return i === -1 ? VERDICT_ORDER.length : i;
}

export function isVerdict(v: string | null | undefined): v is Verdict {
  return v != null && (VERDICT_ORDER as readonly string[]).includes(v);
}
