import { randomBytes } from 'node:crypto';
import { SANDBOX_ACCOUNTS, type SandboxAccount } from '../lib/sandbox/organization';
import { startSandbox } from '../sandbox/server';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { intFlag, numberFlag, UsageError, type ParsedArgs } from './args';
import { resetData } from './reset';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The same data directory `codeflow start` uses (see start-command.ts). */
const projectDir = existsSync(join(packageRoot, 'app')) ? packageRoot : process.cwd();

export const sandboxUsage = `codeflow sandbox [--port N] [--host 127.0.0.1] [--seed N] [--speed X] [--fleet-size N] [--oidc-redirect URL[,URL…]] [--reset [--yes]] [--ephemeral]
  Runs the AWS-compatible sandbox alone (ECS, ELBv2, CloudWatch, Logs, GuardDuty, Backup) with its living demo fleet.
  Point any AWS client at it: aws --endpoint-url http://127.0.0.1:N ecs list-clusters
  It plays an AWS organisation: three accounts (production, staging, security) in one or two Regions
  each, with STS. Any keys are the production account's; the others are reached by sts assume-role
  into the roles it prints (with --external-id), and the Region of a request picks the world.
  CODEFLOW_SANDBOX_ACCOUNTS=single plays one account in one Region, answering every request alike.
  Like AWS it remembers: its world, clock and port are kept in the data directory (CODEFLOW_DATA_DIR,
  default .codeflow in the project directory), shared with \`codeflow start\`. --reset deletes that world
  and the embedded database first (a fresh world and a fresh database together); --ephemeral keeps
  nothing. --seed, --speed and --fleet-size shape a new world only.
  --oidc-redirect also serves its OpenID Connect issuer at /oidc, with one client allowed to
  redirect to these URLs; its client id and secret are printed.`;

/** `--oidc-redirect a,b`: the redirect URIs of the one client the standalone issuer registers. */
function oidcRedirects(args: ParsedArgs): string[] | undefined {
  const value = args.flags['oidc-redirect'];
  if (value === undefined) return undefined;
  if (value === true) throw new UsageError('--oidc-redirect expects one or more URLs, comma-separated');
  const uris = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const uri of uris) {
    if (!/^https?:\/\/[^/]/.test(uri) || !URL.canParse(uri)) throw new UsageError(`--oidc-redirect expects http(s) URLs, got "${uri}"`);
  }
  return uris;
}

/** CODEFLOW_SANDBOX_ACCOUNTS: "single" for one account; unset or "organization" for SANDBOX_ACCOUNTS. */
export function sandboxAccounts(env: NodeJS.ProcessEnv): readonly SandboxAccount[] | undefined {
  const value = env.CODEFLOW_SANDBOX_ACCOUNTS?.trim().toLowerCase();
  if (value === 'single') return undefined;
  if (!value || value === 'organization' || value === 'organisation') return SANDBOX_ACCOUNTS;
  throw new UsageError(`CODEFLOW_SANDBOX_ACCOUNTS is "single" or "organization", not "${env.CODEFLOW_SANDBOX_ACCOUNTS}"`);
}

/** One line per account: what a person needs to reach it with the AWS CLI. */
export function describeAccount(account: SandboxAccount): string {
  const how = account.readRole ? `role ${account.readRole}${account.operatorRole ? ` (operator: ${account.operatorRole.slice(account.operatorRole.lastIndexOf('/') + 1)})` : ''}${account.externalId ? `, external id ${account.externalId}` : ''}` : 'your own keys (any)';
  return `  ${account.name.padEnd(10)} ${account.id}  ${account.regions.join(', ').padEnd(21)} ${how}`;
}

export async function runSandboxCommand(args: ParsedArgs): Promise<void> {
  const redirectUris = oidcRedirects(args);
  const client = redirectUris && {
    clientId: 'codeflow-sandbox',
    clientSecret: randomBytes(32).toString('base64url'),
    redirectUris,
    // Sign-out may return to the root of any app the client signs into.
    postLogoutRedirectUris: [...new Set(redirectUris.map((uri) => `${new URL(uri).origin}/`))],
  };
  const organization = sandboxAccounts(process.env);
  const port = intFlag(args, 'port', process.env.SANDBOX_PORT ? Number(process.env.SANDBOX_PORT) : undefined);
  const dataDir = args.flags.ephemeral === true ? undefined : resolve(projectDir, process.env.CODEFLOW_DATA_DIR || '.codeflow');
  if (args.flags.reset === true) {
    if (!dataDir) throw new UsageError('--reset and --ephemeral do not go together: an ephemeral sandbox keeps nothing to reset');
    await resetData(dataDir, { yes: args.flags.yes === true, sandbox: true, databaseUrl: process.env.DATABASE_URL?.trim() || undefined });
  }
  const running = await startSandbox({
    dataDir,
    log: (message) => console.log(`codeflow: ${message}`),
    port,
    host: typeof args.flags.host === 'string' ? args.flags.host : '127.0.0.1',
    seed: intFlag(args, 'seed'),
    speed: numberFlag(args, 'speed'),
    fleetSize: intFlag(args, 'fleet-size'),
    oidc: client && { clients: [client] },
    organization,
  });
  console.log(`Codeflow sandbox listening on ${running.url}`);
  console.log(`  aws --endpoint-url ${running.url} ecs list-clusters`);
  if (organization) {
    console.log(`  accounts (CODEFLOW_SANDBOX_ACCOUNTS=single for one):`);
    for (const account of organization) console.log(describeAccount(account));
    const member = organization.find((a) => a.readRole);
    if (member) console.log(`  aws --endpoint-url ${running.url} sts assume-role --role-arn ${member.readRole} --role-session-name me${member.externalId ? ` --external-id ${member.externalId}` : ''}`);
  } else {
    console.log('  one account (123456789012), one world for every Region (CODEFLOW_SANDBOX_ACCOUNTS=single)');
  }
  console.log(`  admin API: ${running.url}/_sandbox/state`);
  if (dataDir) console.log(`  world kept in ${join(dataDir, 'sandbox')} (codeflow sandbox --reset for a fresh one)`);
  if (client) {
    console.log(`  OIDC issuer: ${running.oidcIssuer}`);
    console.log(`    OIDC_ISSUER=${running.oidcIssuer} OIDC_CLIENT_ID=${client.clientId} OIDC_CLIENT_SECRET=${client.clientSecret}`);
  }
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
