import { BackupClient } from '@aws-sdk/client-backup';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { awsCallStarted } from '../observability/hooks';
import { toAppError } from './errors';

export interface AwsClientOptions {
  region: string;
  /** Only for emulators (sandbox, moto); real AWS resolves its own endpoints. */
  endpoint?: string;
  maxAttempts: number;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  /** Upper bound for one call including all its retries. */
  callDeadlineMs: number;
  /** Tests pass static credentials; otherwise the SDK's default chain (env, profile, SSO, task role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface AwsClients {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  cloudwatch: CloudWatchClient;
  logs: CloudWatchLogsClient;
  guardduty: GuardDutyClient;
  backup: BackupClient;
  deadlineMs: number;
}

export function createAwsClients(opts: AwsClientOptions): AwsClients {
  const common = {
    region: opts.region,
    endpoint: opts.endpoint,
    credentials: opts.credentials,
    retryMode: 'standard',
    maxAttempts: opts.maxAttempts,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: opts.connectionTimeoutMs,
      requestTimeout: opts.requestTimeoutMs,
    }),
  };
  return {
    ecs: new ECSClient(common),
    elbv2: new ElasticLoadBalancingV2Client(common),
    cloudwatch: new CloudWatchClient(common),
    logs: new CloudWatchLogsClient(common),
    guardduty: new GuardDutyClient(common),
    backup: new BackupClient(common),
    deadlineMs: opts.callDeadlineMs,
  };
}

type SdkClient = ECSClient | ElasticLoadBalancingV2Client | CloudWatchClient | CloudWatchLogsClient | GuardDutyClient | BackupClient;

/** The output type of an SDK command, read from its resolved handler. */
type OutputOf<C> = C extends { resolveMiddleware(...args: never[]): (args: never) => Promise<{ output: infer O }> } ? O : never;

const serviceLabels: Record<string, string> = {
  ECS: 'ECS',
  'Elastic Load Balancing v2': 'ELB',
  CloudWatch: 'CloudWatch',
  'CloudWatch Logs': 'CloudWatch Logs',
  GuardDuty: 'GuardDuty',
  Backup: 'AWS Backup',
};

/**
 * Every SDK call goes through here: a deadline that bounds the call with its retries (the
 * SDK's own timeouts are per attempt), and SDK errors turned into AppErrors. `operation` is
 * passed explicitly because class names do not survive minification. Each call is reported to
 * the observability hooks (metrics by service/operation/outcome, a span when tracing is on).
 */
export async function send<C extends object>(client: SdkClient, command: C, deadlineMs: number, operation: string): Promise<OutputOf<C>> {
  const serviceId = client.config.serviceId ?? '';
  const service = serviceLabels[serviceId] ?? (serviceId || 'AWS');
  const ended = awsCallStarted({ service, operation });
  try {
    // The SDK's overloaded generic `send` cannot be called through a union; the output type is recovered by OutputOf.
    const sendAny = client.send.bind(client) as (command: C, options: { abortSignal: AbortSignal }) => Promise<OutputOf<C>>;
    const output = await sendAny(command, { abortSignal: AbortSignal.timeout(deadlineMs) });
    ended({ outcome: 'ok', requestId: (output as { $metadata?: { requestId?: string } }).$metadata?.requestId });
    return output;
  } catch (e) {
    const error = toAppError(e, operation, { service, deadlineMs });
    ended({ outcome: error.code, requestId: error.requestId, error });
    throw error;
  }
}
