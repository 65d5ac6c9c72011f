import { requestIdFrom, runWithRequestContext, type RequestContext } from './context';
import { recordHttpRequest } from './hooks';
import { getLogger } from './logger';

type Params = Record<string, string | string[] | undefined>;

/**
 * The route pattern of a request, from its path and the params Next resolved for it:
 * /api/services/web/api + { cluster: 'web', service: 'api' } → /api/services/[cluster]/[service].
 * Params keep their route order; each is placed on the rightmost matching segment left of the
 * next one's, since dynamic segments sit deeper than the static ones that share their value.
 */
export function routePattern(pathname: string, params: Params | undefined): string {
  if (!params) return pathname;
  const segments = pathname.split('/');
  let before = segments.length;
  for (const [name, value] of Object.entries(params).reverse()) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0) continue;
    for (let i = before - values.length; i >= 1; i--) {
      if (values.every((v, j) => safeDecode(segments[i + j]!) === v)) {
        segments.splice(i, values.length, Array.isArray(value) ? `[...${name}]` : `[${name}]`);
        before = i;
        break;
      }
    }
  }
  return segments.join('/');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

interface RequestLike {
  method: string;
  headers: Headers;
  nextUrl?: { pathname: string };
  url: string;
}

/**
 * Serves one API request inside its request context: the id (the caller's X-Request-Id when sane,
 * else a new one) is on every log line written meanwhile and in the response's X-Request-Id; one
 * access line and one latency observation per request.
 */
export async function observeRequest(req: RequestLike, ctx: unknown, serve: () => Promise<Response>): Promise<Response> {
  const started = performance.now();
  const pathname = req.nextUrl?.pathname ?? new URL(req.url).pathname;
  const params = await paramsOf(ctx);
  const context: RequestContext = { requestId: requestIdFrom(req.headers.get('x-request-id')), method: req.method, route: routePattern(pathname, params) };
  return runWithRequestContext(context, async () => {
    let status = 500;
    try {
      const res = await serve();
      status = res.status;
      res.headers.set('X-Request-Id', context.requestId);
      return res;
    } catch (e) {
      // Control flow (notFound(), redirect()) passes through withErrors; Next turns it into a response.
      status = statusOfControlFlow(e);
      throw e;
    } finally {
      const durationMs = performance.now() - started;
      const line = { method: context.method, route: context.route, status, durationMs: Math.round(durationMs * 10) / 10 };
      const log = getLogger();
      if (status >= 500) log.warn(line, `${context.method} ${context.route} ${status}`);
      else log.info(line, `${context.method} ${context.route} ${status}`);
      recordHttpRequest({ requestId: context.requestId, route: context.route, method: context.method, status, durationMs });
    }
  });
}

async function paramsOf(ctx: unknown): Promise<Params | undefined> {
  const p = (ctx as { params?: Params | Promise<Params> } | undefined)?.params;
  if (!p) return undefined;
  try {
    return await p;
  } catch {
    return undefined;
  }
}

/** notFound() → 404, redirect() → 307/308; anything else that escapes is a 500. */
function statusOfControlFlow(e: unknown): number {
  const digest = (e as { digest?: unknown } | undefined)?.digest;
  if (typeof digest !== 'string') return 500;
  if (digest.startsWith('NEXT_HTTP_ERROR_FALLBACK;')) return Number(digest.split(';')[1]) || 404;
  if (digest.startsWith('NEXT_REDIRECT;')) return Number(digest.split(';')[3]) || 307;
  return 500;
}
