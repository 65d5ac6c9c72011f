import type { PlaceRef } from '../accounts/places';

/**
 * A service page's URL. Outside the home account and Region it names both (`?account=…&region=…`):
 * two `codeflow-service`s in two accounts are two pages, and a link says which one it means.
 */
export function serviceHref(s: { account: string; region: string; cluster: string; name: string }, home: PlaceRef | null, suffix = ''): string {
  const path = `/services/${encodeURIComponent(s.cluster)}/${encodeURIComponent(s.name)}${suffix}`;
  if (!home || (home.accountId === s.account && home.region === s.region)) return path;
  return `${path}?${new URLSearchParams({ account: s.account, region: s.region }).toString()}`;
}
