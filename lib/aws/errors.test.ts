import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors';
import { toAppError } from './errors';

function sdkError(name: string, message = 'something', requestId = 'req-123', httpStatusCode = 400) {
  return Object.assign(new Error(message), { name, $metadata: { requestId, httpStatusCode } });
}

describe('toAppError', () => {
  for (const name of ['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']) {
    it(`${name} → rate_limited`, () => {
      const e = toAppError(sdkError(name), 'ListServices', { service: 'ECS' });
      assert.equal(e.code, 'rate_limited');
      assert.equal(e.message, 'ECS throttled the request (ListServices); try again shortly');
      assert.equal(e.requestId, 'req-123');
    });
  }

  for (const name of ['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'ExpiredTokenException', 'ExpiredToken', 'UnrecognizedClientException']) {
    it(`${name} → forbidden, without echoing AWS's text`, () => {
      const e = toAppError(sdkError(name, 'User: arn:aws:iam::123456789012:user/x is not authorized'), 'DescribeServices', { service: 'ECS' });
      assert.equal(e.code, 'forbidden');
      assert.doesNotMatch(e.message, /123456789012/);
    });
  }

  for (const name of ['ClusterNotFoundException', 'ServiceNotFoundException', 'TargetGroupNotFound', 'TargetGroupNotFoundException', 'ListenerNotFound', 'LoadBalancerNotFound', 'ResourceNotFoundException']) {
    it(`${name} → not_found`, () => {
      const e = toAppError(sdkError(name, 'Cluster not found.'), 'DescribeServices', { service: 'ECS' });
      assert.equal(e.code, 'not_found');
      assert.match(e.message, /Cluster not found/);
    });
  }

  for (const name of ['InvalidParameterException', 'ValidationError', 'ValidationException', 'ClientException']) {
    it(`${name} → invalid`, () => {
      assert.equal(toAppError(sdkError(name), 'UpdateService').code, 'invalid');
    });
  }

  it('AbortError (the per-call deadline) → unavailable naming the deadline', () => {
    const abort = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    const e = toAppError(abort, 'ListServices', { service: 'ECS', deadlineMs: 8000 });
    assert.equal(e.code, 'unavailable');
    assert.match(e.message, /AWS did not answer within 8000 ms/);
  });

  it('TimeoutError and connection refused → unavailable', () => {
    assert.equal(toAppError(Object.assign(new Error('t'), { name: 'TimeoutError' }), 'X').code, 'unavailable');
    assert.equal(toAppError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'X').code, 'unavailable');
    const wrapped = Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNRESET' } });
    assert.equal(toAppError(wrapped, 'X').code, 'unavailable');
  });

  it('anything else → upstream, keeping the request id and cause', () => {
    const raw = sdkError('InternalServerError', 'oops', 'req-9', 500);
    const e = toAppError(raw, 'DescribeServices', { service: 'ECS' });
    assert.equal(e.code, 'upstream');
    assert.equal(e.requestId, 'req-9');
    assert.equal(e.cause, raw);
    assert.equal(e.message, 'ECS failed DescribeServices (InternalServerError)');
  });

  it('falls back on the HTTP status for unnamed 429 and 503', () => {
    assert.equal(toAppError(sdkError('Unknown', 'x', 'r', 429), 'X').code, 'rate_limited');
    assert.equal(toAppError(sdkError('Unknown', 'x', 'r', 503), 'X').code, 'unavailable');
  });

  it('passes AppErrors through untouched, and survives non-errors', () => {
    const app = new AppError('conflict', 'busy');
    assert.equal(toAppError(app, 'X'), app);
    assert.equal(toAppError('a string', 'X').code, 'upstream');
    assert.equal(toAppError(undefined, 'X').code, 'upstream');
  });
});
