import type { STSClient } from '@aws-sdk/client-sts';
import { AppError } from '../errors';
import { assumeRole, type AssumeRoleInput, type TemporaryCredentials } from './sts';

export interface RoleCredentialsOptions {
  /** New credentials are fetched this long before the old ones expire (the SDK asks again within 5 minutes of expiry). */
  refreshBeforeMs?: number;
  /** A refusal is remembered this long, so a denied account costs STS one call per interval, not one per read. */
  failureTtlMs?: number;
  deadlineMs?: number;
  now?: () => number;
}

/** The SDK refreshes identities this close to their expiry (@smithy/core's isIdentityExpired). */
const SDK_REFRESH_WINDOW_MS = 300_000;

interface Entry {
  credentials?: TemporaryCredentials;
  pending?: Promise<TemporaryCredentials>;
  failure?: { error: AppError; at: number };
}

/**
 * Assumed-role credentials per role and session name, shared by every client of an account: one
 * sts:AssumeRole per credential lifetime however many clients, Regions and readers there are,
 * refreshed before expiry by whichever call needs them first (the others wait for that one).
 */
export class RoleCredentials {
  private readonly entries = new Map<string, Entry>();
  private readonly refreshBeforeMs: number;
  private readonly failureTtlMs: number;
  private readonly deadlineMs: number;
  private readonly now: () => number;
  /** AssumeRole calls made, for tests and the bench. */
  calls = 0;

  constructor(
    private readonly sts: STSClient,
    opts: RoleCredentialsOptions = {},
  ) {
    this.refreshBeforeMs = opts.refreshBeforeMs ?? 10 * 60_000;
    this.failureTtlMs = opts.failureTtlMs ?? 30_000;
    this.deadlineMs = opts.deadlineMs ?? 8000;
    this.now = opts.now ?? Date.now;
  }

  /**
   * A credential provider for the SDK's `credentials` option. The SDK keeps what a provider gave
   * until five minutes before its expiry; the expiry it is told here is always within that window,
   * so it asks again on every call — answered from this cache — and credentials this cache drops
   * (`invalidate`, after AWS said they expired early or were revoked) are replaced at the next call.
   */
  provider(account: { id: string; name: string }, input: AssumeRoleInput): () => Promise<TemporaryCredentials> {
    return async () => {
      const credentials = await this.get(account, input);
      return { ...credentials, expiration: new Date(Math.min(credentials.expiration.getTime(), this.now() + SDK_REFRESH_WINDOW_MS - 1000)) };
    };
  }

  /** Forgets a role session's credentials: the next call assumes the role again. */
  invalidate(input: Pick<AssumeRoleInput, 'roleArn' | 'sessionName'>): void {
    const entry = this.entries.get(`${input.roleArn}|${input.sessionName}`);
    if (entry) entry.credentials = undefined;
  }

  async get(account: { id: string; name: string }, input: AssumeRoleInput): Promise<TemporaryCredentials> {
    const key = `${input.roleArn}|${input.sessionName}`;
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = {}));
    const now = this.now();
    if (entry.credentials && entry.credentials.expiration.getTime() - now > this.refreshBeforeMs) return entry.credentials;
    if (entry.pending) return entry.pending;
    if (entry.failure && now - entry.failure.at < this.failureTtlMs) throw entry.failure.error;
    const current = entry;
    this.calls++;
    current.pending = assumeRole(this.sts, input, this.deadlineMs)
      .then((credentials) => {
        current.credentials = credentials;
        current.failure = undefined;
        return credentials;
      })
      .catch((e: unknown) => {
        const error = explain(account, input.roleArn, e);
        current.failure = { error, at: this.now() };
        // Credentials not yet expired still serve while STS refuses a refresh.
        if (current.credentials && current.credentials.expiration.getTime() > this.now()) return current.credentials;
        throw error;
      })
      .finally(() => {
        current.pending = undefined;
      });
    return current.pending;
  }
}

/** "staging (210987654321): AccessDenied on sts:AssumeRole …": which account, what failed, what to check. */
function explain(account: { id: string; name: string }, roleArn: string, e: unknown): AppError {
  const who = `${account.name} (${account.id})`;
  if (e instanceof AppError && e.code === 'forbidden') {
    return new AppError('forbidden', `${who}: AccessDenied on sts:AssumeRole for ${roleArn}; check the role's trust policy (Codeflow's principal and external id)`, { cause: e, requestId: e.requestId });
  }
  const message = e instanceof AppError ? e.message : 'STS failed';
  return new AppError(e instanceof AppError ? e.code : 'upstream', `${who}: could not assume ${roleArn}: ${message}`, { cause: e });
}
