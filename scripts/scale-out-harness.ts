/**
 * Scale-out as deployed, on one machine: the sandbox (AWS), one fresh PostgreSQL database, one
 * Redis, and N Codeflow server processes from the same standalone build (`node server.js`, as the
 * container image runs it) with the same secrets, database, cache and AWS endpoint on different
 * ports, as replicas behind a load balancer. Used by scripts/scale-out.test.ts and bench/scale-out.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, createWriteStream, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildIfNeeded, resolveNextBin, STANDALONE_DIR } from '../cli/build';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { createApiToken } from '../lib/auth/tokens';
import { openDb } from '../lib/db/client';
import { migrateUp } from '../lib/db/migrate';
import { users } from '../lib/db/schema';
import { describeServices, describeTaskDefinition, registerTaskDefinition, updateService } from '../lib/aws/ecs';
import { testClients } from '../lib/aws/testing/fixtures';
import { createRedisLink } from '../lib/cache/redis-client';
import { cacheKeyPrefix } from '../lib/cache/redis-store';
import { freePort } from '../lib/aws/testing/moto';
import type { Role } from '../lib/auth/roles';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export { freePort };

/** Why the scale-out run cannot happen here (no PostgreSQL or Redis), or null. */
export async function scaleOutPrerequisites(env: NodeJS.ProcessEnv = process.env): Promise<{ databaseUrl: string; redisUrl: string } | { skip: string }> {
  const databaseUrl = env.TEST_DATABASE_URL?.trim();
  const redisUrl = env.TEST_REDIS_URL?.trim();
  if (!databaseUrl) return { skip: 'TEST_DATABASE_URL is not set: the scale-out test needs a PostgreSQL server' };
  if (!redisUrl) return { skip: 'TEST_REDIS_URL is not set: the scale-out test needs a Redis server' };
  const admin = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (e) {
    return { skip: `PostgreSQL at TEST_DATABASE_URL is unreachable (${(e as Error).message})` };
  } finally {
    await admin.end().catch(() => undefined);
  }
  const { testRedis } = await import('../lib/cache/testing/redis');
  const redis = await testRedis();
  if (redis.skip) return { skip: redis.skip };
  return { databaseUrl, redisUrl };
}

export interface Replica {
  name: string;
  port: number;
  url: string;
  process: ChildProcess;
  logFile: string;
}

export interface ScaleOut {
  sandbox: RunningSandbox;
  replicas: Replica[];
  databaseUrl: string;
  redisUrl: string | null;
  /** `Authorization: Bearer …` secrets per role, created in the database as a user's API token. */
  tokens: Record<'viewer' | 'operator' | 'responder', string>;
  /** The sandbox's AWS call counter: `ecs:UpdateService` → n. */
  calls(): Promise<Record<string, number>>;
  resetCalls(): Promise<void>;
  logs(): string;
  stop(): Promise<void>;
}

export interface ScaleOutOptions {
  databaseUrl: string;
  /** null: no REDIS_URL, each replica caches for itself (for the bench's comparison). */
  redisUrl: string | null;
  replicas: number;
  /** Cache TTL of fleet snapshots and telemetry, short so a few rounds cover several refreshes. */
  ttlMs?: number;
  /** Extra environment for every replica (e.g. CODEFLOW_WEBHOOKS). */
  env?: Record<string, string>;
  /** The incidents worker's tick. */
  workerIntervalMs?: number;
  log?: (line: string) => void;
}

