import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { intFlag, UsageError, type ParsedArgs } from './args';
import { formatStartupProblems, startupProblems } from '../lib/startup-config';
import { buildIfNeeded, resolveNextBin, STANDALONE_DIR } from './build';
import { linkExternals, PACKAGED_CONSOLE_DIR } from './packaged-console';

export const startUsage = `codeflow start [--port N] [--dev]
  Builds the console when its sources changed, then serves it (PORT, default 3000).
  Without AWS configuration it first starts the sandbox (SANDBOX_PORT, default a free port)
  and points the console at it. Set CODEFLOW_MODE=aws to use real AWS; with NODE_ENV=production
  it also requires the deployed settings (DATABASE_URL, REDIS_URL, NEXTAUTH_URL, AWS_REGION).
  Reads .env files and codeflow.config.json in the project directory — the checkout, or for the
  installed package the directory it runs in — and keeps the embedded database there (.codeflow).`;

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** A checkout builds the console from its sources; the npm package carries it prebuilt (cli/packaged-console.ts). */
const fromSources = existsSync(join(packageRoot, 'app'));
/** Where .env files, codeflow.config.json and the embedded database live. */
const projectDir = fromSources ? packageRoot : process.cwd();
const nextBin = resolveNextBin();

/** `.env`, `.env.local`, `.env.production` … from the project directory, as `next start` read them; the environment wins. */
function loadEnvFiles(dev: boolean): void {
  const nextEnv = createRequire(createRequire(import.meta.url).resolve('next/package.json'))('@next/env') as {
    loadEnvConfig: (dir: string, dev?: boolean, log?: { info: (...a: unknown[]) => void; error: (...a: unknown[]) => void }) => unknown;
  };
  nextEnv.loadEnvConfig(projectDir, dev, { info: () => {}, error: (...a) => console.error(...a) });
}

/** Credentials or a profile in the environment mean the user wants real AWS. */
const AWS_SIGNALS = ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'];

export function chooseMode(env: NodeJS.ProcessEnv): { mode: 'sandbox' | 'aws'; why: string } {
  if (env.CODEFLOW_MODE === 'sandbox') return { mode: 'sandbox', why: 'CODEFLOW_MODE=sandbox' };
  if (env.CODEFLOW_MODE === 'aws') return { mode: 'aws', why: 'CODEFLOW_MODE=aws' };
  if (env.CODEFLOW_MODE) throw new Error(`CODEFLOW_MODE must be "sandbox" or "aws", not "${env.CODEFLOW_MODE}"`);
  const signal = AWS_SIGNALS.find((name) => env[name]);
  return signal ? { mode: 'aws', why: `${signal} is set` } : { mode: 'sandbox', why: 'no AWS configuration found' };
}

