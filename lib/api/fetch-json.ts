import { fieldIssuesOf, subCodeOf, type AppErrorSubCode, type FieldIssue } from '../errors';

/** An API error as the browser sees it: the server's code and message, never a stack trace. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId?: string;
  /** What to do about it (`stale_plan`, `locked`, `read_only`, `approval_required`, `invalid`): branch on this, never on the message. */
  readonly subCode?: AppErrorSubCode;
  /** For `invalid`: the fields it is about, each with its own message. */
  readonly fields?: FieldIssue[];

  constructor(status: number, code: string, message: string, requestId?: string, details: { subCode?: unknown; fields?: unknown } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.subCode = subCodeOf(details.subCode);
    this.fields = fieldIssuesOf(details.fields);
  }
}

export function fetchJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>(path, { signal });
}

/**
 * A write from one of our pages: JSON in, JSON out. The browser adds a same-origin `Origin`
 * header to POST/PUT/DELETE by itself, which is what the server's CSRF check looks for.
 */
export function sendJson<T>(path: string, method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', body?: unknown): Promise<T> {
  return request<T>(path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
  });
}

async function request<T>(path: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { Accept: 'application/json', ...init.headers } });
  } catch (e) {
    if (init.signal?.aborted) throw e;
    throw new ApiError(0, 'network', 'Codeflow’s server could not be reached; check your connection');
  }
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;

  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; requestId?: string; subCode?: unknown; fields?: unknown } } | null;
  throw new ApiError(
    res.status,
    body?.error?.code ?? 'http',
    body?.error?.message ?? `The server answered ${res.status} ${res.statusText}`.trim(),
    body?.error?.requestId,
    { subCode: body?.error?.subCode, fields: body?.error?.fields },
  );
}
