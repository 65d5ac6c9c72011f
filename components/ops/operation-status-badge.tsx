import type { OperationStatus } from '@/lib/ops/types';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { STATUS_LABEL, STATUS_TONE, isFinished } from './format';

export function OperationStatusBadge({ status, className }: { status: OperationStatus; className?: string }) {
  return (
    <Badge tone={STATUS_TONE[status]} className={className}>
      {!isFinished(status) && status !== 'awaiting_approval' && (
        <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-current" />
      )}
      <span data-testid="op-status" data-status={status}>
        {STATUS_LABEL[status]}
      </span>
    </Badge>
  );
}

export function KindLabel({ kind, className }: { kind: string; className?: string }) {
  return <span className={cn('font-medium text-fg', className)}>{kind}</span>;
}
