/**
 * The one error type that crosses layers. Route handlers map `code` to an HTTP status with
 * `httpStatusOf`; the message is written for the person reading it, never a stack trace.
 */
export type AppErrorCode =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'rate_limited'
  | 'upstream'
  | 'unavailable';

const statusByCode: Record<AppErrorCode, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  upstream: 502,
  unavailable: 503,
};

/** A brand rather than `instanceof`: Next.js may bundle this module more than once per process. */
const APP_ERROR = Symbol.for('codeflow.AppError');

/**
 * What a client can act on beyond the status, so no client matches message text: `stale_plan`
 * (plan again), `locked` (wait or cancel the holder), `read_only` (ask an admin),
 * `approval_required` (a second operator must approve first), `invalid` (with the fields it is about).
 */
export const APP_ERROR_SUB_CODES = ['stale_plan', 'locked', 'read_only', 'approval_required', 'invalid'] as const;
export type AppErrorSubCode = (typeof APP_ERROR_SUB_CODES)[number];

/** A sub-code read from an API response: one this build knows, or undefined (an older or newer server's is ignored). */
export function subCodeOf(value: unknown): AppErrorSubCode | undefined {
  return (APP_ERROR_SUB_CODES as readonly unknown[]).includes(value) ? (value as AppErrorSubCode) : undefined;
}

export interface FieldIssue {
  /** Dotted path of the field in the request body, e.g. `request.desiredCount`. */
  path: string;
  message: string;
}

/** The well-formed entries of an API response's `fields` (anything else is dropped, not trusted). */
export function fieldIssuesOf(value: unknown): FieldIssue[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const issues = value.flatMap((f: unknown) => {
    const { path, message } = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    return typeof path === 'string' && typeof message === 'string' ? [{ path, message }] : [];
  });
  return issues.length ? issues : undefined;
}

export class AppError extends Error {
  readonly [APP_ERROR] = true;
  readonly code: AppErrorCode;
  /** AWS request id, when the error came from an AWS call; shown so support can trace it. */
  readonly requestId?: string;
  readonly subCode?: AppErrorSubCode;
  readonly fields?: FieldIssue[];

  constructor(code: AppErrorCode, message: string, options: { requestId?: string; cause?: unknown; subCode?: AppErrorSubCode; fields?: FieldIssue[] } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.requestId = options.requestId;
    this.subCode = options.subCode;
    this.fields = options.fields;
  }
}

/** A 400 about one field of the request body: `path: message` for people, `fields` for clients to show beside the field. */
export function invalidField(path: string, message: string): AppError {
  return new AppError('invalid', `${path}: ${message}`, { subCode: 'invalid', fields: [{ path, message }] });
}

export function httpStatusOf(code: AppErrorCode): number {
  return statusByCode[code];
}

export function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[APP_ERROR] === true;
}
