/**
 * The configuration check at start, outside the sandbox: every missing or bad variable named at
 * once (not the first one, then the next on the following start), each with what to set.
 *
 * Two profiles. `local` is `codeflow start` against real AWS on a workstation: SSO and a strong
 * session secret; the embedded database is fine. `deployed` is the production server (the
 * container image, or `NODE_ENV=production codeflow start`): several replicas behind a load
 * balancer, so they also need the shared PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), the
 * public URL people sign in at (NEXTAUTH_URL), an explicit AWS_REGION (the guide's §2.1) and the
 * audit key they all hash the audit log with (CODEFLOW_AUDIT_KEY, from Secrets Manager).
 * Used by cli/start-command.ts and, for the container, by instrumentation.ts.
 */
import { auditKeyProblem } from './audit/audit-key';
import { parseConfig, sessionSecretProblem, type Env } from './config';

export type StartupProfile = 'local' | 'deployed';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function urlProblem(name: string, value: string | undefined, protocols: string[], example: string, required: boolean): string | null {
  const v = value?.trim();
  if (!v) return required ? `${name} is not set; set it to a URL such as ${example}` : null;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return `${name} is not a URL; expected something like ${example}`;
  }
  if (!protocols.includes(url.protocol)) {
    return `${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${url.protocol}//…"; expected something like ${example}`;
  }
  if (!url.hostname) return `${name} has no host name; expected something like ${example}`;
  return null;
}

/** Every problem with `env` for this profile; an empty list means Codeflow may start. Never echoes secret values. */
export function startupProblems(env: Env, profile: StartupProfile): string[] {
  const problems: string[] = [];
  const add = (p: string | null) => p && problems.push(p);

  add(sessionSecretProblem(env.NEXTAUTH_SECRET));
  for (const name of ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const) {
    if (!env[name]?.trim()) problems.push(`${name} is not set; it comes from your SSO provider's Codeflow application (README, "Single sign-on")`);
  }
  add(urlProblem('OIDC_ISSUER', env.OIDC_ISSUER, ['https:', 'http:'], 'https://example.okta.com/oauth2/default', false));

  const deployed = profile === 'deployed';
  add(urlProblem('DATABASE_URL', env.DATABASE_URL, ['postgres:', 'postgresql:'], 'postgresql://codeflow:…@db.internal:5432/codeflow?sslmode=require', deployed));
  add(urlProblem('REDIS_URL', env.REDIS_URL, ['redis:', 'rediss:'], 'rediss://:…@cache.internal:6379', deployed));
  add(urlProblem('NEXTAUTH_URL', env.NEXTAUTH_URL, ['https:', 'http:'], 'https://codeflow.example.com', deployed));
  if (deployed) {
    const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
    if (!region) problems.push('AWS_REGION is not set; set the region of the ECS clusters Codeflow manages, such as us-east-1');
    if (env.NODE_ENV !== 'production') problems.push(`NODE_ENV must be "production" for a deployed server, got "${env.NODE_ENV ?? ''}"`);
    if (env.CODEFLOW_SANDBOX === '1') problems.push('CODEFLOW_SANDBOX=1 is for the local sandbox only; unset it');
    // Replicas share the database, so they must share the key its audit hashes are made with; a
    // key generated per container would make every other replica's entries look forged.
    add(auditKeyProblem(env.CODEFLOW_AUDIT_KEY));
  } else if (env.CODEFLOW_AUDIT_KEY) {
    // Locally the key is generated into the data directory when unset; one that is set must be strong.
    add(auditKeyProblem(env.CODEFLOW_AUDIT_KEY));
  }
  if (env.AWS_REGION?.trim() && !REGION.test(env.AWS_REGION.trim())) {
    problems.push(`AWS_REGION must be an AWS region name such as us-east-1, got "${env.AWS_REGION.trim()}"`);
  }

  // Whatever else the typed config refuses (numbers out of range, a bad role mapping, …), unless
  // it is a variable already reported above.
  try {
    parseConfig(env);
  } catch (e) {
    const message = (e as Error).message;
    const variable = /^[A-Z_]+/.exec(message)?.[0];
    if (!variable || !problems.some((p) => p.startsWith(variable))) problems.push(message);
  }
  return problems;
}

/** The message `codeflow start` and the server print before refusing to start. */
export function formatStartupProblems(problems: string[], profile: StartupProfile): string {
  const head = profile === 'deployed' ? 'the production configuration is incomplete' : 'the configuration is incomplete';
  return `refusing to start: ${head} (${problems.length} problem${problems.length === 1 ? '' : 's'}; see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`;
}

/**
 * For the server itself (instrumentation.ts): applies the deployed profile and exits on a problem.
 * Skipped when `codeflow start` checked already, and in the sandbox, which needs none of it.
 */
export function exitOnStartupProblems(env: Env): void {
  if (env.CODEFLOW_STARTUP_CHECKED === '1' || env.CODEFLOW_SANDBOX === '1') return;
  const problems = startupProblems(env, 'deployed');
  if (problems.length === 0) return;
  console.error(`codeflow: ${formatStartupProblems(problems, 'deployed')}`);
  process.exit(1);
}
