import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { intFlag, UsageError, type ParsedArgs } from './args';
import { formatStartupProblems, startupProblems } from '../lib/startup-config';
import { buildForStart, isBuildCurrent, resolveNextBin, STANDALONE_DIR } from './build';
import { StartProgress } from './progress';
import { AWS_SIGNALS, credentialsHint } from './credentials-hint';
import { localModeRefusal } from '../lib/auth/local-mode-rules';
import { ROLES, type Role } from '../lib/auth/roles';
import { userInfo } from 'node:os';
import { resetData } from './reset';
import { primaryWorldStored, readMeta, sandboxSessionSecret } from '../sandbox/sim/persistence';
import { sandboxAccountsConfig } from '../lib/sandbox/organization';
import { readConfigFile } from '../lib/config';
import { sandboxAccounts } from './sandbox-command';
import { linkExternals, PACKAGED_CONSOLE_DIR } from './packaged-console';

export const startUsage = `codeflow start [--port N] [--dev] [--reset [--yes]] [--local [--role ROLE]]
  Builds the console when its sources changed, then serves it (PORT, default 3000).
  Without AWS configuration it first starts the sandbox and points the console at it; the
  sandbox's world and port are kept in the data directory (.codeflow/sandbox) and survive restarts.
  --reset     deletes the embedded database and the sandbox's world first (it says what, and asks
              on a terminal unless --yes): a fresh world and a fresh database together.
  --local     real AWS with the shell's credentials, for the one person at the keyboard: no SSO,
              loopback only, signed in as the OS user with --role (viewer unless given:
              viewer, responder, operator or admin); every action audited. Refused with
              NODE_ENV=production or a non-loopback HOSTNAME.
  Set CODEFLOW_MODE=aws to use real AWS through SSO; with NODE_ENV=production it also requires
  the deployed settings (DATABASE_URL, REDIS_URL, NEXTAUTH_URL, AWS_REGION).
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

export function chooseMode(env: NodeJS.ProcessEnv): { mode: 'sandbox' | 'aws'; why: string } {
  if (env.CODEFLOW_MODE === 'sandbox') return { mode: 'sandbox', why: 'CODEFLOW_MODE=sandbox' };
  if (env.CODEFLOW_MODE === 'aws') return { mode: 'aws', why: 'CODEFLOW_MODE=aws' };
  if (env.CODEFLOW_MODE) throw new Error(`CODEFLOW_MODE must be "sandbox" or "aws", not "${env.CODEFLOW_MODE}"`);
  const signal = AWS_SIGNALS.find((name) => env[name]);
  return signal ? { mode: 'aws', why: `${signal} is set` } : { mode: 'sandbox', why: 'no AWS configuration found' };
}

async function waitForHealth(url: string, child: { exitCode: number | null }, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status === 200 || response.status === 503) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The first request to each page or route loads its code and (for the database) opens and
 * migrates it: done here, before saying the console is ready, so the first click is not slow.
 * Unauthenticated, these answer 401 or a redirect to sign-in — after loading what they need.
 */
async function warmUp(url: string, sandboxIssuer: boolean): Promise<void> {
  await Promise.all([
    ...['/', '/signin', '/api/fleet', '/api/me', '/api/auth/session'].map((path) => fetch(`${url}${path}`, { redirect: 'manual' }).then((r) => r.arrayBuffer()).catch(() => undefined)),
    warmSignIn(url, sandboxIssuer),
  ]);
}

/**
 * The first person's sign-in, up to choosing who to be: the CSRF token, the sign-in request (which
 * reads the issuer's discovery document and builds the authorization URL) and, for the sandbox's own
 * issuer, its login page. Each is a first render in a fresh process (~1 s on two cores); done here,
 * the person's first sign-in does not pay for them. Nobody is signed in.
 */
async function warmSignIn(url: string, sandboxIssuer: boolean): Promise<void> {
  try {
    const csrf = await fetch(`${url}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const signIn = await fetch(`${url}/api/auth/signin/oidc`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ csrfToken, callbackUrl: `${url}/` }),
    });
    await signIn.arrayBuffer();
    const authorize = signIn.headers.get('location');
    if (sandboxIssuer && authorize && /^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(authorize)) {
      await fetch(authorize).then((r) => r.arrayBuffer());
    }
  } catch {
    // Warming is best effort: the first sign-in is then slower, not broken.
  }
}

/** Forwards a child's output line by line, so it never lands in the middle of the progress line. */
function forwardLines(stream: NodeJS.ReadableStream, print: (line: string) => void): void {
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) print(line);
  });
  stream.on('end', () => pending && print(pending));
}

