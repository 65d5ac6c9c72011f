import { createHash, randomBytes } from 'node:crypto';
import type { SandboxAccount } from '../lib/sandbox/organization';
import type { ServiceDefinition } from './protocol/operations';
import { DR_LAYOUT, EMPTY_LAYOUT, GENERATED_LAYOUT, PRIMARY_LAYOUT, STAGING_ACCOUNT_LAYOUT, type FleetLayout } from './sim/seed-fleet';
import { Sandbox, type ResetOptions } from './state';

/** Who a request's access key says is calling. */
export interface Caller {
  accountId: string;
  arn: string;
  userId: string;
}

/** Credentials the sandbox's STS issued: the key id is what later requests carry. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Wall-clock epoch ms, as AWS's Expiration. */
  expiresAt: number;
  accountId: string;
  roleArn: string;
  roleName: string;
  sessionName: string;
  assumedRoleId: string;
}

/** What a request's access key resolves to: its caller, or why AWS would refuse it before any service sees it. */
export type KeyResolution = { caller: Caller } | { problem: 'expired' | 'invalid' };

/** One world per account × Region; `account`/`region` say which. */
export interface OrganizationWorld {
  accountId: string;
  region: string;
  sandbox: Sandbox;
  services: ServiceDefinition[];
}

/** The user Codeflow's own (static) credentials belong to, in the home account. */
export const SANDBOX_USER_NAME = 'codeflow';

/** A Region's name as AWS spells them (us-east-1, ap-southeast-2, us-gov-west-1): anything else gets no world of its own. */
export const isRegionName = (name: string) => /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(name);

const worldKey = (accountId: string, region: string) => `${accountId}/${region}`;

/** A stable 17-character IAM unique-id suffix (AIDA…, AROA…) for a name. */
export const uniqueIdOf = (prefix: string, name: string) => `${prefix}${createHash('sha256').update(name).digest('hex').slice(0, 17).toUpperCase()}`;

/**
 * The world an account's Region holds: the first account's home Region is the guide's fleet (the
 * world the single-account sandbox always was); a production account's other Regions its DR standby;
 * a staging account's home Region a small release-candidate fleet; anything else is empty. An
 * account with a `fleetSize` holds generated workers in its other worlds (the primary keeps the guide's fleet).
 */
export function layoutFor(accounts: readonly SandboxAccount[], accountId: string, region: string): FleetLayout {
  const index = accounts.findIndex((a) => a.id === accountId);
  const account = accounts[index];
  if (!account || !account.regions.includes(region)) return EMPTY_LAYOUT;
  const home = account.regions[0] === region;
  if (index === 0 && home) return PRIMARY_LAYOUT;
  if (account.fleetSize !== undefined) return GENERATED_LAYOUT;
  if (index === 0) return DR_LAYOUT;
  if (account.environment === 'staging' && home) return STAGING_ACCOUNT_LAYOUT;
  return EMPTY_LAYOUT;
}

/** Each world draws from its own seed, so the same names in two worlds get different ids and digests. */
export function worldSeed(seed: number, accountId: string, region: string, primary: boolean): number {
  if (primary) return seed;
  return (seed ^ parseInt(createHash('sha256').update(worldKey(accountId, region)).digest('hex').slice(0, 8), 16)) >>> 0;
}

/**
 * The sandbox playing an AWS organisation: one Sandbox world per account × Region, the roles its
 * accounts offer through STS, and the credentials STS issued.
 *
 * One clock for all: every world starts at the same sim time and runs at the same speed, and the
 * organisation's `advance`, `setSpeed` and `reset` act on all of them, as time passes for every
 * account at once in AWS. Faults and call counts stay per world (an account's Region is where AWS
 * is slow or counts calls).
 *
 * A Region an account does not list gets an empty world when first asked for (what a real unused
 * Region answers: empty lists, not-found errors naming the account); it is kept and saved like the others.
 */
