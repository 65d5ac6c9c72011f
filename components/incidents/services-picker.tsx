'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import type { ServiceRef } from '@/lib/incidents/types';
import { fleetOverviewQuery } from '@/lib/api/queries';
import { controlClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';
import { usePlaceName, useServiceHref } from '@/components/places/home-place';

/** `cluster/service`, what people read (and tests select by). */
export const serviceKey = (s: ServiceRef) => `${s.cluster}/${s.service}`;
/** What tells two services apart across accounts and Regions. */
const placedKey = (s: ServiceRef) => `${s.account ?? ''}/${s.region ?? ''}/${s.cluster}/${s.service}`;

/** Affected services as links to their pages. */
export function ServiceLinks({ services, className }: { services: ServiceRef[]; className?: string }) {
  const serviceHref = useServiceHref();
  const placeName = usePlaceName();
  if (services.length === 0) return <span className={cn('text-fg-subtle', className)}>no services named</span>;
  return (
    <span className={cn('inline-flex flex-wrap gap-x-2 gap-y-0.5', className)}>
      {services.map((s) => (
        <Link key={placedKey(s)} href={serviceHref(s)} title={placeName(s) ? `${serviceKey(s)} in ${placeName(s)}` : serviceKey(s)} data-testid="incident-service" className="font-mono text-accent hover:underline">
          {s.service}
        </Link>
      ))}
    </span>
  );
}

/** Chosen services as removable chips, and a select of the fleet's services to add one. */
export function ServicesPicker({ value, onChange, disabled }: { value: ServiceRef[]; onChange: (v: ServiceRef[]) => void; disabled?: boolean }) {
  const fleet = useQuery({ ...fleetOverviewQuery(), refetchInterval: false });
  const chosen = new Set(value.map(placedKey));
  // Several accounts or Regions: each option and chip says where.
  const placeNames = new Map((fleet.data?.places ?? []).map((p) => [`${p.account}/${p.region}`, `${p.accountName} ${p.region}`]));
  const where = (s: ServiceRef) => (placeNames.size > 1 && s.account ? (placeNames.get(`${s.account}/${s.region}`) ?? `${s.account} ${s.region}`) : null);
  const options = (fleet.data?.services ?? []).map((s) => ({ account: s.account, region: s.region, cluster: s.cluster, service: s.name })).filter((s) => !chosen.has(placedKey(s)));
  return (
    <div className="flex flex-col gap-1.5" data-testid="services-picker">
      {value.length > 0 && (
        <ul className="flex flex-wrap gap-1.5">
          {value.map((s) => (
            <li key={placedKey(s)} data-testid="picked-service" data-service={serviceKey(s)} data-account={s.account} className="inline-flex h-6 items-center gap-1 rounded border border-border bg-surface-2 pl-2 pr-1 font-mono text-[12px]">
              <span title={serviceKey(s)}>{s.service}</span>
              <span className="text-fg-subtle">
                · {s.cluster}
                {where(s) && ` · ${where(s)}`}
              </span>
              <button
                type="button"
                disabled={disabled}
                aria-label={`Remove ${serviceKey(s)}`}
                onClick={() => onChange(value.filter((v) => placedKey(v) !== placedKey(s)))}
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
          const picked = options.find((o) => placedKey(o) === e.target.value || serviceKey(o) === e.target.value);
          if (picked) onChange([...value, picked]);
        }}
        className={cn(controlClass, 'max-w-sm')}
      >
        <option value="">{fleet.isLoading ? 'Loading services…' : options.length === 0 ? 'No more services' : 'Add an affected service…'}</option>
        {options.map((o) => (
          <option key={placedKey(o)} value={placeNames.size > 1 ? placedKey(o) : serviceKey(o)}>
            {o.service} ({o.cluster}{where(o) ? `, ${where(o)}` : ''})
          </option>
        ))}
      </select>
    </div>
  );
}
