import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line about one API request carries. */
export interface RequestContext {
  requestId: string;
  method: string;
  /** The route pattern ("/api/services/[cluster]/[service]"), not the path, so it can label metrics. */
  route: string;
  /** The signed-in user's subject (or token owner's), once authorization has found one. */
  user?: string;
}

// On globalThis: instrumentation, each route bundle and lib code must share one store per process.
const KEY = Symbol.for('codeflow.requestContext');
type Holder = { [KEY]?: AsyncLocalStorage<RequestContext> };
const storage: AsyncLocalStorage<RequestContext> = ((globalThis as Holder)[KEY] ??= new AsyncLocalStorage<RequestContext>());

export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Called by withUser once it knows who is asking, so the access log can say it. */
export function setRequestUser(subject: string): void {
  const ctx = storage.getStore();
  if (ctx) ctx.user = subject;
}

/** Short enough to read out on a call, long enough not to collide in a day of logs. */
export function newRequestId(): string {
  return crypto.randomUUID().replaceAll('-', '').slice(0, 12);
}

// Load balancers and proxies send UUIDs, hex ids or "Root=1-…" (ALB's X-Amzn-Trace-Id style).
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:=@-]{7,127}$/;

/** The caller's X-Request-Id when it is a plausible id (no spaces, quotes or control characters, 8–128 chars); else a new one. */
export function requestIdFrom(header: string | null | undefined): string {
  const candidate = header?.trim();
  return candidate && SANE_REQUEST_ID.test(candidate) ? candidate : newRequestId();
}