async function freshDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `codeflow_scale_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** The run's entries would otherwise stay in the shared Redis for their hour. */
async function dropCacheKeys(redisUrl: string, prefix: string): Promise<void> {
  const link = createRedisLink(redisUrl, { commandTimeoutMs: 5000 });
  try {
    const keys: string[] = [];
    await link.run(async (c) => {
      for await (const batch of c.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
    });
    if (keys.length > 0) await link.run((c) => c.del(keys));
  } finally {
    await link.close();
  }
}

async function waitForHealth(replica: Replica, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (replica.process.exitCode !== null) throw new Error(`${replica.name} exited with ${replica.process.exitCode}; log:\n${readFileSync(replica.logFile, 'utf8').slice(-3000)}`);
    try {
      const r = await fetch(`${replica.url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200 || r.status === 503) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${replica.name} did not answer /api/health within ${timeoutMs} ms`);
}

/** Builds if the sources changed (once per `npm test`: the stamp is shared with `codeflow start`), then starts everything. */
export async function startScaleOut(opts: ScaleOutOptions): Promise<ScaleOut> {
  const log = opts.log ?? (() => undefined);
  const nextBin = resolveNextBin();
  const t0 = Date.now();
  buildIfNeeded(root, nextBin);
  log(`build ready in ${Date.now() - t0} ms`);

  const work = mkdtempSync(join(tmpdir(), 'codeflow-scale-'));
  const db = await freshDatabase(opts.databaseUrl);
  const handle = await openDb({ url: db.url, maxConnections: 2 });
  const tokens = {} as ScaleOut['tokens'];
  try {
    await migrateUp(handle.db);
    for (const role of ['viewer', 'responder', 'operator'] as const satisfies readonly Role[]) {
      const now = new Date();
      const [user] = await handle.db
        .insert(users)
        .values({ issuer: 'https://scale-out.test', subject: `scale-${role}`, name: `Scale ${role[0]!.toUpperCase()}${role.slice(1)}`, idpGroups: [], idpRole: role, roleOverride: role, lastSignInAt: now, roleCheckedAt: now })
        .returning();
      tokens[role] = (await createApiToken({ id: user!.id, role }, { name: 'scale-out', role, expiresInDays: 1 }, handle.db)).secret;
    }
  } finally {
    await handle.close();
  }

  const ports = await Promise.all(Array.from({ length: opts.replicas }, () => freePort()));
  const consoleOrigins = ports.flatMap((p) => [`http://localhost:${p}`, `http://127.0.0.1:${p}`]);
  const client = {
    clientId: 'codeflow-sandbox',
    clientSecret: randomBytes(32).toString('base64url'),
    redirectUris: consoleOrigins.map((o) => `${o}/api/auth/callback/oidc`),
    postLogoutRedirectUris: consoleOrigins.map((o) => `${o}/`),
  };
  const sandbox = await startSandbox({ port: 0, seed: 42, oidc: { clients: [client] } });

  // The same configuration for every replica, as the task definition gives every task.
  const configDir = join(work, 'config');
  mkdirSync(configDir);
  writeFileSync(join(configDir, 'codeflow.config.json'), JSON.stringify({ incidents: { workerIntervalMs: opts.workerIntervalMs ?? 1000 } }));
  const ttl = String(opts.ttlMs ?? 1000);
  const shared: Record<string, string> = {
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    HOSTNAME: '127.0.0.1',
    DATABASE_URL: db.url,
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
    NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
    // One key for every replica, as ECS injects the same secret into every task.
    CODEFLOW_AUDIT_KEY: randomBytes(48).toString('base64'),
    NEXTAUTH_URL: `http://localhost:${ports[0]}`,
    OIDC_ISSUER: sandbox.oidcIssuer!,
    OIDC_CLIENT_ID: client.clientId,
    OIDC_CLIENT_SECRET: client.clientSecret,
    CODEFLOW_ORG_NAME: 'Codeflow Sandbox',
    CODEFLOW_SANDBOX: '1',
    CODEFLOW_SANDBOX_URL: sandbox.url,
    CODEFLOW_AWS_CLOCK_URL: `${sandbox.url}/_sandbox/state`,
    AWS_ENDPOINT_URL: sandbox.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'sandbox',
    AWS_SECRET_ACCESS_KEY: 'sandbox',
    CODEFLOW_STARTUP_CHECKED: '1',
    CODEFLOW_CONFIG_DIR: configDir,
    CODEFLOW_FLEET_TTL_MS: ttl,
    CODEFLOW_TELEMETRY_TTL_MS: ttl,
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  // Only what a replica is given: no leaking of the test runner's REDIS_URL, DATABASE_URL or AWS profile.
  const base: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work };

  const replicas: Replica[] = ports.map((port, i) => {
    const name = `replica-${String.fromCharCode(97 + i)}`;
    const logFile = join(work, `${name}.log`);
    const out = createWriteStream(logFile);
    const child = spawn(process.execPath, ['server.js'], {
      cwd: join(root, STANDALONE_DIR),
      env: Object.assign({ NODE_ENV: 'production' as const }, base, shared, { PORT: String(port), CODEFLOW_DATA_DIR: join(work, `${name}-data`) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    return { name, port, url: `http://127.0.0.1:${port}`, process: child, logFile };
  });

  const stop = async () => {
    await Promise.all(
      replicas.map(
        (r) =>
          new Promise<void>((resolve) => {
            if (r.process.exitCode !== null) return resolve();
            const timer = setTimeout(() => r.process.kill('SIGKILL'), 5000);
            r.process.once('exit', () => (clearTimeout(timer), resolve()));
            r.process.kill('SIGTERM');
          }),
      ),
    );
    await sandbox.close();
    if (opts.redisUrl) await dropCacheKeys(opts.redisUrl, cacheKeyPrefix(shared)).catch((e: Error) => log(`could not clear the cache keys: ${e.message}`));
    await db.drop().catch((e: Error) => log(`could not drop ${db.url}: ${e.message}`));
    rmSync(work, { recursive: true, force: true });
  };

  try {
    await Promise.all(replicas.map((r) => waitForHealth(r, 90_000)));
  } catch (e) {
    await stop();
    throw e;
  }
  log(`${replicas.length} replica(s) up in ${Date.now() - t0} ms`);

  return {
    sandbox,
    replicas,
    databaseUrl: db.url,
    redisUrl: opts.redisUrl,
    tokens,
    calls: async () => Object.fromEntries(sandbox.sandbox.calls),
    resetCalls: async () => sandbox.sandbox.calls.clear(),
    logs: () => replicas.map((r) => `--- ${r.name}\n${readFileSync(r.logFile, 'utf8')}`).join('\n'),
    stop,
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 512 });

export interface HttpResult {
  status: number;
  ms: number;
  body: string;
  json<T = unknown>(): T;
}

/** A plain HTTP call with keep-alive (fetch's pool would serialise 100 viewers on a few sockets). */
export function http(method: string, url: string, opts: { token?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<HttpResult> {
  const started = performance.now();
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload).toString() } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body, json: <T>() => JSON.parse(body) as T }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export const sum = (calls: Record<string, number>, filter: (op: string) => boolean = () => true) =>
  Object.entries(calls)
    .filter(([op]) => filter(op))
    .reduce((n, [, c]) => n + c, 0);

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/**
 * `viewers` viewers spread over the replicas each poll the fleet overview and one service's page
 * API (both at once, as the page does) every `intervalMs` (at once when an answer took longer),
 * starting spread over the first interval, until `durationMs` has passed. Returns the AWS calls
 * the sandbox counted meanwhile, the latencies and how long it took.
 */
export async function pollAsViewers(
  so: ScaleOut,
  opts: { viewers: number; replicas: Replica[]; intervalMs: number; durationMs: number; cluster: string; service: string },
): Promise<{ calls: Record<string, number>; latencies: number[]; errors: string[]; requests: number; ms: number }> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let requests = 0;
  const paths = ['/api/fleet', `/api/services/${opts.cluster}/${opts.service}`];
  await so.resetCalls();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: opts.viewers }, async (_, i) => {
      const replica = opts.replicas[i % opts.replicas.length]!;
      await new Promise((r) => setTimeout(r, (i / opts.viewers) * opts.intervalMs));
      while (performance.now() - started < opts.durationMs) {
        const polled = performance.now();
        await Promise.all(
          paths.map(async (path) => {
            requests++;
            const r = await http('GET', `${replica.url}${path}`, { token: so.tokens.viewer });
            if (r.status === 200) latencies.push(r.ms);
            else errors.push(`${replica.name} ${path} → ${r.status} ${r.body.slice(0, 200)}`);
          }),
        );
        const wait = opts.intervalMs - (performance.now() - polled);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }),
  );
  return { calls: await so.calls(), latencies, errors, requests, ms: performance.now() - started };
}

