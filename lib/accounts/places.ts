import type { AccountConfig, AccountRole } from './config';

/**
 * Where a service lives: an account and a Region. Every record that names a service names its
 * place too, and every AWS client is built for one (lib/aws/default-clients.ts).
 */
export interface PlaceRef {
  accountId: string;
  region: string;
}

export interface Place extends PlaceRef {
  accountName: string;
  environment: string | undefined;
  /** Clusters to show; empty means discover them. */
  clusters: string[];
  role: AccountRole | undefined;
  /** The first account's first Region: where a record without a place belongs, and what URLs without one mean. */
  home: boolean;
}

export const placeKey = (p: PlaceRef): string => `${p.accountId}/${p.region}`;

export const samePlace = (a: PlaceRef, b: PlaceRef): boolean => a.accountId === b.accountId && a.region === b.region;

/** Every account × Region, in configuration order; the first is home. */
export function placesOf(accounts: readonly AccountConfig[]): Place[] {
  return accounts.flatMap((a, i) =>
    a.regions.map((region, j) => ({ accountId: a.id, region, accountName: a.name, environment: a.environment, clusters: a.clusters, role: a.role, home: i === 0 && j === 0 })),
  );
}

/** "production (123456789012) us-west-2": how a place is named to people. */
export const placeLabel = (p: Pick<Place, 'accountName' | 'accountId' | 'region'>): string =>
  p.accountId === 'default' ? p.region : `${p.accountName} (${p.accountId}) ${p.region}`;

/** A failed lookup names the field that did not match, for a 400 beside it. */
export type PlaceLookup = { ok: true; place: Place } | { ok: false; field: 'account' | 'region'; message: string };

/** Whether a place is in the account a person named: by id, or by name in any case. */
export const inAccountNamed = (p: Pick<Place, 'accountId' | 'accountName'>, account: string): boolean => p.accountId === account || p.accountName.toLowerCase() === account.toLowerCase();

/** "no account "qa" is configured; Codeflow watches production (123456789012), …". */
export function unknownAccountMessage(places: readonly Place[], account: string): string {
  const known = [...new Set(places.map((p) => `${p.accountName} (${p.accountId})`))].join(', ');
  return `no account "${account}" is configured; Codeflow watches ${known}`;
}

/** "staging (210987654321) is not watched in eu-west-1; its Regions are us-east-1, us-west-2". */
export const unwatchedRegionMessage = (inAccount: readonly Place[], region: string): string =>
  `${inAccount[0]!.accountName} (${inAccount[0]!.accountId}) is not watched in ${region}; its Regions are ${[...new Set(inAccount.map((p) => p.region))].join(', ')}`;

/**
 * The place a request names by `account` (id or name) and `region`; both default to home's, and a
 * Region alone means the home account's. Unknown ones are refused with what is configured.
 */
export function findPlace(places: readonly Place[], ask: { account?: string | null; region?: string | null }): PlaceLookup {
  const home = places.find((p) => p.home) ?? places[0]!;
  const account = ask.account?.trim() || null;
  const region = ask.region?.trim() || null;
  const accountId = account === null ? home.accountId : places.find((p) => inAccountNamed(p, account))?.accountId;
  if (accountId === undefined) return { ok: false, field: 'account', message: unknownAccountMessage(places, account!) };
  const inAccount = places.filter((p) => p.accountId === accountId);
  const place = region === null ? inAccount[0]! : inAccount.find((p) => p.region === region);
  if (!place) return { ok: false, field: 'region', message: unwatchedRegionMessage(inAccount, region!) };
  return { ok: true, place };
}

/** What the browser is told about a place: enough to filter, label and link, nothing about roles. */
export interface PlaceOption {
  account: string;
  accountName: string;
  environment: string | null;
  region: string;
  home: boolean;
}

export const placeOptions = (places: readonly Place[]): PlaceOption[] =>
  places.map((p) => ({ account: p.accountId, accountName: p.accountName, environment: p.environment ?? null, region: p.region, home: p.home }));
