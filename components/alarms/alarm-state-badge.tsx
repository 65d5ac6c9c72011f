import { Badge, type Tone } from '@/components/ui/badge';

const TONES: Record<string, Tone> = { ALARM: 'down', INSUFFICIENT_DATA: 'unknown', OK: 'healthy' };
const LABELS: Record<string, string> = { ALARM: 'ALARM', INSUFFICIENT_DATA: 'INSUFFICIENT DATA', OK: 'OK' };

/** The state in words and colour, so it reads without colour too. */
export function AlarmStateBadge({ state }: { state: string }) {
  return (
    <Badge tone={TONES[state] ?? 'neutral'} className="font-mono">
      {LABELS[state] ?? state}
    </Badge>
  );
}
