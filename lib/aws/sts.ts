import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { AppError } from '../errors';
import { awsCallStarted } from '../observability/hooks';
import { toAppError } from './errors';

/** What assumed-role credentials are: the SDK's identity shape, with the expiry it refreshes by. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface StsOptions {
  region: string;
  endpoint?: string;
  /** Codeflow's own credentials (the ones that assume the member accounts' roles); the default chain when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  requestTimeoutMs: number;
  callDeadlineMs: number;
}

export function createStsClient(opts: StsOptions): STSClient {
  return new STSClient({
    region: opts.region,
    endpoint: opts.endpoint,
    credentials: opts.credentials,
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout: opts.requestTimeoutMs }),
  });
}

async function call<T>(operation: string, deadlineMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ended = awsCallStarted({ service: 'STS', operation });
  try {
    const output = await run(AbortSignal.timeout(deadlineMs));
    ended({ outcome: 'ok', requestId: (output as { $metadata?: { requestId?: string } }).$metadata?.requestId });
    return output;
  } catch (e) {
    const error = toAppError(e, operation, { service: 'STS', deadlineMs });
    ended({ outcome: error.code, requestId: error.requestId, error });
    throw error;
  }
}

export interface AssumeRoleInput {
  roleArn: string;
  /** 2–64 characters of [\w+=,.@-]; shows in the member account's CloudTrail as who acted. */
  sessionName: string;
  externalId?: string;
  durationSeconds?: number;
}

export async function assumeRole(sts: STSClient, input: AssumeRoleInput, deadlineMs: number): Promise<TemporaryCredentials> {
  const out = await call('AssumeRole', deadlineMs, (abortSignal) =>
    sts.send(new AssumeRoleCommand({ RoleArn: input.roleArn, RoleSessionName: input.sessionName, ExternalId: input.externalId, DurationSeconds: input.durationSeconds }), { abortSignal }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new AppError('upstream', `STS answered AssumeRole for ${input.roleArn} without credentials`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) };
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export async function getCallerIdentity(sts: STSClient, deadlineMs: number): Promise<CallerIdentity> {
  const out = await call('GetCallerIdentity', deadlineMs, (abortSignal) => sts.send(new GetCallerIdentityCommand({}), { abortSignal }));
  return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' };
}

/** A role session name from a person's name or email: AWS allows 2–64 characters of [\w+=,.@-]. */
export function roleSessionName(prefix: string, who: string): string {
  const cleaned = who.replace(/[^\w+=,.@-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${prefix}-${cleaned || 'unknown'}`.slice(0, 64);
}
