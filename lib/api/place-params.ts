import { z } from 'zod';
import { findPlace, type Place } from '../accounts/places';
import { getConfig } from '../config';
import { AppError, invalidField } from '../errors';

/** `?account=<id or name>&region=<r>`: which account and Region a request means (home when absent). */
export const placeQuerySchema = z.object({
  account: z.string().trim().min(1).max(64).regex(/^[\w .-]+$/, 'is an account id or name').optional(),
  region: z.string().trim().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'is an AWS Region name such as us-east-1').optional(),
});

/** The configured place a request's search params name; 404 with what is configured when none matches. */
export function placeFromSearch(params: URLSearchParams | Record<string, string | string[] | undefined>): Place {
  const get = (k: string) => {
    const v = params instanceof URLSearchParams ? params.get(k) : params[k];
    return (Array.isArray(v) ? v[0] : v) ?? undefined;
  };
  const parsed = placeQuerySchema.safeParse({ account: get('account') || undefined, region: get('region') || undefined });
  if (!parsed.success) throw new AppError('invalid', `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const found = findPlace(getConfig().places, parsed.data);
  if (!found.ok) throw new AppError('not_found', found.message);
  return found.place;
}

/** The configured place a request body names (`account`, `region`); 400 naming the field when none matches. */
export function placeFromBody(body: { account?: string; region?: string }): Place {
  const found = findPlace(getConfig().places, body);
  if (!found.ok) throw invalidField(found.field, found.message);
  return found.place;
}
