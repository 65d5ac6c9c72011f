import type { PlaceFilter } from '../accounts/fan-out';
import type { PlaceRef } from '../accounts/places';

/** `&account=…&region=…` for API calls about a place outside home; empty for home (or no place). */
export function placeSearch(place: PlaceRef | null | undefined, lead: '?' | '&' = '&'): string {
  if (!place) return '';
  return `${lead}${new URLSearchParams({ account: place.accountId, region: place.region }).toString()}`;
}

/** `?account=…&region=…` for a page's filters, each only when set; empty when neither is. */
export function placeFilterSearch(filter: PlaceFilter, lead: '?' | '&' = '?'): string {
  const params = new URLSearchParams();
  if (filter.account) params.set('account', filter.account);
  if (filter.region) params.set('region', filter.region);
  const text = params.toString();
  return text ? `${lead}${text}` : '';
}