/** Someone deploys a new revision outside Codeflow (the AWS CLI) and the rollout completes: then there is a revision to roll back to. */
export async function deployOutsideCodeflow(so: ScaleOut, cluster: string, service: string): Promise<void> {
  const aws = testClients(so.sandbox.url);
  const [current] = await describeServices(aws, cluster, [service]);
  const td = await describeTaskDefinition(aws, current!.taskDefinitionArn);
  const container = td.containers[0]!;
  const next = await registerTaskDefinition(aws, { baseTaskDefinitionArn: td.arn, images: { [container.name]: container.image.replace(/:[^:/]+$/, ':scale-out') } });
  await updateService(aws, { cluster, service, taskDefinition: next.arn });
  so.sandbox.sandbox.advance(900);
}

/** Plans one rollback, then sends `n` identical submissions (each its own Idempotency-Key) at once, spread over the replicas. */
export async function raceRollbacks(so: ScaleOut, cluster: string, service: string, n: number): Promise<{ plan: { fingerprint: string; blocked: boolean; requiresApproval: boolean; summary: string }; results: HttpResult[]; ms: number }> {
  const planned = await http('POST', `${so.replicas[0]!.url}/api/services/${cluster}/${service}/plan`, { token: so.tokens.operator, body: { kind: 'rollback' } });
  if (planned.status !== 200) throw new Error(`plan: ${planned.status} ${planned.body}`);
  const { plan } = planned.json<{ plan: { fingerprint: string; blocked: boolean; requiresApproval: boolean; summary: string } }>();
  await so.resetCalls();
  const body = { cluster, service, request: { kind: 'rollback' }, fingerprint: plan.fingerprint, confirmName: service, reason: `scale-out: ${n} operators press rollback at once` };
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      http('POST', `${so.replicas[i % so.replicas.length]!.url}/api/operations`, { token: so.tokens.operator, headers: { 'idempotency-key': `scale-out-${i}-${randomBytes(6).toString('hex')}` }, body }),
    ),
  );
  return { plan, results, ms: performance.now() - started };
}
