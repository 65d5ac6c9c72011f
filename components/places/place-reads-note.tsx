'use client';

import { placeLabel } from '@/lib/accounts/places';
import type { PlaceRead } from '@/lib/accounts/fan-out';

/**
 * Which accounts and Regions a page could not read, each with why, and which are still answering:
 * the rows of the others are shown as usual. Nothing when every place was read.
 */
export function PlaceReadsNote({ places, what }: { places: readonly PlaceRead[] | undefined; what: string }) {
  const troubled = (places ?? []).filter((p) => p.error !== null || p.pending);
  if (troubled.length === 0 || (places?.length ?? 0) < 2) return null;
  return (
    <ul data-testid="place-reads" className="flex flex-col gap-0.5 text-xs">
      {troubled.map((p) => (
        <li key={`${p.account}/${p.region}`} data-testid="place-read" data-account={p.account} data-region={p.region} className={p.error ? 'text-down-fg' : 'text-fg-muted'}>
          <span className="font-medium">{placeLabel({ accountName: p.accountName, accountId: p.account, region: p.region })}</span>
          {p.error ? `: ${what} could not be read — ${p.error}` : `: still answering; its ${what} appear at the next refresh`}
        </li>
      ))}
    </ul>
  );
}
