'use client';

import type { PlaceFilter } from '@/lib/accounts/fan-out';
import { usePlaceName } from './home-place';

const control = 'h-8 rounded-md border border-border bg-surface px-2 text-[13px] text-fg hover:border-border-strong focus-visible:border-focus';

type PlaceLike = { account: string; accountName: string; region: string };

/**
 * Account and Region selects, shown only when Codeflow watches more than one place. Choosing an
 * account keeps the Region only if that account is watched there.
 */
export function PlaceFilterSelects({ places, filter, onChange }: { places: readonly PlaceLike[]; filter: PlaceFilter; onChange: (next: PlaceFilter) => void }) {
  if (places.length < 2) return null;
  const accounts = [...new Map(places.map((p) => [p.account, p])).values()];
  const regions = [...new Set(places.filter((p) => !filter.account || p.account === filter.account).map((p) => p.region))].sort();
  return (
    <>
      {accounts.length > 1 && (
        <>
          <label className="sr-only" htmlFor="filter-account">
            Account
          </label>
          <select
            id="filter-account"
            data-testid="filter-account"
            value={filter.account ?? ''}
            onChange={(e) => {
              const account = e.target.value || undefined;
              const keepRegion = filter.region && places.some((p) => (!account || p.account === account) && p.region === filter.region);
              onChange({ account, region: keepRegion ? filter.region : undefined });
            }}
            className={control}
          >
            <option value="">All accounts</option>
            {accounts.map((a) => (
              <option key={a.account} value={a.account}>
                {a.accountName} ({a.account})
              </option>
            ))}
          </select>
        </>
      )}
      <label className="sr-only" htmlFor="filter-region">
        Region
      </label>
      <select id="filter-region" data-testid="filter-region" value={filter.region ?? ''} onChange={(e) => onChange({ account: filter.account, region: e.target.value || undefined })} className={control}>
        <option value="">All Regions</option>
        {regions.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
    </>
  );
}

/** "staging · us-west-2": where a row lives, on pages that list several places (nothing with one). */
export function PlaceLabel({ place }: { place: { account: string; region: string } }) {
  const name = usePlaceName()(place);
  if (!name) return null;
  return (
    <span data-testid="row-place" className="whitespace-nowrap text-[11px] text-fg-subtle" title={`account ${place.account}, ${place.region}`}>
      {name}
    </span>
  );
}
