import { AppError, isAppError } from '../errors';

export interface ErrorContext {
  /** Who answered, as people call it: "ECS", "ELB". */
  service?: string;
  /** The per-call deadline, so a timeout message can say how long we waited. */
  deadlineMs?: number;
}

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);
const INVALID = new Set(['InvalidParameterException', 'MalformedQueryException', 'ValidationError', 'ValidationException', 'ClientException', 'InvalidParameterValue', 'InvalidConfigurationRequest', 'BadRequestException', 'InvalidParameterCombination', 'MissingParameter']);
/** CloudWatch (awsJson, query-compatible) names its errors by modelled shape; the query code stays in `Code`. */
const CLOUDWATCH_INVALID = new Set(['InvalidParameterValueException', 'InvalidParameterCombinationException', 'MissingRequiredParameterException', 'InvalidFormatFault', 'InvalidNextToken']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * The only code that looks inside SDK errors. `operation` is the API name (ListServices); the
 * message is meant for a person, and the AWS request id is kept so support can trace the call.
 */
export function toAppError(e: unknown, operation: string, ctx: ErrorContext = {}): AppError {
  if (isAppError(e)) return e;
  const service = ctx.service ?? 'AWS';
  const err = (typeof e === 'object' && e !== null ? e : {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { requestId?: string; httpStatusCode?: number };
    cause?: unknown;
    queryCompileError?: { location?: { startCharOffset?: number; endCharOffset?: number } };
  };
  const name = err.name ?? '';
  const requestId = err.$metadata?.requestId;
  const status = err.$metadata?.httpStatusCode;
  const opts = { requestId, cause: e };
  const detail = awsMessage(err.message) + queryLocation(err.message, err.queryCompileError);

  if (THROTTLING.has(name)) {
    return new AppError('rate_limited', `${service} throttled the request (${operation}); try again shortly`, opts);
  }
  if (
    name.startsWith('AccessDenied') ||
    name === 'UnauthorizedOperation' ||
    name.startsWith('ExpiredToken') ||
    name.startsWith('UnrecognizedClient') ||
    name === 'InvalidClientTokenId'
  ) {
    // AccessDenied messages name account ids and roles, so AWS's text is not echoed.
    return new AppError('forbidden', `${service} refused ${operation}: the AWS credentials in use are not allowed to do this`, opts);
  }
  if (name === 'CredentialsProviderError') {
    return new AppError('forbidden', `No AWS credentials were found for ${service} ${operation}; configure a profile, SSO or a task role`, opts);
  }
  if (/NotFound(Exception|Error)?$/.test(name)) {
    return new AppError('not_found', `${service} could not find the resource (${operation})${detail}`, opts);
  }
  if (name === 'ConflictException') {
    // ECS: the resource's current state does not allow it (e.g. stopping a finished deployment).
    return new AppError('conflict', `${service} refused ${operation}: the resource's current state does not allow it${detail}`, opts);
  }
  if (name === 'ResourceAlreadyExistsException') {
    return new AppError('conflict', `${service} refused ${operation}: the resource already exists${detail}`, opts);
  }
  if (name === 'LimitExceededFault' || name === 'LimitExceededException') {
    return new AppError('conflict', `${service} refused ${operation}: an account limit is reached${detail}`, opts);
  }
  if (INVALID.has(name) || CLOUDWATCH_INVALID.has(name)) {
    return new AppError('invalid', `${service} rejected ${operation} as invalid${detail}`, opts);
  }
  if (name === 'AbortError' || name === 'TimeoutError' || isNetworkError(err)) {
    const waited = ctx.deadlineMs !== undefined ? ` within ${ctx.deadlineMs} ms` : '';
    return new AppError('unavailable', `AWS did not answer${waited} (${service} ${operation}); try again shortly`, opts);
  }
  if (status === 429) {
    return new AppError('rate_limited', `${service} throttled the request (${operation}); try again shortly`, opts);
  }
  if (status === 503) {
    return new AppError('unavailable', `${service} is unavailable right now (${operation}); try again shortly`, opts);
  }
  return new AppError('upstream', `${service} failed ${operation}${name ? ` (${name})` : ''}`, opts);
}

function isNetworkError(err: { code?: string; cause?: unknown; name?: string }): boolean {
  if (err.code && NETWORK_CODES.has(err.code)) return true;
  const cause = err.cause as { code?: string } | undefined;
  if (cause?.code && NETWORK_CODES.has(cause.code)) return true;
  // The SDK's own socket/connection timeouts surface under these names.
  return err.name === 'TimeoutError' || err.name === 'RequestTimeout' || err.name === 'NetworkingError';
}

/** AWS's own messages name the missing or invalid thing and are safe to show; keep them short. */
function awsMessage(message: string | undefined): string {
  if (!message || message === 'UnknownError') return '';
  const oneLine = message.replace(/\s+/g, ' ').trim();
  return `: ${oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine}`;
}

/** Logs Insights says where a query is malformed; keep that where the message does not. */
function queryLocation(message: string | undefined, error: { location?: { startCharOffset?: number; endCharOffset?: number } } | undefined): string {
  const start = error?.location?.startCharOffset;
  if (start === undefined || /position/i.test(message ?? '')) return '';
  return ` (at characters ${start}–${error?.location?.endCharOffset ?? start})`;
}
