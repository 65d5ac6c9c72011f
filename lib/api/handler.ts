import 'server-only';
import { NextResponse, type NextRequest } from 'next/server';
import { unstable_rethrow } from 'next/navigation';
import { z } from 'zod';
import { httpStatusOf, isAppError } from '@/lib/errors';
import { currentRequest, newRequestId } from '@/lib/observability/context';
import { getLogger } from '@/lib/observability/logger';
import { observeRequest } from '@/lib/observability/request';
import { cachePolicyOf, NO_STORE } from '@/lib/api/cache-policy';
import { API_CONTENT_SECURITY_POLICY, HSTS, servedOverHttps } from '@/lib/auth/security-headers';

export interface ApiErrorBody {
  error: { code: string; message: string; requestId?: string; subCode?: string; fields?: { path: string; message: string }[] };
}

/**
 * A route handler as Next calls it. `Ctx` is the segment context (`{ params: Promise<…> }`);
 * wrappers such as `withUser` narrow it further by adding fields before calling through.
 */
export type RouteHandler<Ctx = unknown> = (req: NextRequest, ctx: Ctx) => Response | Promise<Response>;

/** JSON response with the API's cache policy. */
export function json<T>(data: T, init: ResponseInit = {}): NextResponse<T> {
  const res = NextResponse.json(data, init);
  res.headers.set('Cache-Control', NO_STORE);
  return res;
}

/**
 * The outermost wrapper of every route handler: turns thrown errors into the API's error shape
 * and applies the cache policy. Auth wrappers compose inside it:
 * `export const GET = withErrors(withUser(handler, { role }))`. It also gives the request its id
 * (X-Request-Id, on every log line about it), its access log line and its latency metric.
 */
export function withErrors<Ctx>(handler: RouteHandler<Ctx>): RouteHandler<Ctx> {
  return (req, ctx) =>
    observeRequest(req, ctx, async () => {
      let res: Response;
      try {
        res = await handler(req, ctx);
        res.headers.set('Cache-Control', cachePolicyOf(res.headers.get('Cache-Control')));
      } catch (e) {
        // notFound(), redirect() and friends are control flow, not failures.
        unstable_rethrow(e);
        res = errorResponse(e, req);
      }
      return withSecurityHeaders(res, req);
    });
}

/** API responses are data, never documents: a policy that allows nothing, and HSTS over HTTPS. */
function withSecurityHeaders(res: Response, req: NextRequest): Response {
  try {
    res.headers.set('Content-Security-Policy', API_CONTENT_SECURITY_POLICY);
    if (servedOverHttps(req.nextUrl, req.headers)) res.headers.set('Strict-Transport-Security', HSTS);
  } catch {
    // A streamed or redirected response may have immutable headers; next.config.js still frames it out.
  }
  return res;
}

export function errorResponse(e: unknown, req: Pick<NextRequest, 'method' | 'nextUrl'>): NextResponse<ApiErrorBody> {
  if (isAppError(e)) {
    const body: ApiErrorBody = { error: { code: e.code, message: e.message } };
    if (e.requestId) body.error.requestId = e.requestId;
    if (e.subCode) body.error.subCode = e.subCode;
    if (e.fields?.length) body.error.fields = e.fields;
    return json(body, { status: httpStatusOf(e.code) });
  }
  if (e instanceof z.ZodError) {
    const fields = e.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
    return json<ApiErrorBody>({ error: { code: 'invalid', message: describeZodError(e), subCode: 'invalid', fields } }, { status: 400 });
  }
  const ref = currentRequest()?.requestId ?? newRequestId();
  // The only place the full error (with stack) goes: the server log, under the ref the user sees.
  getLogger().error({ err: e, ref, path: req.nextUrl.pathname }, `${req.method} ${req.nextUrl.pathname} failed (ref ${ref})`);
  const res = json<ApiErrorBody>(
    { error: { code: 'internal', message: `Something went wrong on our side (ref ${ref})` } },
    { status: 500 },
  );
  res.headers.set('X-Request-Id', ref);
  return res;
}

/** "cluster: Cluster names use …; service: …" — each issue prefixed with the field it is about. */
export function describeZodError(e: z.ZodError): string {
  return e.issues
    .map((issue) => {
      const field = issue.path.map(String).join('.');
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
