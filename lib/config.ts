import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { accountsFileSchema, parseAccountsConfig, type AccountConfig } from './accounts/config';
import { placesOf, type Place } from './accounts/places';
import { DEFAULT_ROLE_MAPPING, ROLES, type Role } from './auth/roles';
import { incidentsFileSchema, parseIncidentsConfig, type IncidentsConfig } from './incidents/config';
import { drFileSchema, parseDrConfig, type DrConfig } from './dr/config';
import { maintenanceFileSchema, parseMaintenanceConfig, type MaintenanceConfig } from './maintenance/config';
import { parsePolicyConfig, policyFileSchema, type PolicyConfig } from './ops/policy-config';

export interface Config {
  /** The home Region: the first account's first (AWS_REGION when no accounts are listed). */
  region: string;
  /** Every account Codeflow watches; one implicit account when none are configured (lib/accounts/config.ts). */
  accounts: AccountConfig[];
  /** Every account × Region; the first is home. */
  places: Place[];
  /** Explicit endpoint (the sandbox, moto, LocalStack); undefined means real AWS. */
  endpoint: string | undefined;
  /** The home place's clusters to show; empty means discover them with ListClusters. */
  clusters: string[];
  sandbox: boolean;
  /**
   * Where AWS's time is read (JSON `{ now }`) when it is not the wall clock: the sandbox's start
   * path hands its simulated clock over in CODEFLOW_AWS_CLOCK_URL.
   */
  awsClockUrl: string | undefined;
  aws: {
    maxAttempts: number;
    connectionTimeoutMs: number;
    requestTimeoutMs: number;
    /** Upper bound for one SDK call including its retries. */
    callDeadlineMs: number;
    /** Codeflow's share of each AWS throttle bucket, in percent (lib/aws/quota-budget.ts). */
    budgetPct: number;
  };
  fleet: { cacheTtlMs: number };
  /** How long the overview and service pages share one read of CloudWatch metrics (lib/fleet/telemetry.ts). */
  telemetry: { ttlMs: number };
  auth: AuthConfig;
  /** Escalation matrix, roster defaults, playbooks, webhooks (lib/incidents/config.ts). */
  incidents: IncidentsConfig;
  /** Guide §6.3: recurring maintenance checklists. */
  maintenance: MaintenanceConfig;
  /** Guide §6.6: RTO/RPO targets and the databases whose recovery points are watched. */
  dr: DrConfig;
  /** Guarded actions: environments, approvals, bounds, verification (lib/ops/policy-config.ts). */
  policy: PolicyConfig;
  /** Request bodies larger than this are refused (413) before they are read (lib/api/body.ts). */
  maxBodyBytes: number;
}

export interface AuthConfig {
  /** OpenID Connect issuer URL (Okta, Entra ID, Google, Keycloak, Cognito, or the sandbox's). */
  issuer: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** Whose SSO the sign-in page says it uses. */
  orgName: string;
  /** The ID token / userinfo claim holding the user's groups. */
  groupsClaim: string;
  /** IdP group → Codeflow role. */
  roleMapping: Record<string, Role>;
  /** Whether identities from the sandbox's issuer may sign in: only when Codeflow runs on the sandbox. */
  allowSandboxIdentities: boolean;
  /** Before a write, a role confirmed at the IdP longer ago than this is confirmed again. */
  roleRecheckMs: number;
  /** A session ends this long after sign-in, whatever happens (lib/auth/sessions.ts). */
  sessionMaxAgeMs: number;
  /** An operator's or admin's session ends after this long without a request; viewers and responders keep theirs to the absolute limit. */
  sessionIdleMs: number;
}

export type Env = Record<string, string | undefined>;

