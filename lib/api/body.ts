import 'server-only';
import type { NextRequest } from 'next/server';
import type { z } from 'zod';
import { AppError } from '../errors';

/** The request's JSON body, validated; malformed JSON is the caller's mistake (400), not ours (500). */
export async function parseBody<S extends z.ZodType>(req: NextRequest, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new AppError('invalid', 'The request body must be JSON.');
  }
  return schema.parse(body);
}

/** A URL's query string as a plain object for zod; a repeated key keeps its last value. */
export function searchParamsObject(params: URLSearchParams): Record<string, string> {
  return Object.fromEntries(params);
}
