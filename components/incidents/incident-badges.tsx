import { SEVERITY_DEFINITIONS, type IncidentStatus, type Severity } from '@/lib/incidents/types';
import { cn } from '@/components/ui/cn';

const severityClasses: Record<Severity, string> = {
  P0: 'border-[#7f1d1d] bg-[#b91c1c] text-white',
  P1: 'text-down-fg bg-down-bg border-down-border',
  P2: 'text-degraded-fg bg-degraded-bg border-degraded-border',
  P3: 'text-unknown-fg bg-unknown-bg border-unknown-border',
};

/** The solid colour of each severity, for row edges and board columns. */
export const severityEdge: Record<Severity, string> = {
  P0: 'shadow-[inset_4px_0_0_#b91c1c]',
  P1: 'shadow-[inset_4px_0_0_var(--down-solid)]',
  P2: 'shadow-[inset_4px_0_0_var(--degraded-solid)]',
  P3: 'shadow-[inset_4px_0_0_var(--unknown-solid)]',
};

/** "P1 High", always with the word, never colour alone; the guide's definition as its tooltip. */
export function IncidentSeverityBadge({ severity, large, className }: { severity: Severity; large?: boolean; className?: string }) {
  const def = SEVERITY_DEFINITIONS[severity];
  return (
    <span
      data-testid="incident-severity"
      data-severity={severity}
      title={`${severity} ${def.name}: ${def.definition}`}
      className={cn(
        'inline-flex items-center gap-1 whitespace-nowrap rounded-[4px] border font-semibold leading-none tracking-wide',
        large ? 'h-7 px-2 text-[14px]' : 'h-5 px-1.5 text-[11px]',
        severityClasses[severity],
        className,
      )}
    >
      {severity}
      <span className="font-normal opacity-85">{def.name}</span>
    </span>
  );
}

const statusClasses: Record<IncidentStatus, string> = {
  open: 'text-down-fg bg-down-bg border-down-border',
  acknowledged: 'text-degraded-fg bg-degraded-bg border-degraded-border',
  mitigated: 'text-deploying-fg bg-deploying-bg border-deploying-border',
  resolved: 'text-healthy-fg bg-healthy-bg border-healthy-border',
};

export function IncidentStatusBadge({ status, className }: { status: IncidentStatus; className?: string }) {
  return (
    <span
      data-testid="incident-status"
      data-status={status}
      className={cn('inline-flex h-5 items-center whitespace-nowrap rounded-[4px] border px-1.5 text-[11px] font-medium leading-none', statusClasses[status], className)}
    >
      {status}
    </span>
  );
}
