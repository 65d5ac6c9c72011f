'use client';

import { SEVERITIES, SEVERITY_DEFINITIONS, type Severity } from '@/lib/incidents/types';
import { cn } from '@/components/ui/cn';
import { IncidentSeverityBadge } from './incident-badges';

/** The four severities as radio cards, each with the guide's §6.2 definition beside it. */
export function SeverityPicker({ value, onChange, name = 'severity' }: { value: Severity; onChange: (s: Severity) => void; name?: string }) {
  return (
    <fieldset className="grid grid-cols-1 gap-1.5 sm:grid-cols-2" data-testid="severity-picker">
      <legend className="mb-1.5 text-[12px] font-medium text-fg">Severity</legend>
      {SEVERITIES.map((s) => {
        const checked = value === s;
        return (
          <label
            key={s}
            data-testid={`severity-option-${s}`}
            className={cn(
              'flex cursor-pointer items-start gap-2 rounded-md border px-2.5 py-2 text-[12px]',
              checked ? 'border-focus bg-surface-2' : 'border-border hover:border-border-strong',
            )}
          >
            <input type="radio" name={name} value={s} checked={checked} onChange={() => onChange(s)} className="mt-0.5 accent-[var(--accent)]" />
            <span className="flex min-w-0 flex-col items-start gap-1">
              <IncidentSeverityBadge severity={s} />
              <span className="text-fg-muted">{SEVERITY_DEFINITIONS[s].definition}</span>
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}
