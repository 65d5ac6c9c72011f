import type { AuditOutcome } from '@/lib/audit/types';
import { Badge, type Tone } from '@/components/ui/badge';

const OUTCOME: Record<AuditOutcome, { tone: Tone; title: string }> = {
  success: { tone: 'healthy', title: 'The action was carried out' },
  failure: { tone: 'down', title: 'The action was attempted and failed' },
  denied: { tone: 'degraded', title: 'Codeflow refused: not signed in, not allowed, or not from its own pages' },
  intent: { tone: 'deploying', title: 'Recorded before the action ran; its outcome is a later entry pointing back at this one' },
};

export function OutcomeBadge({ outcome }: { outcome: AuditOutcome }) {
  return (
    <span data-testid="audit-outcome" data-outcome={outcome}>
      <Badge tone={OUTCOME[outcome].tone} title={OUTCOME[outcome].title}>
        {outcome}
      </Badge>
    </span>
  );
}
