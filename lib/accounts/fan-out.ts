import { AppError, isAppError } from '../errors';
import { inAccountNamed, placeLabel, unknownAccountMessage, unwatchedRegionMessage, type Place, type PlaceRef } from './places';

/** A page's account and Region filters: each alone or together; absent, every place. */
export interface PlaceFilter {
  /** An account id or name. */
  account?: string;
  region?: string;
}

/**
 * The configured places a filter keeps, in configuration order. An account or Region that is not
 * configured is a 404 that lists what is, rather than an empty page that looks like "all is well".
 */
export function placesMatching(places: readonly Place[], filter: PlaceFilter): Place[] {
  const account = filter.account?.trim();
  const region = filter.region?.trim();
  let kept = [...places];
  if (account) {
    kept = kept.filter((p) => inAccountNamed(p, account));
    if (kept.length === 0) throw new AppError('not_found', unknownAccountMessage(places, account));
  }
  if (region) {
    const inAccount = kept;
    kept = kept.filter((p) => p.region === region);
    if (kept.length === 0) {
      throw new AppError('not_found', account ? unwatchedRegionMessage(inAccount, region) : `no account is watched in ${region}; Codeflow watches ${[...new Set(inAccount.map((p) => p.region))].join(', ')}`);
    }
  }
  return kept;
}

/** Where one page's rows came from: each place read, failed, or is still answering. */
export interface PlaceRead {
  account: string;
  accountName: string;
  environment: string | null;
  region: string;
  /** The read had not finished when the page answered; it goes on, and the next refresh shows it. */
  pending: boolean;
  /** Why this place could not be read ("staging (210987654321): AccessDenied on sts:AssumeRole …"). */
  error: string | null;
}

export type PlaceOutcome<T> = { place: Place; read: PlaceRead; value: T | null };

/**
 * The longest a page waits for one place. A place still reading after it is shown as pending; its
 * read carries on (the read models single-flight and cache it), so a slow or unreachable account
 * costs the others at most this, never its own 8 s deadline.
 */
export const PLACE_WAIT_MS = 2_500;

/**
 * Reads every place at once, each on its own: one place failing or hanging never fails or holds
 * the rest. Errors become the place's `error` (AppError messages only; anything else is generic).
 */
export async function readEveryPlace<T>(places: readonly Place[], read: (place: Place) => Promise<T>, opts: { waitMs?: number } = {}): Promise<PlaceOutcome<T>[]> {
  const waitMs = opts.waitMs ?? PLACE_WAIT_MS;
  const describe = (place: Place): Omit<PlaceRead, 'pending' | 'error'> => ({ account: place.accountId, accountName: place.accountName, environment: place.environment ?? null, region: place.region });
  return Promise.all(
    places.map(async (place): Promise<PlaceOutcome<T>> => {
      let timer: NodeJS.Timeout | undefined;
      const pending = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), waitMs)));
      const attempt = read(place).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      try {
        const settled = await Promise.race([attempt, pending]);
        if (settled === 'pending') return { place, read: { ...describe(place), pending: true, error: null }, value: null };
        if ('error' in settled) return { place, read: { ...describe(place), pending: false, error: messageOf(settled.error) }, value: null };
        return { place, read: { ...describe(place), pending: false, error: null }, value: settled.value };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

const messageOf = (e: unknown): string => (isAppError(e) ? e.message : 'could not be read');

/** `{ account, region }` to stamp on each row a page lists. */
export const whereOf = (place: PlaceRef): { account: string; region: string } => ({ account: place.accountId, region: place.region });

/** Several places' reports as one: the oldest `fetchedAt` of those read, stale when any is. */
export function freshnessOf(reports: readonly ({ fetchedAt: string | null; stale: boolean } | null)[]): { fetchedAt: string | null; ageSeconds: number | null; stale: boolean } {
  const read = reports.filter((r): r is { fetchedAt: string; stale: boolean } => r !== null && r.fetchedAt !== null);
  if (read.length === 0) return { fetchedAt: null, ageSeconds: null, stale: false };
  const oldest = Math.min(...read.map((r) => Date.parse(r.fetchedAt)));
  return { fetchedAt: new Date(oldest).toISOString(), ageSeconds: Math.max(0, Math.floor((Date.now() - oldest) / 1000)), stale: read.some((r) => r.stale) };
}

/** The places' errors in one line, each named ("staging (210987654321) us-east-1: AccessDenied …"); one place's error as it is. */
export function errorsOf(reads: readonly PlaceRead[]): string | null {
  const failed = reads.filter((r) => r.error !== null);
  if (failed.length === 0) return null;
  if (reads.length === 1) return failed[0]!.error;
  return failed.map((r) => `${placeLabel({ accountName: r.accountName, accountId: r.account, region: r.region })}: ${r.error}`).join('; ');
}