const fileSchema = z
  .object({
    region: z.string().min(1).optional(),
    accounts: accountsFileSchema.optional(),
    clusters: z.array(z.string().min(1)).optional(),
    orgName: z.string().min(1).optional(),
    roleMapping: z.record(z.string().min(1), z.enum(ROLES)).optional(),
    incidents: incidentsFileSchema.optional(),
    maintenance: maintenanceFileSchema.optional(),
    dr: drFileSchema.optional(),
    policy: policyFileSchema.optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof fileSchema>;

const CONFIG_FILE = 'codeflow.config.json';

/** Pure: env (and the optional parsed config file) in, validated config out. Env wins over the file. */
export function parseConfig(env: Env, file: ConfigFile = {}): Config {
  const implicitRegion = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? file.region ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(implicitRegion)) {
    throw new Error(`AWS_REGION must be an AWS region name such as us-east-1, got "${implicitRegion}"`);
  }

  const endpoint = nonEmpty(env.AWS_ENDPOINT_URL);
  if (endpoint !== undefined && !z.url({ protocol: /^https?$/ }).safeParse(endpoint).success) {
    throw new Error(`AWS_ENDPOINT_URL must be an http(s) URL such as http://127.0.0.1:4566, got "${endpoint}"`);
  }

  const clustersEnv = nonEmpty(env.CODEFLOW_CLUSTERS);
  const implicitClusters =
    clustersEnv !== undefined
      ? clustersEnv.split(',').map((s) => s.trim()).filter(Boolean)
      : (file.clusters ?? []);
  const accounts = parseAccountsConfig(file.accounts, env, { region: implicitRegion, clusters: implicitClusters, sandbox: env.CODEFLOW_SANDBOX === '1' });
  const places = placesOf(accounts);
  const region = places[0]!.region;
  const clusters = places[0]!.clusters;

  return {
    region,
    accounts,
    places,
    endpoint,
    clusters,
    sandbox: env.CODEFLOW_SANDBOX === '1',
    awsClockUrl: nonEmpty(env.CODEFLOW_AWS_CLOCK_URL),
    aws: {
      maxAttempts: intVar(env, 'CODEFLOW_AWS_MAX_ATTEMPTS', 3, 1, 10),
      connectionTimeoutMs: intVar(env, 'CODEFLOW_AWS_CONNECTION_TIMEOUT_MS', 2000, 1, 60_000),
      requestTimeoutMs: intVar(env, 'CODEFLOW_AWS_REQUEST_TIMEOUT_MS', 5000, 1, 120_000),
      callDeadlineMs: intVar(env, 'CODEFLOW_AWS_CALL_DEADLINE_MS', 8000, 1, 300_000),
      budgetPct: intVar(env, 'CODEFLOW_AWS_BUDGET_PCT', 25, 1, 100),
    },
    fleet: { cacheTtlMs: intVar(env, 'CODEFLOW_FLEET_TTL_MS', 5000, 0, 3_600_000) },
    telemetry: { ttlMs: intVar(env, 'CODEFLOW_TELEMETRY_TTL_MS', 60_000, 1000, 3_600_000) },
    auth: parseAuthConfig(env, file),
    incidents: parseIncidentsConfig(file.incidents, env),
    maintenance: parseMaintenanceConfig(file.maintenance),
    dr: parseDrConfig(file.dr, env.CODEFLOW_SANDBOX === '1', region),
    policy: parsePolicyConfig(env, file.policy),
    maxBodyBytes: intVar(env, 'CODEFLOW_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
  };
}

function parseAuthConfig(env: Env, file: ConfigFile): AuthConfig {
  const issuer = nonEmpty(env.OIDC_ISSUER);
  if (issuer !== undefined && !z.url({ protocol: /^https?$/ }).safeParse(issuer).success) {
    throw new Error(`OIDC_ISSUER must be the issuer's URL, such as https://example.okta.com/oauth2/default, got "${issuer}"`);
  }
  return {
    issuer: issuer?.replace(/\/$/, ''),
    clientId: nonEmpty(env.OIDC_CLIENT_ID),
    clientSecret: nonEmpty(env.OIDC_CLIENT_SECRET),
    orgName: nonEmpty(env.CODEFLOW_ORG_NAME) ?? file.orgName ?? 'your organisation',
    groupsClaim: nonEmpty(env.OIDC_GROUPS_CLAIM) ?? 'groups',
    roleMapping: parseRoleMapping(nonEmpty(env.CODEFLOW_ROLE_MAPPING)) ?? file.roleMapping ?? DEFAULT_ROLE_MAPPING,
    // Only when the AWS Codeflow talks to is the sandbox on this machine: never next to real AWS.
    allowSandboxIdentities: env.CODEFLOW_SANDBOX === '1' && isLoopbackUrl(nonEmpty(env.AWS_ENDPOINT_URL)),
    roleRecheckMs: intVar(env, 'CODEFLOW_ROLE_RECHECK_SECONDS', 300, 0, 300) * 1000,
    sessionMaxAgeMs: intVar(env, 'CODEFLOW_SESSION_MAX_AGE_SECONDS', 12 * 3600, 60, 7 * 86400) * 1000,
    sessionIdleMs: intVar(env, 'CODEFLOW_SESSION_IDLE_SECONDS', 2 * 3600, 60, 7 * 86400) * 1000,
  };
}

/** `CODEFLOW_ROLE_MAPPING="Ops-Oncall=responder,Ops-Deployers=operator"` (or the same as a JSON object). */
export function parseRoleMapping(raw: string | undefined): Record<string, Role> | undefined {
  if (raw === undefined) return undefined;
  const hint = 'CODEFLOW_ROLE_MAPPING must look like "group=role,group=role" (roles: viewer, responder, operator, admin)';
  let pairs: [string, string][];
  if (raw.startsWith('{')) {
    try {
      pairs = Object.entries(JSON.parse(raw) as Record<string, string>);
    } catch {
      throw new Error(`${hint}, or be a JSON object; it is not valid JSON`);
    }
  } else {
    pairs = raw.split(',').map((pair) => {
      const at = pair.lastIndexOf('=');
      return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    });
  }
  const mapping: Record<string, Role> = {};
  for (const [group, role] of pairs) {
    if (!group || !(ROLES as readonly string[]).includes(role)) throw new Error(`${hint}; "${group}=${role}" is not`);
    mapping[group] = role as Role;
  }
  return mapping;
}

function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

const WEAK_SECRETS = new Set(['secret', 'changeme', 'change-me', 'password', 'nextauth', 'codeflow', 'development']);

/**
 * The session secret signs and encrypts every session cookie. Outside the sandbox it must be long
 * and random: a guessable one lets anyone mint an admin session.
 */
export function sessionSecretProblem(secret: string | undefined): string | null {
  if (!secret) return 'NEXTAUTH_SECRET is not set; generate one with `openssl rand -base64 32`';
  if (secret.length < 32 || WEAK_SECRETS.has(secret.toLowerCase()) || new Set(secret).size < 8) {
    return 'NEXTAUTH_SECRET is too weak: use at least 32 random characters (`openssl rand -base64 32`)';
  }
  return null;
}

/**
 * Reads `codeflow.config.json` from `dir` when it exists; a malformed file is an error, not ignored.
 * `codeflow start` sets CODEFLOW_CONFIG_DIR to the project directory: the standalone server it runs
 * has .next/standalone as its working directory.
 */
export function readConfigFile(dir: string = process.env.CODEFLOW_CONFIG_DIR || process.cwd()): ConfigFile {
  const path = join(dir, CONFIG_FILE);
  if (!existsSync(path)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'is invalid'}; expected { "region"?: string, "accounts"?: [{ id, name, regions, environment?, clusters?, role? }], "clusters"?: string[], "orgName"?: string, "roleMapping"?: { [group]: role }, "incidents"?: { matrix, roster, playbooks, webhooks, … } }`);
  }
  return parsed.data;
}

let memo: Config | undefined;

/** The process-wide config, validated on first use. */
export function getConfig(): Config {
  memo ??= parseConfig(process.env, readConfigFile());
  return memo;
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}
