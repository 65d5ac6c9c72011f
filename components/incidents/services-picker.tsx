'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import type { ServiceRef } from '@/lib/incidents/types';
import { fleetOverviewQuery } from '@/lib/api/queries';
import { controlClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';

export const serviceKey = (s: ServiceRef) => `${s.cluster}/${s.service}`;

export function serviceHref(s: ServiceRef, action?: string): string {
  const base = `/services/${encodeURIComponent(s.cluster)}/${encodeURIComponent(s.service)}`;
  return action ? `${base}?action=${encodeURIComponent(action)}` : base;
}

/** Affected services as links to their pages. */
export function ServiceLinks({ services, className }: { services: ServiceRef[]; className?: string }) {
  if (services.length === 0) return <span className={cn('text-fg-subtle', className)}>no services named</span>;
  return (
    <span className={cn('inline-flex flex-wrap gap-x-2 gap-y-0.5', className)}>
      {services.map((s) => (
        <Link key={serviceKey(s)} href={serviceHref(s)} title={serviceKey(s)} data-testid="incident-service" className="font-mono text-accent hover:underline">
          {s.service}
        </Link>
      ))}
    </span>
  );
}

/** Chosen services as removable chips, and a select of the fleet's services to add one. */
export function ServicesPicker({ value, onChange, disabled }: { value: ServiceRef[]; onChange: (v: ServiceRef[]) => void; disabled?: boolean }) {
  const fleet = useQuery({ ...fleetOverviewQuery(), refetchInterval: false });
  const chosen = new Set(value.map(serviceKey));
  const options = (fleet.data?.services ?? []).map((s) => ({ cluster: s.cluster, service: s.name })).filter((s) => !chosen.has(serviceKey(s)));
  return (
    <div className="flex flex-col gap-1.5" data-testid="services-picker">
      {value.length > 0 && (
        <ul className="flex flex-wrap gap-1.5">
          {value.map((s) => (
            <li key={serviceKey(s)} data-testid="picked-service" data-service={serviceKey(s)} className="inline-flex h-6 items-center gap-1 rounded border border-border bg-surface-2 pl-2 pr-1 font-mono text-[12px]">
              <span title={serviceKey(s)}>{s.service}</span>
              <span className="text-fg-subtle">· {s.cluster}</span>
              <button
                type="button"
                disabled={disabled}
                aria-label={`Remove ${serviceKey(s)}`}
                onClick={() => onChange(value.filter((v) => serviceKey(v) !== serviceKey(s)))}
                className="ml-0.5 flex size-4 items-center justify-center rounded text-fg-subtle hover:bg-surface hover:text-fg"
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <select
        aria-label="Add an affected service"
        data-testid="add-service"
        disabled={disabled || options.length === 0}
        value=""
        onChange={(e) => {
          const picked = options.find((o) => serviceKey(o) === e.target.value);
          if (picked) onChange([...value, picked]);
        }}
        className={cn(controlClass, 'max-w-sm')}
      >
        <option value="">{fleet.isLoading ? 'Loading services…' : options.length === 0 ? 'No more services' : 'Add an affected service…'}</option>
        {options.map((o) => (
          <option key={serviceKey(o)} value={serviceKey(o)}>
            {o.service} ({o.cluster})
          </option>
        ))}
      </select>
    </div>
  );
}
