import 'server-only';
import type { NextRequest } from 'next/server';
import type { z } from 'zod';
import { getConfig } from '../config';
import { AppError } from '../errors';
import { isJsonContentType, readBodyText } from './json-body';

/**
 * The request's JSON body, validated. Only `application/json` is read (415 otherwise): a form or
 * `text/plain` POST is what a cross-site page can send without a preflight. A body larger than the
 * limit (CODEFLOW_MAX_BODY_BYTES, 1 MB by default) is refused with 413 before it is parsed — by its
 * Content-Length when it declares one, else while it streams in — so nobody can make the server hold
 * huge bodies in memory. Malformed JSON is the caller's mistake (400), not ours (500).
 */
export async function parseBody<S extends z.ZodType>(req: NextRequest, schema: S, maxBytes = getConfig().maxBodyBytes): Promise<z.infer<S>> {
  if (!isJsonContentType(req.headers.get('content-type'))) {
    throw new AppError('unsupported_media_type', 'Send the request body as JSON, with the header Content-Type: application/json.');
  }
  const text = await readBodyText(req, maxBytes);
  try {
    return schema.parse(JSON.parse(text));
  } catch (e) {
    if (e instanceof SyntaxError) throw new AppError('invalid', 'The request body must be JSON.');
    throw e;
  }
}

/** A URL's query string as a plain object for zod; a repeated key keeps its last value. */
export function searchParamsObject(params: URLSearchParams): Record<string, string> {
  return Object.fromEntries(params);
}