/** Node 22 is the floor (`engines`); an older Node still starts, told so first. */
export function nodeVersionNote(version = process.versions.node): string | null {
  const major = Number(version.split('.')[0]);
  return major < 22 ? `codeflow: Node ${version} is past its end of life and unsupported; Codeflow supports Node 22 or later (the container image runs Node 24). Starting anyway.` : null;
}

export async function runStartCommand(args: ParsedArgs): Promise<void> {
  const note = nodeVersionNote();
  if (note) console.error(note);
  const dev = args.flags.dev === true;
  if (dev && !fromSources) throw new UsageError("--dev needs Codeflow's sources (a git checkout); the installed package runs the prebuilt console");
  loadEnvFiles(dev);
  const port = intFlag(args, 'port', process.env.PORT ? Number(process.env.PORT) : 3000)!;
  const host = process.env.HOSTNAME && process.env.HOSTNAME !== '0.0.0.0' ? process.env.HOSTNAME : '127.0.0.1';
  const dataDir = resolve(projectDir, process.env.CODEFLOW_DATA_DIR || '.codeflow');
  const local = args.flags.local === true;
  if (args.flags.role !== undefined && !local) throw new UsageError('--role goes with --local (with SSO, roles come from the identity provider)');
  const hint = local ? null : credentialsHint(process.env);
  if (hint) throw new Error(hint);
  const { mode, why } = local ? { mode: 'local' as const, why: '--local' } : chooseMode(process.env);
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NEXT_TELEMETRY_DISABLED: '1' };
  let localSignIn: string | undefined;
  let bindHost = host;
  if (local) {
    const role = args.flags.role === undefined ? 'viewer' : args.flags.role;
    if (role === true || !ROLES.includes(role as Role)) throw new UsageError(`--role expects one of ${ROLES.join(', ')}`);
    // The address local mode serves on: --hostname, or HOSTNAME when it names an address (shells and
    // containers export HOSTNAME as the machine's name), else loopback.
    const named = typeof args.flags.hostname === 'string' ? args.flags.hostname : process.env.HOSTNAME && /^([\d.]+|[\da-f:]*:[\da-f:]*|localhost)$/i.test(process.env.HOSTNAME) ? process.env.HOSTNAME : '127.0.0.1';
    const refusal = localModeRefusal(process.env, named);
    if (refusal) throw new Error(`refusing to start: ${refusal}`);
    bindHost = named;
    const code = randomBytes(24).toString('base64url');
    let osUser = 'local';
    try {
      osUser = userInfo().username || osUser;
    } catch {
      // no user name in this environment
    }
    const origin = `http://${bindHost.includes(':') ? `[${bindHost}]` : bindHost}:${port}`;
    localSignIn = `${origin}/api/local-session?code=${code}`;
    Object.assign(env, {
      CODEFLOW_LOCAL_MODE: '1',
      CODEFLOW_LOCAL_USER: osUser,
      CODEFLOW_LOCAL_ROLE: role,
      CODEFLOW_LOCAL_SIGNIN_CODE: code,
      // Fresh per start: a session outlives neither the process nor the person at the keyboard.
      NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
      NEXTAUTH_URL: origin,
      CODEFLOW_ORG_NAME: `Local: ${osUser}`,
      AWS_REGION: process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1',
    });
  }

  if (mode === 'aws') {
    // Outside the sandbox a weak secret lets anyone mint a session, and no SSO means no sign-in at
    // all; a deployed server (NODE_ENV=production) also needs its shared database, cache and URL.
    const profile = process.env.NODE_ENV === 'production' ? 'deployed' : 'local';
    const problems = startupProblems(env, profile);
    if (problems.length > 0) throw new Error(formatStartupProblems(problems, profile));
  }
  if (args.flags.reset === true) await resetData(dataDir, { yes: args.flags.yes === true, sandbox: mode === 'sandbox', databaseUrl: process.env.DATABASE_URL?.trim() || undefined });

  const progress = new StartProgress(dataDir);
  // The build (a child process) and the sandbox (this one) start side by side.
  let built: Promise<void> = Promise.resolve();
  const building = !dev && fromSources && !isBuildCurrent(packageRoot);
  if (building) {
    progress.begin('build', 'building the console (first start, or its sources changed)');
    built = buildForStart(packageRoot, nextBin, (stage) => progress.detail('build', stage)).then(() => void progress.end('build'));
  }

  let sandbox: RunningSandbox | undefined;
  let child: ChildProcess | undefined;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    if (child) child.kill(signal);
    // Before the server runs: keep the sandbox's world, then go.
    else void (sandbox?.close() ?? Promise.resolve()).then(() => process.exit(130));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  /** Starts (or restarts) the server with `env`; its output goes above the progress line. */
  const spawnServer = () => {
    const stdio: ['inherit', 'pipe', 'pipe'] = ['inherit', 'pipe', 'pipe'];
    let server: ChildProcess;
    if (dev) {
      server = spawn(process.execPath, [nextBin, 'dev', '--port', String(port), '--hostname', bindHost], { cwd: packageRoot, env, stdio });
    } else {
      // Exactly what the container image runs (Dockerfile CMD), from the same directory layout.
      const serverDir = fromSources ? join(packageRoot, STANDALONE_DIR) : join(packageRoot, PACKAGED_CONSOLE_DIR);
      if (!fromSources) linkExternals(serverDir, packageRoot);
      server = spawn(process.execPath, ['server.js'], { cwd: serverDir, env: { ...env, HOSTNAME: bindHost }, stdio });
    }
    forwardLines(server.stdout!, (line) => progress.print(line));
    forwardLines(server.stderr!, (line) => progress.print(line));
    return server;
  };

  let sandboxStarted: Promise<RunningSandbox> | undefined;
  let launchSandbox: (() => Promise<RunningSandbox>) | undefined;
  /** What the console is told about the sandbox; known before it starts when its port and world are stored. */
  let planned: { url: string; worldId: string } | undefined;
  // The sandbox plays an organisation (three accounts, two Regions) unless CODEFLOW_SANDBOX_ACCOUNTS=single;
  // the console watches it all unless accounts are configured (CODEFLOW_ACCOUNTS or the config file).
  const organization = mode === 'sandbox' ? sandboxAccounts(process.env) : undefined;
  const sandboxEnv = (url: string, worldId: string) => {
    if (organization && !process.env.CODEFLOW_ACCOUNTS?.trim() && !readConfigFile(resolve(projectDir, process.env.CODEFLOW_CONFIG_DIR || '.')).accounts) env.CODEFLOW_ACCOUNTS = JSON.stringify(sandboxAccountsConfig(organization));
    Object.assign(env, {
      // Sandbox mode signs people in through the sandbox's own issuer, with its demo users.
      OIDC_ISSUER: `${url}/oidc`,
      OIDC_CLIENT_ID: client.clientId,
      OIDC_CLIENT_SECRET: client.clientSecret,
      CODEFLOW_ORG_NAME: 'Codeflow Sandbox',
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET || sessionSecret,
      CODEFLOW_SANDBOX: '1',
      CODEFLOW_SANDBOX_URL: url,
      // What the database recorded against: a different world means the old one was reset (lib/sandbox/world-reset.ts).
      CODEFLOW_SANDBOX_WORLD_ID: worldId,
      // The operations pipeline measures bake times and deadlines on the sandbox's clock.
      CODEFLOW_AWS_CLOCK_URL: `${url}/_sandbox/state`,
      AWS_ENDPOINT_URL: url,
      AWS_REGION: 'us-east-1',
      // The sandbox accepts any credentials; these keep the SDK from looking for real ones.
      AWS_ACCESS_KEY_ID: 'sandbox',
      AWS_SECRET_ACCESS_KEY: 'sandbox',
      NEXTAUTH_URL: nextAuthUrl,
    });
  };
  const nextAuthUrl = (process.env.NEXTAUTH_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  const consoleOrigins = [...new Set([nextAuthUrl, `http://localhost:${port}`, `http://127.0.0.1:${port}`])];
  // Fresh per start: nothing to configure, and nothing that outlives this sandbox is worth stealing.
  const client = {
    clientId: 'codeflow-sandbox',
    clientSecret: randomBytes(32).toString('base64url'),
    redirectUris: consoleOrigins.map((origin) => `${origin}/api/auth/callback/oidc`),
    postLogoutRedirectUris: consoleOrigins.map((origin) => `${origin}/`),
  };
  // Kept in the data directory (sandbox/session-secret), so restarting the console does not sign
  // everyone out: a person's open browser is still signed in after a restart; --reset makes a new one.
  const sessionSecret = mode === 'sandbox' ? sandboxSessionSecret(dataDir) : randomBytes(32).toString('base64url');
  if (mode === 'sandbox') {
    progress.begin('sandbox', 'starting the sandbox');
    const meta = readMeta(dataDir);
    const sandboxPort = process.env.SANDBOX_PORT ? Number(process.env.SANDBOX_PORT) : meta.port;
    const worldId = primaryWorldStored(dataDir) ? meta.worldId : randomUUID();
    // A kept port and a known world: the console can start while the sandbox restores its world.
    if (sandboxPort && worldId) planned = { url: `http://127.0.0.1:${sandboxPort}`, worldId };
    launchSandbox = () => startSandbox({
      port: process.env.SANDBOX_PORT ? Number(process.env.SANDBOX_PORT) : undefined,
      oidc: { clients: [client] },
      organization,
      dataDir,
      newWorldId: worldId,
      log: (message) => progress.print(`codeflow: ${message}`),
    }).then((running) => {
      sandbox = running;
      progress.end('sandbox');
      return running;
    });
    if (planned) {
      sandboxEnv(planned.url, planned.worldId);
      // With nothing to build, the server is spawned first and the world restored while it boots
      // (restoring parses the stored world, which would hold this process up); with a build, now.
      if (building) sandboxStarted = launchSandbox();
    } else {
      sandboxStarted = launchSandbox();
      const running = await sandboxStarted;
      sandboxEnv(running.url, running.sandbox.worldId);
    }
  }

  // The server need not check again (instrumentation.ts); it would apply the deployed profile.
  env.CODEFLOW_STARTUP_CHECKED = '1';
  // The standalone server runs in .next/standalone: keep data and the config file where they were.
  env.CODEFLOW_DATA_DIR = dataDir;
  env.CODEFLOW_CONFIG_DIR = resolve(projectDir, process.env.CODEFLOW_CONFIG_DIR || '.');

  try {
    await built;
  } catch (e) {
    await (await sandboxStarted?.catch(() => undefined))?.close();
    throw e;
  }
  if (stopping) return;
  progress.begin('server', 'starting the console server');
  child = spawnServer();
  if (launchSandbox && !sandboxStarted) sandboxStarted = launchSandbox();
  if (sandboxStarted) {
    const running = await sandboxStarted;
    if (planned && (running.url !== planned.url || running.sandbox.worldId !== planned.worldId)) {
      // The kept port was taken (the sandbox said so): start the console again, pointed at the new one.
      child.kill('SIGTERM');
      await new Promise((resolvePromise) => (child!.exitCode !== null ? resolvePromise(null) : child!.once('exit', resolvePromise)));
      sandboxEnv(running.url, running.sandbox.worldId);
      child = spawnServer();
    }
  }

  const url = local ? env.NEXTAUTH_URL! : `http://localhost:${port}`;
  const direct = `http://${bindHost.includes(':') ? `[${bindHost}]` : bindHost}:${port}`;
  await waitForHealth(direct, child);
  progress.end('server');
  if (child.exitCode === null) {
    progress.begin('warm-up', 'loading pages and opening the database');
    await warmUp(direct, mode === 'sandbox');
    progress.end('warm-up');
    const took = progress.finish();
    console.log(`\nCodeflow is running at ${url}  (${mode} mode: ${why}; ready in ${(took / 1000).toFixed(1)} s)`);
    console.log(`Database: ${env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded, in ${env.CODEFLOW_DATA_DIR}`}; settings from ${env.CODEFLOW_CONFIG_DIR} (.env, codeflow.config.json)`);
    if (sandbox) {
      console.log(`Sandbox AWS endpoint: ${sandbox.url}  (try: aws --endpoint-url ${sandbox.url} ecs list-clusters)`);
      console.log(`Sandbox OIDC issuer: ${sandbox.oidcIssuer}  (sign in as viewer, responder, operator or admin)`);
      console.log(`Sandbox world: ${sandbox.restored ? 'restored from' : 'new, kept in'} ${join(dataDir, 'sandbox')}  (codeflow start --reset for a fresh one)`);
    }
    if (localSignIn) {
      console.log(`Local mode: your AWS account with your shell's credentials (${env.AWS_PROFILE ? `profile ${env.AWS_PROFILE}` : 'the default chain'}, ${env.AWS_REGION}), for you alone, on ${bindHost} only.`);
      console.log(`Sign in as ${env.CODEFLOW_LOCAL_USER} (${env.CODEFLOW_LOCAL_ROLE}; every action audited) by opening:\n  ${localSignIn}`);
    }
  } else {
    progress.finish();
  }
  const code = await new Promise<number>((resolvePromise) => {
    if (child!.exitCode !== null) resolvePromise(child!.exitCode);
    else child!.once('exit', (c) => resolvePromise(c ?? 0));
  });
  await sandbox?.close();
  process.exit(code);
}
