import type { SeverityLabel } from '@/lib/aws/findings-types';
import { cn } from '@/components/ui/cn';

/** Worst first, as the page lists them. */
export const SEVERITY_ORDER: readonly SeverityLabel[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

export const SEVERITY_TITLE: Record<SeverityLabel, string> = {
  CRITICAL: 'Critical (9.0–10): act now, the resource is likely compromised',
  HIGH: 'High (7.0–8.9): the resource is likely compromised; investigate first',
  MEDIUM: 'Medium (4.0–6.9): suspicious activity that deviates from normal',
  LOW: 'Low (1.0–3.9): attempted or suspicious activity that did not compromise the resource',
};

/** CRITICAL solid dark red, HIGH red, MEDIUM amber, LOW grey; always with the word, never colour alone. */
const severityClasses: Record<SeverityLabel, string> = {
  CRITICAL: 'border-[#7f1d1d] bg-[#991b1b] text-white',
  HIGH: 'text-down-fg bg-down-bg border-down-border',
  MEDIUM: 'text-degraded-fg bg-degraded-bg border-degraded-border',
  LOW: 'text-unknown-fg bg-unknown-bg border-unknown-border',
};

/** A coloured edge on rows that need attention, so they stand out while scrolling. */
export const severityRowEdge: Record<SeverityLabel, string> = {
  CRITICAL: 'shadow-[inset_3px_0_0_#991b1b]',
  HIGH: 'shadow-[inset_3px_0_0_var(--down-solid)]',
  MEDIUM: '',
  LOW: '',
};

export function SeverityBadge({ label, severity, className }: { label: SeverityLabel; severity?: number; className?: string }) {
  return (
    <span
      data-testid="severity-badge"
      data-severity={label}
      title={SEVERITY_TITLE[label]}
      className={cn(
        'inline-flex h-5 items-center gap-1 whitespace-nowrap rounded-[4px] border px-1.5 text-[11px] font-semibold leading-none tracking-wide',
        severityClasses[label],
        className,
      )}
    >
      {label}
      {severity !== undefined && <span className="font-normal tabular-nums opacity-80">{severity.toFixed(1)}</span>}
    </span>
  );
}