export class SandboxOrganization {
  private readonly worlds = new Map<string, OrganizationWorld>();
  /** Issued credentials by access key id (expired ones included: they answer ExpiredToken, not "invalid"). */
  readonly credentials = new Map<string, IssuedCredentials>();
  /** Accounts whose roles' trust policies deny everyone (`PUT /_sandbox/accounts/<id>/trust`). */
  readonly deniedTrust = new Set<string>();
  private built = false;
  private options: Required<Omit<ResetOptions, 'startTime'>> & { startTime: number };

  constructor(
    readonly accounts: readonly SandboxAccount[],
    options: ResetOptions,
    private readonly servicesOf: (sandbox: Sandbox) => ServiceDefinition[],
  ) {
    if (accounts.length === 0) throw new Error('an organisation needs at least one account');
    for (const account of accounts) {
      if (!/^\d{12}$/.test(account.id)) throw new Error(`account id "${account.id}" is not 12 digits`);
      if (account.regions.length === 0) throw new Error(`account ${account.name} lists no Region`);
    }
    this.options = { seed: options.seed ?? 42, fleetSize: options.fleetSize ?? 0, speed: options.speed ?? 1, startTime: options.startTime ?? Date.now() };
    for (const account of accounts) for (const region of account.regions) this.world(account.id, region);
    this.built = true;
  }

  /** The first account: the one whose credentials Codeflow holds, and whose principals the roles trust. */
  get home(): SandboxAccount {
    return this.accounts[0]!;
  }

  /** The home account's home Region: the world the single-account sandbox always was. */
  get primary(): Sandbox {
    return this.world(this.home.id, this.home.regions[0]!);
  }

  account(accountId: string): SandboxAccount | undefined {
    return this.accounts.find((a) => a.id === accountId);
  }

  /** The world of an account's Region, created (empty, unless the organisation lists it) on first use. */
  world(accountId: string, region: string): Sandbox {
    return this.entry(accountId, region).sandbox;
  }

  /** The world with the services that answer for it. */
  entry(accountId: string, region: string): OrganizationWorld {
    const key = worldKey(accountId, region);
    let entry = this.worlds.get(key);
    if (!entry) {
      const primary = this.worlds.size === 0;
      const options = this.worldOptions(accountId, region, primary);
      // A world first asked for later starts where the organisation's clock stands now.
      const clock = this.built ? this.primary.clock : undefined;
      const sandbox = new Sandbox(region, clock ? { ...options, startTime: clock.now(), speed: clock.speed } : options, { accountId, layout: layoutFor(this.accounts, accountId, region) });
      entry = { accountId, region, sandbox, services: this.servicesOf(sandbox) };
      this.worlds.set(key, entry);
    }
    return entry;
  }

  /** Every world, the primary first. */
  list(): OrganizationWorld[] {
    return [...this.worlds.values()];
  }

  private worldOptions(accountId: string, region: string, primary: boolean): ResetOptions {
    const fleetSize = this.account(accountId)?.fleetSize ?? (primary ? this.options.fleetSize : 0);
    return { ...this.options, seed: worldSeed(this.options.seed, accountId, region, primary), fleetSize };
  }

  /** Resets every world from the same start time and speed (each from its own seed). */
  reset(options: ResetOptions = {}): void {
    this.options = { seed: options.seed ?? 42, fleetSize: options.fleetSize ?? 0, speed: options.speed ?? 1, startTime: options.startTime ?? Date.now() };
    for (const entry of this.worlds.values()) entry.sandbox.reset(this.worldOptions(entry.accountId, entry.region, entry.sandbox === this.primary));
  }

  advance(seconds: number): void {
    for (const entry of this.worlds.values()) entry.sandbox.advance(seconds);
  }

  setSpeed(speed: number): void {
    for (const entry of this.worlds.values()) {
      entry.sandbox.now();
      entry.sandbox.clock.setSpeed(speed);
    }
  }

