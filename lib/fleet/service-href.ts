import type { PlaceRef } from '../accounts/places';

/**
 * A service page's URL. Outside the home account and Region it names both (`?account=…&region=…`):
 * two `codeflow-service`s in two accounts are two pages, and a link says which one it means. A
 * record without a place (written before places were recorded) is home's. `params` are added after.
 */
export function serviceHref(s: { account?: string; region?: string; cluster: string; name: string }, home: PlaceRef | null, params: Record<string, string> = {}): string {
  const path = `/services/${encodeURIComponent(s.cluster)}/${encodeURIComponent(s.name)}`;
  const search = new URLSearchParams();
  // Without a known home, the implicit single account (`default`) is home.
  const atHome = home ? home.accountId === s.account && home.region === s.region : s.account === 'default';
  if (s.account && s.region && !atHome) {
    search.set('account', s.account!);
    search.set('region', s.region!);
  }
  for (const [k, v] of Object.entries(params)) search.set(k, v);
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}
