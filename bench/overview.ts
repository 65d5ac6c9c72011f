/**
 * The overview API under load: a sandbox fleet of 200 services, 1 and 50 concurrent viewers.
 * Prints p50/p95 latency (warm) and the AWS calls the sandbox received per refresh, against the
 * batching minimum: per cluster ceil(n/100) ListServices + ceil(n/10) DescribeServices.
 *
 *   npm run bench            (FLEET_SIZE, DURATION_S, CONCURRENCY=1,50 to change)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded, STANDALONE_DIR } from '../cli/build';
import { createApiToken } from '../lib/auth/tokens';
import { openDb } from '../lib/db/client';
import { migrateUp } from '../lib/db/migrate';
import { users } from '../lib/db/schema';
import { startSandbox } from '../sandbox/server';
import { freePort } from '../lib/aws/testing/moto';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nextBin = join(dirname(createRequire(import.meta.url).resolve('next/package.json')), 'dist', 'bin', 'next');
const FLEET_SIZE = Number(process.env.FLEET_SIZE ?? 200);
const DURATION_MS = Number(process.env.DURATION_S ?? 8) * 1000;
const LEVELS = (process.env.CONCURRENCY ?? '1,50').split(',').map(Number);
const TTL_MS = 1000;
const POLL_MS = 1000;

const agent = new Agent({ keepAlive: true, maxSockets: 256 });
let authorization = '';

/** A viewer's API token in a fresh embedded database, made before the server opens (and locks) it. */
async function viewerToken(dataDir: string): Promise<string> {
  const handle = await openDb({ dataDir });
  try {
    await migrateUp(handle.db);
    const now = new Date();
    const [user] = await handle.db.insert(users).values({ issuer: 'https://bench.invalid', subject: 'bench-viewer', name: 'Bench Viewer', idpRole: 'viewer', lastSignInAt: now, roleCheckedAt: now }).returning();
    return (await createApiToken({ id: user!.id, role: 'viewer' }, { name: 'bench', role: 'viewer', expiresInDays: 1 }, handle.db)).secret;
  } finally {
    await handle.close();
  }
}

function get(url: string): Promise<{ status: number; ms: number; body: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { agent, headers: { authorization } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body }));
    })
      .on('error', reject)
      .end();
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

interface LoadResult {
  latencies: number[];
  ok: number;
  errors: number;
}

const ms = (r: LoadResult, p: number) => `${percentile(r.latencies, p).toFixed(1)}ms`;

