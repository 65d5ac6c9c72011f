import type { PlaceRef } from '../accounts/places';

/** `&account=…&region=…` for API calls about a place outside home; empty for home (or no place). */
export function placeSearch(place: PlaceRef | null | undefined, lead: '?' | '&' = '&'): string {
  if (!place) return '';
  return `${lead}${new URLSearchParams({ account: place.accountId, region: place.region }).toString()}`;
}
