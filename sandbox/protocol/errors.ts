/**
 * An error in AWS's own shape. `code` becomes `__type` (JSON protocols) or `<Code>` (query), so the
 * SDK raises its modelled exception class (e.g. ClusterNotFoundException).
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  /** 'Sender' for client faults, 'Receiver' for server faults (the query protocol's <Type>). */
  readonly fault: 'Sender' | 'Receiver';
  /** Modelled members beyond `message` (e.g. MalformedQueryException's queryCompileError); JSON protocols send them. */
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, status = 400, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.status = status;
    this.fault = status >= 500 ? 'Receiver' : 'Sender';
    this.details = details;
  }
}

export const throttled = () => new AwsError('ThrottlingException', 'Rate exceeded', 400);