/** `viewers` clients for `durationMs`; each waits `intervalMs` between requests (0 = back to back). */
async function load(url: string, viewers: number, durationMs: number, intervalMs: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: viewers }, async (_, i) => {
      // Spread pollers over the interval, as real viewers are.
      if (intervalMs > 0) await new Promise((r) => setTimeout(r, (i / viewers) * intervalMs));
      while (performance.now() < until) {
        const started = performance.now();
        const r = await get(url);
        if (r.status === 200) latencies.push(r.ms);
        else errors++;
        const wait = intervalMs - (performance.now() - started);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { latencies, ok: latencies.length, errors };
}

async function main() {
  const sandbox = await startSandbox({ seed: 42, speed: 0, fleetSize: FLEET_SIZE });
  const calls = async () => ((await (await fetch(`${sandbox.url}/_sandbox/calls`)).json()) as { calls: Record<string, number>; total: number });
  const resetCalls = () => fetch(`${sandbox.url}/_sandbox/calls`, { method: 'DELETE' });

  buildIfNeeded(root, nextBin);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'codeflow-bench-'));
  authorization = `Bearer ${await viewerToken(dataDir)}`;
  // The standalone server, as `codeflow start` and the container image run it.
  const consoleServer = spawn(process.execPath, ['server.js'], {
    cwd: join(root, STANDALONE_DIR),
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORT: String(port), HOSTNAME: '127.0.0.1', CODEFLOW_DATA_DIR: dataDir, NEXTAUTH_SECRET: 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz', NEXTAUTH_URL: `http://localhost:${port}`, LOG_LEVEL: 'warn', AWS_ENDPOINT_URL: sandbox.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', CODEFLOW_SANDBOX: '1', CODEFLOW_FLEET_TTL_MS: String(TTL_MS), CODEFLOW_TELEMETRY_TTL_MS: String(TTL_MS), NEXT_TELEMETRY_DISABLED: '1' },
  });
  const url = `http://127.0.0.1:${port}/api/fleet`;
  try {
    for (let i = 0; i < 240; i++) {
      const ok = await get(url).then((r) => r.status === 200, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const first = JSON.parse((await get(url)).body) as { services: unknown[] };
    const perCluster = [...sandbox.sandbox.world.clusters.values()].map((c) => c.services.size);
    const ecsMinimum = perCluster.reduce((n, size) => n + Math.ceil(size / 100) + Math.ceil(size / 10), 0);
    // Telemetry (here refreshed as often as ECS): per cluster ceil(queries/500) GetMetricData, one
    // DescribeAlarms page, one ListFindings + one GetFindings for the open HIGH/CRITICAL findings.
    const rows = (first as unknown as { services: { cluster: string; targetGroupArns?: string[] }[] }).services;
    const queries = new Map<string, number>();
    for (const s of rows) queries.set(s.cluster, (queries.get(s.cluster) ?? 0) + 2 + 5 * (s.targetGroupArns?.length ?? 0));
    const telemetryMinimum = [...queries.values()].reduce((n, q) => n + Math.ceil(q / 500), 0) + 3;
    const minimum = ecsMinimum + telemetryMinimum;
    console.log(`fleet: ${first.services.length} services in ${perCluster.length} clusters (${perCluster.join(' + ')}); cache TTL ${TTL_MS} ms`);
    console.log(`batching minimum per refresh: ${minimum} calls (${ecsMinimum} ListServices + DescribeServices, ${telemetryMinimum} telemetry: GetMetricData per cluster, DescribeAlarms, ListFindings, GetFindings)\n`);

    for (const concurrency of LEVELS) {
      // Calls per refresh: let the snapshot expire, then `concurrency` viewers ask at once.
      const perRefresh: number[] = [];
      for (let round = 0; round < 5; round++) {
        await new Promise((r) => setTimeout(r, TTL_MS + 100));
        await resetCalls();
        await Promise.all(Array.from({ length: concurrency }, () => get(url)));
        // The refresh may run behind the answer (stale-while-revalidate): let it finish.
        await new Promise((r) => setTimeout(r, 500));
        perRefresh.push((await calls()).total);
      }
      // Warm latency as viewers cause it: each polls once a second (the UI polls every 5 s).
      const polled = await load(url, concurrency, DURATION_MS, POLL_MS);
      const during = await calls();
      // Saturation: every viewer asks again as soon as it has an answer (a throughput figure).
      const saturated = await load(url, concurrency, DURATION_MS, 0);
      const refreshes = Math.max(1, Math.round(DURATION_MS / TTL_MS));
      console.log(
        `viewers=${String(concurrency).padEnd(3)} polling 1/s: p50=${ms(polled, 50)} p95=${ms(polled, 95)} | ` +
          `back-to-back: p50=${ms(saturated, 50)} p95=${ms(saturated, 95)} ${(saturated.ok / (DURATION_MS / 1000)).toFixed(0)} req/s | ` +
          `errors=${polled.errors + saturated.errors} | calls/refresh=${Math.max(...perRefresh)} (minimum ${minimum}, ratio ${(Math.max(...perRefresh) / minimum).toFixed(2)}); ` +
          `${during.total} calls in ${refreshes} TTL windows while polling`,
      );
    }
  } finally {
    consoleServer.kill('SIGTERM');
    await sandbox.close();
    agent.destroy();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
