import type { AwsRequest } from './request';

/** An operation handler: parsed input in, output object out (serialised by the protocol). */
export type Operation = (input: Record<string, unknown>, request: AwsRequest) => unknown;

export type Protocol = 'awsJson1_0' | 'awsJson1_1' | 'awsQuery' | 'restJson1';

export interface RestRoute {
  method: string;
  /** Path with `{param}` placeholders, e.g. `/detector/{detectorId}/findings`. */
  path: string;
  operation: string;
}

/** One AWS service the sandbox speaks, keyed by its SigV4 signing name. */
export interface ServiceDefinition {
  signingName: string;
  /** The protocols the service accepts; the request's headers pick one. */
  protocols: Protocol[];
  /** `X-Amz-Target` prefix for the JSON protocols, e.g. `AmazonEC2ContainerServiceV20141113`. */
  targetPrefix?: string;
  /** XML namespace for awsQuery responses. */
  xmlNamespace?: string;
  restRoutes?: RestRoute[];
  /**
   * awsQueryCompatible services (CloudWatch) throw query error codes (`InvalidParameterValue`);
   * their JSON protocol answers with the modelled type (`InvalidParameterValueException`) and,
   * when the client sends `x-amzn-query-mode`, the query code in `x-amzn-query-error`.
   */
  jsonErrorTypes?: Record<string, string>;
  operations: Record<string, Operation>;
}