async function waitForHealth(url: string, child: { exitCode: number | null }, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status === 200 || response.status === 503) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function runStartCommand(args: ParsedArgs): Promise<void> {
  const dev = args.flags.dev === true;
  if (dev && !fromSources) throw new UsageError("--dev needs Codeflow's sources (a git checkout); the installed package runs the prebuilt console");
  loadEnvFiles(dev);
  const port = intFlag(args, 'port', process.env.PORT ? Number(process.env.PORT) : 3000)!;
  const host = process.env.HOSTNAME && process.env.HOSTNAME !== '0.0.0.0' ? process.env.HOSTNAME : '127.0.0.1';
  const { mode, why } = chooseMode(process.env);
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NEXT_TELEMETRY_DISABLED: '1' };

  let sandbox: RunningSandbox | undefined;
  if (mode === 'sandbox') {
    const nextAuthUrl = (process.env.NEXTAUTH_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
    const consoleOrigins = [...new Set([nextAuthUrl, `http://localhost:${port}`, `http://127.0.0.1:${port}`])];
    // Fresh per start: nothing to configure, and nothing that outlives this sandbox is worth stealing.
    const client = {
      clientId: 'codeflow-sandbox',
      clientSecret: randomBytes(32).toString('base64url'),
      redirectUris: consoleOrigins.map((origin) => `${origin}/api/auth/callback/oidc`),
      postLogoutRedirectUris: consoleOrigins.map((origin) => `${origin}/`),
    };
    sandbox = await startSandbox({ port: process.env.SANDBOX_PORT ? Number(process.env.SANDBOX_PORT) : 0, oidc: { clients: [client] } });
    Object.assign(env, {
      // Sandbox mode signs people in through the sandbox's own issuer, with its demo users.
      OIDC_ISSUER: sandbox.oidcIssuer,
      OIDC_CLIENT_ID: client.clientId,
      OIDC_CLIENT_SECRET: client.clientSecret,
      CODEFLOW_ORG_NAME: 'Codeflow Sandbox',
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET || randomBytes(32).toString('base64url'),
      CODEFLOW_SANDBOX: '1',
      CODEFLOW_SANDBOX_URL: sandbox.url,
      // The operations pipeline measures bake times and deadlines on the sandbox's clock.
      CODEFLOW_AWS_CLOCK_URL: `${sandbox.url}/_sandbox/state`,
      AWS_ENDPOINT_URL: sandbox.url,
      AWS_REGION: 'us-east-1',
      // The sandbox accepts any credentials; these keep the SDK from looking for real ones.
      AWS_ACCESS_KEY_ID: 'sandbox',
      AWS_SECRET_ACCESS_KEY: 'sandbox',
      NEXTAUTH_URL: nextAuthUrl,
    });
  }

  if (mode === 'aws') {
    // Outside the sandbox a weak secret lets anyone mint a session, and no SSO means no sign-in at
    // all; a deployed server (NODE_ENV=production) also needs its shared database, cache and URL.
    const profile = process.env.NODE_ENV === 'production' ? 'deployed' : 'local';
    const problems = startupProblems(env, profile);
    if (problems.length > 0) throw new Error(formatStartupProblems(problems, profile));
  }
  // The server need not check again (instrumentation.ts); it would apply the deployed profile.
  env.CODEFLOW_STARTUP_CHECKED = '1';
  // The standalone server runs in .next/standalone: keep data and the config file where they were.
  env.CODEFLOW_DATA_DIR = resolve(projectDir, process.env.CODEFLOW_DATA_DIR || '.codeflow');
  env.CODEFLOW_CONFIG_DIR = resolve(projectDir, process.env.CODEFLOW_CONFIG_DIR || '.');

  let child;
  if (dev) {
    child = spawn(process.execPath, [nextBin, 'dev', '--port', String(port), '--hostname', host], { cwd: packageRoot, env, stdio: 'inherit' });
  } else {
    // Exactly what the container image runs (Dockerfile CMD), from the same directory layout.
    const serverDir = fromSources ? join(packageRoot, STANDALONE_DIR) : join(packageRoot, PACKAGED_CONSOLE_DIR);
    if (fromSources) buildIfNeeded(packageRoot, nextBin);
    else linkExternals(serverDir, packageRoot);
    child = spawn(process.execPath, ['server.js'], { cwd: serverDir, env: { ...env, HOSTNAME: host }, stdio: 'inherit' });
  }
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const url = `http://localhost:${port}`;
  await waitForHealth(`http://${host}:${port}`, child);
  if (child.exitCode === null) {
    console.log(`\nCodeflow is running at ${url}  (${mode} mode: ${why})`);
    console.log(`Database: ${env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded, in ${env.CODEFLOW_DATA_DIR}`}; settings from ${env.CODEFLOW_CONFIG_DIR} (.env, codeflow.config.json)`);
    if (sandbox) {
      console.log(`Sandbox AWS endpoint: ${sandbox.url}  (try: aws --endpoint-url ${sandbox.url} ecs list-clusters)`);
      console.log(`Sandbox OIDC issuer: ${sandbox.oidcIssuer}  (sign in as viewer, responder, operator or admin)`);
    }
  }
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 0)));
  await sandbox?.close();
  process.exit(code);
}
