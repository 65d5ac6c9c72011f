import { UTC_INPUT } from '@/components/ui/time-format';

/** "4m 05s", "1h 02m", "2d 3h" — how long an incident has been open. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export { formatCountdown } from '@/lib/format/duration';

/** "15 min", "1 h", "4 h", "24 h" — a matrix row's time. */
export function formatAfter(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * The value for an `<input type="datetime-local">` showing `ms` in UTC (the console shows every
 * time in UTC), and back. Seconds are kept so "14 min 50 s ago" survives the round trip.
 */
export function toUtcLocalInput(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

export function fromUtcLocalInput(value: string): string | null {
  if (!UTC_INPUT.test(value)) return null;
  const ms = Date.parse(`${value.length === 16 ? `${value}:00` : value}Z`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
