import { BackupClient } from '@aws-sdk/client-backup';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { awsCallStarted } from '../observability/hooks';
import { EcrClient } from './ecr';
import { toAppError } from './errors';
import type { QuotaBudget, QuotaScope } from './quota-budget';
import { awsServiceIdOf, throttleBucketOf } from './throttle-buckets';

export interface AwsClientOptions {
  region: string;
  /** Only for emulators (sandbox, moto); real AWS resolves its own endpoints. */
  endpoint?: string;
  maxAttempts: number;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  /** Upper bound for one call including all its retries. */
  callDeadlineMs: number;
  /**
   * Tests pass static credentials, member accounts an assumed-role provider (lib/aws/role-credentials.ts);
   * otherwise the SDK's default chain (env, profile, SSO, task role).
   */
  credentials?: StaticCredentials | (() => Promise<StaticCredentials & { expiration?: Date }>);
  /** Codeflow's share of AWS's throttle buckets; absent, calls are not budgeted (tests, one-off CLI runs). */
  budget?: QuotaBudget;
  /** Whose quota the calls spend: AWS's throttle buckets are per account and Region. */
  account?: string;
  /** Called when AWS rejects the credentials themselves (expired early, revoked): assumed-role credentials are dropped and assumed again. */
  onCredentialsRejected?: () => void;
}

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsClients {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  cloudwatch: CloudWatchClient;
  logs: CloudWatchLogsClient;
  guardduty: GuardDutyClient;
  backup: BackupClient;
  /** ECR over its wire protocol (lib/aws/ecr.ts), with the ECS client's credentials. */
  ecr: EcrClient;
  deadlineMs: number;
  budget?: { quota: QuotaBudget; scope: QuotaScope };
  /** The Region the clients call (deep links to the AWS console use it). */
  region: string;
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
  const ecs = new ECSClient(common);
  const clients: AwsClients = {
    ecs,
    elbv2: new ElasticLoadBalancingV2Client(common),
    cloudwatch: new CloudWatchClient(common),
    logs: new CloudWatchLogsClient(common),
    guardduty: new GuardDutyClient(common),
    backup: new BackupClient(common),
    ecr: new EcrClient({ region: opts.region, endpoint: opts.endpoint, credentials: () => ecs.config.credentials(), maxAttempts: opts.maxAttempts, requestTimeoutMs: opts.requestTimeoutMs }),
    deadlineMs: opts.callDeadlineMs,
    region: opts.region,
    budget: opts.budget ? { quota: opts.budget, scope: { account: opts.account ?? 'default', region: opts.region } } : undefined,
  };
  for (const c of [clients.ecs, clients.elbv2, clients.cloudwatch, clients.logs, clients.guardduty, clients.backup]) {
    if (clients.budget) budgets.set(c, clients.budget);
    if (opts.onCredentialsRejected) rejections.set(c, opts.onCredentialsRejected);
  }
  return clients;
}

/** Each SDK client's "AWS rejected these credentials" hook (on globalThis for the same reason as the budgets). */
const REJECTIONS = Symbol.for('codeflow.awsCredentialRejections');
const rejections: WeakMap<object, () => void> = ((globalThis as { [REJECTIONS]?: WeakMap<object, () => void> })[REJECTIONS] ??= new WeakMap());
/** AWS's answers to credentials that expired early, were revoked, or belong to a session it no longer knows. */
const REJECTED_CREDENTIALS = /^(ExpiredToken|InvalidClientTokenId|UnrecognizedClient)/;

/**
 * Each SDK client's budget, so every `send` call site is budgeted without passing it along. Kept on
 * globalThis: Next may evaluate this module once per route bundle, and the process's clients
 * (lib/aws/default-clients.ts) are made by one copy and used through all of them — a per-copy map
 * would leave every other copy's calls unbudgeted.
 */
const BUDGETS = Symbol.for('codeflow.awsClientBudgets');
type ClientBudgets = WeakMap<object, { quota: QuotaBudget; scope: QuotaScope }>;
const budgets: ClientBudgets = ((globalThis as { [BUDGETS]?: ClientBudgets })[BUDGETS] ??= new WeakMap());

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
  const budget = budgets.get(client);
  const serviceId = client.config.serviceId ?? '';
  const service = serviceLabels[serviceId] ?? (serviceId || 'AWS');
  const awsService = awsServiceIdOf(serviceId);
  const bucket = budget && awsService ? throttleBucketOf(awsService, operation) : null;
  // Reads wait for Codeflow's share of the throttle bucket; the deadline starts once the call may go out.
  if (budget && bucket) await budget.quota.take(budget.scope, bucket);
  const ended = awsCallStarted({ service, operation });
  const abortSignal = AbortSignal.timeout(deadlineMs);
  // The SDK's overloaded generic `send` cannot be called through a union; the output type is recovered by OutputOf.
  const sendAny = client.send.bind(client) as (command: C, options: { abortSignal: AbortSignal }) => Promise<OutputOf<C>>;
  const attempt = async (): Promise<OutputOf<C>> => {
    try {
      return await sendAny(command, { abortSignal });
    } catch (e) {
      const rejected = rejections.get(client);
      if (!rejected || !REJECTED_CREDENTIALS.test((e as { name?: string })?.name ?? '')) throw e;
      // Assumed-role credentials AWS no longer accepts (revoked, expired early): drop them and send
      // once more with fresh ones. AWS refused the request before acting on it, so a write is not doubled.
      rejected();
      return sendAny(command, { abortSignal });
    }
  };
  try {
    const output = await attempt();
    const metadata = (output as { $metadata?: { requestId?: string; attempts?: number } }).$metadata;
    // Retried attempts are most often throttling the SDK absorbed: shrink the share all the same.
    if (budget && bucket && (metadata?.attempts ?? 1) > 1) budget.quota.throttled(budget.scope, bucket);
    ended({ outcome: 'ok', requestId: metadata?.requestId });
    return output;
  } catch (e) {
    if (REJECTED_CREDENTIALS.test((e as { name?: string })?.name ?? '')) rejections.get(client)?.();
    const error = toAppError(e, operation, { service, deadlineMs });
    if (budget && bucket && error.code === 'rate_limited') budget.quota.throttled(budget.scope, bucket);
    ended({ outcome: error.code, requestId: error.requestId, error });
    throw error;
  }
}
