import { z } from 'zod';
import { placesMatching } from '../accounts/fan-out';
import { findPlace, type Place } from '../accounts/places';
import { getConfig } from '../config';
import { AppError, invalidField } from '../errors';
import { placeQuerySchema } from './place-query';

export { placeQuerySchema };

type SearchParams = URLSearchParams | Record<string, string | string[] | undefined>;

/** The raw `account` and `region` of a request or a page's search params, as the client's filter keys hold them. */
export function placeFilterOf(params: SearchParams): { account?: string; region?: string } {
  const get = (k: string) => {
    const v = params instanceof URLSearchParams ? params.get(k) : params[k];
    return (Array.isArray(v) ? v[0] : v) || undefined;
  };
  return { account: get('account'), region: get('region') };
}

function parsePlaceQuery(params: SearchParams): z.infer<typeof placeQuerySchema> {
  const parsed = placeQuerySchema.safeParse(placeFilterOf(params));
  if (!parsed.success) throw new AppError('invalid', `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** The configured place a request's search params name; 404 with what is configured when none matches. */
export function placeFromSearch(params: SearchParams): Place {
  const found = findPlace(getConfig().places, parsePlaceQuery(params));
  if (!found.ok) throw new AppError('not_found', found.message);
  return found.place;
}

/**
 * The places a page's `?account=&region=` filters keep (every place when neither is given): the
 * overview's semantics, so a Region alone means that Region in every account. 404 when none match.
 */
export function placesFromSearch(params: SearchParams): Place[] {
  return placesMatching(getConfig().places, parsePlaceQuery(params));
}

/** placesFromSearch for a page: null when the filters name no configured place, which the page leaves to its client (it shows the API's 404 beside the filters). */
export function placesFromSearchOrNull(params: SearchParams): Place[] | null {
  try {
    return placesFromSearch(params);
  } catch {
    return null;
  }
}

/** The configured place a request body names (`account`, `region`); 400 naming the field when none matches. */
export function placeFromBody(body: { account?: string; region?: string }): Place {
  const found = findPlace(getConfig().places, body);
  if (!found.ok) throw invalidField(found.field, found.message);
  return found.place;
}
