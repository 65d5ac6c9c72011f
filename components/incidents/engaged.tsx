import type { Incident } from '@/lib/incidents/types';
import { ROLE_LABELS } from '@/lib/incidents/types';
import { cn } from '@/components/ui/cn';

/** The tier an incident has reached, or null before its first. */
export function currentTier(incident: Incident) {
  return incident.tiers.length > 0 ? incident.tiers[incident.tiers.length - 1]! : null;
}

/** Who is engaged: every tier reached ("Team Lead · Dana"), the commander first. */
export function EngagedList({ incident, className }: { incident: Incident; className?: string }) {
  return (
    <ul className={cn('flex flex-wrap gap-1.5', className)} data-testid="engaged">
      {incident.commander && (
        <li className="inline-flex min-h-6 max-w-full flex-wrap items-center gap-x-1 rounded border border-border bg-surface-2 px-1.5 py-0.5 text-[12px] leading-tight" title="Incident commander">
          <span className="text-fg-subtle">Commander</span>
          <span className="font-medium text-fg">{incident.commander.name ?? 'unnamed'}</span>
        </li>
      )}
      {incident.tiers.map((t) => (
        <li
          key={t.role}
          data-testid="engaged-tier"
          data-role={t.role}
          title={`${ROLE_LABELS[t.role]} paged ${t.early ? 'early, by a responder' : `at ${t.afterMinutes} min`}`}
          className="inline-flex min-h-6 max-w-full flex-wrap items-center gap-x-1 rounded border border-border bg-surface-2 px-1.5 py-0.5 text-[12px] leading-tight"
        >
          <span className="text-fg-subtle">{ROLE_LABELS[t.role]}</span>
          <span className="font-medium text-fg">{t.person ?? 'nobody on the roster'}</span>
          {t.early && <span className="text-[10px] font-semibold uppercase text-degraded-fg">early</span>}
        </li>
      ))}
      {!incident.commander && incident.tiers.length === 0 && <li className="text-[12px] text-fg-subtle">Nobody paged yet</li>}
    </ul>
  );
}
