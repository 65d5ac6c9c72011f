'use client';

import type { PlaceOption } from '@/lib/accounts/places';
import { PlaceFilterSelects } from './place-filter-selects';
import { usePlaceFilter } from './use-place-filter';

/** The account and Region filters on their own line, bound to the page's URL. */
export function PlaceFilters({ places }: { places: PlaceOption[] }) {
  const [filter, setFilter] = usePlaceFilter();
  return (
    <div className="flex flex-wrap items-center gap-2">
      <PlaceFilterSelects places={places} filter={filter} onChange={setFilter} />
    </div>
  );
}
