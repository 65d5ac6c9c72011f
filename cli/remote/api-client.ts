import { fieldIssuesOf, subCodeOf, type AppErrorSubCode } from '../../lib/errors';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import type { ServerCredentials } from './credentials';

export interface RequestOptions {
  body?: unknown;
  idempotencyKey?: string;
  timeoutMs?: number;
}

/**
 * The CLI's only way to act: Codeflow's HTTP API with a personal token, so every write meets the
 * same guards, approvals, locks and audit as in the browser. It never holds AWS credentials.
 */
export class ApiClient {
  constructor(
    readonly server: ServerCredentials,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.size > 0 ? `?${params}` : '';
    return this.request<T>('GET', `${path}${qs}`);
  }

  post<T>(path: string, body: unknown, opts: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...opts, body });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.server.token}`, accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.server.url}${path}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
      });
    } catch (e) {
      const why = e instanceof Error && e.name === 'TimeoutError' ? 'timed out' : e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
      throw new CliError(`cannot reach ${this.server.url}: ${why}`);
    }
    const text = await res.text();
    const data = parseJson(text);
    if (res.ok) return data as T;
    const err = (data as { error?: { subCode?: unknown; fields?: unknown } } | null)?.error;
    const details = { subCode: subCodeOf(err?.subCode), fields: fieldIssuesOf(err?.fields) };
    throw new CliError(apiErrorMessage(res.status, data, this.server.url), exitCodeFor(res.status, details.subCode), details);
  }
}

/** 400/422 → usage (the input was wrong), 403/409 → refused, everything else → failure. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 400 || status === 422) return EXIT.usage;
  if (status === 403 || status === 409) return EXIT.refused;
  return EXIT.failure;
}

/** The sub-code decides where it has one: waiting for an approval is not a refusal (exit 4, as when a request waits). */
export function exitCodeFor(status: number, subCode: AppErrorSubCode | undefined): ExitCode {
  switch (subCode) {
    case 'approval_required':
      return EXIT.needsApproval;
    case 'stale_plan':
    case 'locked':
    case 'read_only':
      return EXIT.refused;
    case 'invalid':
      return EXIT.usage;
    default:
      return exitCodeForStatus(status);
  }
}

function apiErrorMessage(status: number, data: unknown, url: string): string {
  const err = (data as { error?: { message?: unknown; requestId?: unknown } } | null)?.error;
  const message = typeof err?.message === 'string' ? err.message : null;
  if (status === 401) return `${message ?? 'the server did not accept the token'} — run \`codeflow login ${url}\` with a new token`;
  if (status >= 300 && status < 400) return `the server answered with a redirect (HTTP ${status}): is ${url} a Codeflow server?`;
  if (message) return message;
  return `the server answered HTTP ${status}`;
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
