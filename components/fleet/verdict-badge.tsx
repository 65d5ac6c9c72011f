import type { Verdict } from '@/lib/fleet/types';
import { Badge } from '@/components/ui/badge';
import { VERDICT_GLYPH, VERDICT_LABEL } from './verdict';

export function VerdictBadge({ verdict, className }: { verdict: Verdict; className?: string }) {
  return (
    <Badge tone={verdict} className={className}>
      <span aria-hidden className="w-2.5 text-center font-semibold">
        {VERDICT_GLYPH[verdict]}
      </span>
      {VERDICT_LABEL[verdict]}
    </Badge>
  );
}
