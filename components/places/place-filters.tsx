'use client';

import { usePlaces } from './home-place';
import { PlaceFilterSelects } from './place-filter-selects';
import { usePlaceFilter } from './use-place-filter';

/** The account and Region filters on their own line, bound to the page's URL; nothing with one place. */
export function PlaceFilters() {
  const places = usePlaces();
  const [filter, setFilter] = usePlaceFilter();
  if (places.length < 2) return null;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <PlaceFilterSelects places={places} filter={filter} onChange={setFilter} />
    </div>
  );
}
