export const RANGE_PRESETS = [
  { id: '5m', label: 'Last 5 minutes', ms: 5 * 60_000 },
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 60 * 60_000 },
  { id: '3h', label: 'Last 3 hours', ms: 3 * 60 * 60_000 },
  { id: '12h', label: 'Last 12 hours', ms: 12 * 60 * 60_000 },
  { id: '24h', label: 'Last 24 hours', ms: 24 * 60 * 60_000 },
] as const;

export type RangeChoice = { kind: 'preset'; id: (typeof RANGE_PRESETS)[number]['id'] } | { kind: 'custom'; start: string; end: string };

/** The range as epoch ms; presets end now. Custom values are `datetime-local` strings in UTC. */
export function resolveRange(choice: RangeChoice, now: number): { start: number; end: number } {
  if (choice.kind === 'preset') {
    const preset = RANGE_PRESETS.find((p) => p.id === choice.id) ?? RANGE_PRESETS[1];
    return { start: now - preset.ms, end: now };
  }
  return { start: Date.parse(`${choice.start}Z`), end: Date.parse(`${choice.end}Z`) };
}

/** `2026-11-27T10:00` in UTC, for a datetime-local input. */
export function toInputValue(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}
