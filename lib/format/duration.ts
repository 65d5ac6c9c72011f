/**
 * Spans of time in words with units, the one way the console, the board and the CLI say them:
 * "45 s", "9 min 58 s", "48 min", "2 h 48 min", "3 d 4 h". A bare "2:48:30" reads like a clock
 * time at 3 a.m.; units do not. Whole units only, rounded down (a countdown shows "48 min" until the
 * 48th minute has gone), so the parts never carry over into "18 h 60 min".
 */
export function formatSpan(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  // Under ten minutes the seconds matter: a page is about to go out.
  if (m >= 10) return `${m} min`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/**
 * "in 2 h 48 min" until `ms` has passed (rounded up to the second, so it never says "in 0 s" while
 * time is left), then "now".
 */
export function formatCountdown(ms: number): string {
  const left = Math.ceil(ms / 1000) * 1000;
  return left <= 0 ? 'now' : `in ${formatSpan(left)}`;
}
