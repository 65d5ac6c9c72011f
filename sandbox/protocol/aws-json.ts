import { AwsError } from './errors';
import type { AwsRequest, AwsResponse } from './request';
import type { ServiceDefinition } from './operations';

/** JSON protocols send timestamps as epoch seconds. */
export function toJsonWire(value: unknown): string {
  // The replacer sees a Date after its toJSON() ran, so look at the holder's original value.
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    const original = this[key];
    if (original instanceof Map) return Object.fromEntries(original);
    return original instanceof Date ? original.getTime() / 1000 : v;
  });
}

export function jsonResponse(status: number, body: unknown, requestId: string, contentType: string): AwsResponse {
  return {
    status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
    body: toJsonWire(body ?? {}),
  };
}

export function jsonError(error: AwsError, requestId: string, contentType: string, compat?: { types?: Record<string, string>; queryMode: boolean }): AwsResponse {
  const type = compat?.types?.[error.code] ?? error.code;
  const queryError: Record<string, string> = compat?.queryMode ? { 'x-amzn-query-error': `${error.code};${error.fault}` } : {};
  return {
    status: error.status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId, 'x-amzn-errortype': type, ...queryError },
    body: JSON.stringify({ ...error.details, __type: type, message: error.message }),
  };
}

/** awsJson 1.0 / 1.1: POST /, `X-Amz-Target: Prefix.Operation`, JSON body. */
export function parseJsonRequest(service: ServiceDefinition, request: AwsRequest): { operation: string; input: Record<string, unknown> } {
  const target = String(request.headers['x-amz-target'] ?? '');
  const [prefix, operation] = target.split('.');
  if (!operation || prefix !== service.targetPrefix) {
    throw new AwsError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`);
  }
  let input: unknown = {};
  if (request.body.trim() !== '') {
    try {
      input = JSON.parse(request.body);
    } catch {
      throw new AwsError('SerializationException', 'Start of structure or map found where not expected, or the request body is not valid JSON');
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AwsError('SerializationException', 'The request body must be a JSON object');
  }
  return { operation, input: input as Record<string, unknown> };
}