  /** The caller a request's access key id names; keys the sandbox did not issue are the home account's user. */
  resolveKey(accessKeyId: string | null, now = Date.now()): KeyResolution {
    if (accessKeyId && accessKeyId.startsWith('ASIA')) {
      const issued = this.credentials.get(accessKeyId);
      if (!issued) return { problem: 'invalid' };
      if (now >= issued.expiresAt) return { problem: 'expired' };
      return { caller: { accountId: issued.accountId, arn: assumedRoleArn(issued), userId: `${issued.assumedRoleId}:${issued.sessionName}` } };
    }
    return { caller: this.homeUser() };
  }

  homeUser(): Caller {
    const accountId = this.home.id;
    return { accountId, arn: `arn:aws:iam::${accountId}:user/${SANDBOX_USER_NAME}`, userId: uniqueIdOf('AIDA', `${accountId}:${SANDBOX_USER_NAME}`) };
  }

  /** The account offering a role by this ARN (its readRole or operatorRole), or undefined: no such role. */
  roleOwner(roleArn: string): SandboxAccount | undefined {
    return this.accounts.find((a) => a.readRole === roleArn || a.operatorRole === roleArn);
  }

  /**
   * The role's trust policy: principals of the home account may assume it, with the account's
   * external id when it has one; `deny` (the admin switch) refuses everyone.
   */
  trusts(account: SandboxAccount, caller: Caller, externalId: string | undefined): boolean {
    if (this.deniedTrust.has(account.id)) return false;
    if (caller.accountId !== this.home.id) return false;
    return account.externalId === undefined || account.externalId === externalId;
  }

  issue(account: SandboxAccount, roleArn: string, sessionName: string, durationSeconds: number, now = Date.now()): IssuedCredentials {
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    const credentials: IssuedCredentials = {
      accessKeyId: `ASIA${randomBytes(10).toString('hex').slice(0, 16).toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(192).toString('base64'),
      expiresAt: now + durationSeconds * 1000,
      accountId: account.id,
      roleArn,
      roleName,
      sessionName,
      assumedRoleId: uniqueIdOf('AROA', roleArn),
    };
    this.pruneExpired(now);
    this.credentials.set(credentials.accessKeyId, credentials);
    return credentials;
  }

  /** Ends issued credentials now (all, or one key): what waiting out their DurationSeconds does. */
  expire(accessKeyId?: string, now = Date.now()): number {
    let count = 0;
    for (const c of this.credentials.values()) {
      if (accessKeyId !== undefined && c.accessKeyId !== accessKeyId) continue;
      c.expiresAt = Math.min(c.expiresAt, now - 1);
      count++;
    }
    return count;
  }

  /** Keys expired for a day are forgotten (a request with one is then "invalid", as AWS says of a long-gone token). */
  private pruneExpired(now: number): void {
    for (const [id, c] of this.credentials) if (c.expiresAt < now - 86400_000) this.credentials.delete(id);
  }

  /** What GET /_sandbox/accounts shows. */
  describe() {
    return this.accounts.map((account) => ({
      id: account.id,
      name: account.name,
      environment: account.environment,
      regions: account.regions,
      worlds: this.list()
        .filter((w) => w.accountId === account.id)
        .map((w) => ({ region: w.region, layout: w.sandbox.layout.name, worldId: w.sandbox.worldId, clusters: [...w.sandbox.world.clusters.keys()] })),
      roles: [account.readRole, account.operatorRole].filter((r): r is string => r !== undefined),
      externalIdRequired: account.externalId !== undefined,
      trust: this.deniedTrust.has(account.id) ? 'deny' : 'allow',
      activeCredentials: [...this.credentials.values()].filter((c) => c.accountId === account.id && c.expiresAt > Date.now()).length,
    }));
  }
}

export const assumedRoleArn = (c: Pick<IssuedCredentials, 'accountId' | 'roleName' | 'sessionName'>) => `arn:aws:sts::${c.accountId}:assumed-role/${c.roleName}/${c.sessionName}`;
