import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { intFlag, type ParsedArgs } from './args';
import { sessionSecretProblem } from '../lib/config';
import { buildIfNeeded } from './build';

export const startUsage = `codeflow start [--port N] [--dev]
  Builds the console when its sources changed, then serves it (PORT, default 3000).
  Without AWS configuration it first starts the sandbox (SANDBOX_PORT, default a free port)
  and points the console at it. Set CODEFLOW_MODE=aws to use real AWS.`;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nextBin = join(dirname(createRequire(import.meta.url).resolve('next/package.json')), 'dist', 'bin', 'next');

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
      AWS_ENDPOINT_URL: sandbox.url,
      AWS_REGION: 'us-east-1',
      // The sandbox accepts any credentials; these keep the SDK from looking for real ones.
      AWS_ACCESS_KEY_ID: 'sandbox',
      AWS_SECRET_ACCESS_KEY: 'sandbox',
      NEXTAUTH_URL: nextAuthUrl,
    });
  }

  if (mode === 'aws') {
    // Outside the sandbox a weak secret lets anyone mint a session, and no SSO means no sign-in at all.
    const problem = sessionSecretProblem(process.env.NEXTAUTH_SECRET);
    if (problem) throw new Error(`refusing to start: ${problem}`);
    const missing = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'].filter((name) => !process.env[name]);
    if (missing.length > 0) throw new Error(`refusing to start: set ${missing.join(', ')} for your SSO provider (README, "Single sign-on")`);
  }

  if (!dev) buildIfNeeded(root, nextBin);
  const child = spawn(process.execPath, [nextBin, dev ? 'dev' : 'start', '--port', String(port), '--hostname', host], { cwd: root, env, stdio: 'inherit' });
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const url = `http://localhost:${port}`;
  await waitForHealth(`http://${host}:${port}`, child);
  if (child.exitCode === null) {
    console.log(`\nCodeflow is running at ${url}  (${mode} mode: ${why})`);
    if (sandbox) {
      console.log(`Sandbox AWS endpoint: ${sandbox.url}  (try: aws --endpoint-url ${sandbox.url} ecs list-clusters)`);
      console.log(`Sandbox OIDC issuer: ${sandbox.oidcIssuer}  (sign in as viewer, responder, operator or admin)`);
    }
  }
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 0)));
  await sandbox?.close();
  process.exit(code);
}
