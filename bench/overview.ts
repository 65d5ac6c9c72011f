/**
 * The overview API under load, against the sandbox with AWS's throttle buckets enforced. For each
 * fleet size (200 and 2,000 services by default) and each number of viewers (1, 50, 200, 500) it
 * measures three ways of watching: polling /api/fleet at the console's cadence (5 s, with the
 * ETag), polling at 1/s (no ETag), and subscribed to /api/fleet/events. It prints p50/p95/p99,
 * throughput, the server's RSS (and its growth per 100 subscribed viewers), AWS calls per refresh
 * against the batching minimum, AWS calls per second (which must not grow with viewers) and the
 * peak calls per second per throttle bucket against Codeflow's budget. Then the slow-AWS case:
 * 10 s of latency injected on every AWS call, p95 of the API and of the page.
 *
 *   npm run bench     (FLEET_SIZE=200,2000  CONCURRENCY=1,50,200,500  DURATION_S=6  CODEFLOW_AWS_BUDGET_PCT=25)
 *
 * Figures from a shared 2-core machine vary; the README quotes a run and says when.
 */
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from '../cli/build';
import { THROTTLE_BUCKETS } from '../lib/aws/throttle-buckets';
import { startSandbox } from '../sandbox/server';
import { freePort } from '../lib/aws/testing/moto';
import { benchClient, errorsOf, ms, rssMb, sleep, spawnConsole, viewerCredentials, type LoadResult } from './harness';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nextBin = join(dirname(createRequire(import.meta.url).resolve('next/package.json')), 'dist', 'bin', 'next');
const FLEET_SIZES = (process.env.FLEET_SIZE ?? '200,2000').split(',').map(Number);
const DURATION_MS = Number(process.env.DURATION_S ?? 6) * 1000;
const LEVELS = (process.env.CONCURRENCY ?? '1,50,200,500').split(',').map(Number);
const BUDGET_PCT = Number(process.env.CODEFLOW_AWS_BUDGET_PCT ?? 25);
const SLOW_AWS_MS = Number(process.env.SLOW_AWS_MS ?? 10_000);
const TTL_MS = 5000;
const CONSOLE_POLL_MS = 5000;

async function benchFleet(fleetSize: number) {
  const sandbox = await startSandbox({ seed: 42, speed: 0, fleetSize, throttleBuckets: true });
  const admin = async <T>(path: string, method = 'GET', body?: unknown) => (await (await fetch(`${sandbox.url}/_sandbox/${path}`, { method, headers: body === undefined ? undefined : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).json()) as T;
  const calls = () => admin<{ calls: Record<string, number>; total: number }>('calls');
  type Bucket = { bucket: keyof typeof THROTTLE_BUCKETS; calls: number; throttled: number; peakPerSecond: number };
  const throttling = () => admin<{ buckets: Bucket[] }>('throttling');

  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'codeflow-bench-'));
  const credentials = await viewerCredentials(dataDir);
  const { get, poll, subscribe, destroy } = benchClient(`Bearer ${credentials.token}`);
  // The standalone server, as `codeflow start` and the container image run it.
  const consoleServer = spawnConsole(root, port, dataDir, { AWS_ENDPOINT_URL: sandbox.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', CODEFLOW_SANDBOX: '1', CODEFLOW_FLEET_TTL_MS: String(TTL_MS), CODEFLOW_AWS_BUDGET_PCT: String(BUDGET_PCT) });
  const pid = consoleServer.pid!;
  const base = `http://127.0.0.1:${port}`;
  const url = `${base}/api/fleet`;
  try {
    for (let i = 0; i < 240; i++) {
      const ok = await get(url).then((r) => r.status === 200, () => false);
      if (ok) break;
      await sleep(250);
    }
    const started = performance.now();
    let first: { services: { cluster: string; targetGroupArns?: string[] }[]; clusters: { fetchedAt: string | null }[] } | undefined;
    while (performance.now() - started < 600_000) {
      first = JSON.parse((await get(url)).body);
      if (first!.clusters.length > 0 && first!.clusters.every((c) => c.fetchedAt !== null)) break;
      await sleep(500);
    }
    const perCluster = [...sandbox.sandbox.world.clusters.values()].map((c) => c.services.size);
    const listPages = perCluster.reduce((n, size) => n + Math.ceil(size / 100), 0);
    const ecsMinimum = perCluster.reduce((n, size) => n + Math.ceil(size / 100) + Math.ceil(size / 10), 0);
    const share = BUDGET_PCT / 100;
    const serviceRead = THROTTLE_BUCKETS['ecs.service-read'];
    const stretchedS = Math.max(TTL_MS / 1000, (ecsMinimum - serviceRead.capacity * share) / (serviceRead.refillPerSecond * share));
    console.log(`\n## fleet: ${first!.services.length} services in ${perCluster.length} clusters (${perCluster.join(' + ')}); refresh TTL ${TTL_MS / 1000} s; AWS budget ${BUDGET_PCT} %`);
    console.log(`first full read: ${((performance.now() - started) / 1000).toFixed(1)} s; ECS batching minimum ${ecsMinimum} calls per refresh (${listPages} ListServices + ${ecsMinimum - listPages} DescribeServices); at ${BUDGET_PCT} % of ECS's service-read bucket (${serviceRead.refillPerSecond}/s) a refresh of every cluster takes ≥ ${stretchedS.toFixed(1)} s`);
    console.log('viewers | mode                 | p50 ms | p95 ms | p99 ms | req/s  | 304s  | errors | RSS MB | ECS calls/refresh (min) | AWS calls/s');

    for (const viewers of LEVELS) {
      for (const mode of ['console 5 s + ETag', 'poll 1/s', 'subscribed'] as const) {
        await admin('calls', 'DELETE');
        const t0 = performance.now();
        let result: LoadResult;
        let rss: number;
        if (mode === 'subscribed') {
          const before = rssMb(pid);
          const subs = await Promise.all(Array.from({ length: viewers }, () => subscribe(`${base}/api/fleet/events`)));
          await sleep(DURATION_MS);
          rss = rssMb(pid);
          const firsts = subs.map((s) => s.firstEventMs ?? Infinity).sort((a, b) => a - b);
          const events = subs.reduce((n, s) => n + s.events, 0);
          subs.forEach((s) => s.close());
          const silent = firsts.filter((f) => f === Infinity).length;
          result = { latencies: firsts, ok: events, notModified: 0, errors: silent, errorKinds: silent ? { 'no event': silent } : {} };
          const wire = subs.reduce((n, s) => n + s.wireBytes, 0) / viewers / 1024;
          if (viewers >= 50) console.log(`        (RSS ${before.toFixed(0)} → ${rss.toFixed(0)} MB with ${viewers} streams open: ${(((rss - before) / viewers) * 100).toFixed(1)} MB per 100 subscribed viewers; ${wire.toFixed(0)} KB per stream on the wire; latency = time to the first event)`);
        } else {
          result = await poll(url, viewers, DURATION_MS, mode === 'poll 1/s' ? 1000 : CONSOLE_POLL_MS, mode !== 'poll 1/s');
          rss = rssMb(pid);
        }
        const seconds = (performance.now() - t0) / 1000;
        const seen = await calls();
        const list = seen.calls['ecs:ListServices'] ?? 0;
        const describe = seen.calls['ecs:DescribeServices'] ?? 0;
        const refreshes = list / listPages;
        const perRefresh = refreshes > 0 ? ((list + describe) / refreshes).toFixed(1) : '-';
        console.log(
          `${String(viewers).padStart(7)} | ${mode.padEnd(20)} | ${ms(result, 50).padStart(6)} | ${ms(result, 95).padStart(6)} | ${ms(result, 99).padStart(6)} | ${(result.ok / seconds).toFixed(0).padStart(6)} | ${String(result.notModified).padStart(5)} | ${String(result.errors).padStart(6)} | ${rss.toFixed(0).padStart(6)} | ${String(perRefresh).padStart(6)} (${ecsMinimum}) ratio ${refreshes > 0 ? ((list + describe) / refreshes / ecsMinimum).toFixed(2) : '-'} | ${(seen.total / seconds).toFixed(1)}`,
        );
      }
    }

    // Calls per refresh over whole refreshes, at the fewest and the most viewers: at 2,000 services the
    // budget stretches one refresh of every cluster past the windows above, which then see part of one.
    for (const viewers of [...new Set([1, Math.max(...LEVELS)])]) {
      const subs = await Promise.all(Array.from({ length: viewers }, () => subscribe(`${base}/api/fleet/events`)));
      const fetchedAt = async () => new Map((JSON.parse((await get(url)).body) as { clusters: { cluster: string; fetchedAt: string | null }[] }).clusters.map((c) => [c.cluster, c.fetchedAt]));
      await admin('calls', 'DELETE');
      const t0 = performance.now();
      const seenAt = await fetchedAt();
      const refreshed = new Map([...seenAt.keys()].map((k) => [k, 0]));
      while ([...refreshed.values()].some((n) => n < 2) && performance.now() - t0 < 600_000) {
        await sleep(1000);
        for (const [cluster, at] of await fetchedAt()) {
          if (at !== seenAt.get(cluster)) refreshed.set(cluster, (refreshed.get(cluster) ?? 0) + 1);
          seenAt.set(cluster, at);
        }
      }
      const seconds = (performance.now() - t0) / 1000;
      const seen = await calls();
      subs.forEach((s) => s.close());
      const list = seen.calls['ecs:ListServices'] ?? 0;
      const describe = seen.calls['ecs:DescribeServices'] ?? 0;
      const refreshes = list / listPages;
      console.log(
        `calls per refresh with ${viewers} subscribed viewer(s), over ${seconds.toFixed(0)} s (every cluster refreshed ≥ 2 times): ${refreshes > 0 ? ((list + describe) / refreshes).toFixed(1) : '-'} ECS calls (minimum ${ecsMinimum}), ${refreshes.toFixed(1)} refreshes, ${(seen.total / seconds).toFixed(1)} AWS calls/s`,
      );
    }

    const report = await throttling();
    console.log('\nthrottle bucket              | AWS refill/s | Codeflow budget/s (burst) | most allowed in 1 s | peak calls/s seen by AWS | within budget | throttled');
    for (const b of report.buckets) {
      const aws = THROTTLE_BUCKETS[b.bucket];
      // A token bucket allows its burst plus one second of refill in any one second (one more for a window straddling a refill).
      const allowed = Math.floor(aws.capacity * share + aws.refillPerSecond * share) + 1;
      console.log(`${b.bucket.padEnd(28)} | ${String(aws.refillPerSecond).padStart(12)} | ${(aws.refillPerSecond * share).toFixed(1).padStart(10)} (${(aws.capacity * share).toFixed(0)}) | ${String(allowed).padStart(19)} | ${String(b.peakPerSecond).padStart(24)} | ${(b.peakPerSecond <= allowed ? 'yes' : 'NO').padStart(13)} | ${b.throttled}`);
    }

    // Slow AWS: every call takes SLOW_AWS_MS; pages and the API answer from the last good data.
    await admin('faults', 'PUT', { rules: [{ latencyMs: SLOW_AWS_MS }] });
    const slowApi = await poll(url, 20, DURATION_MS, 1000, false);
    // The page as a signed-in browser asks for it: with the session cookie (proxy.ts sends a request without one to sign-in).
    const slowPage = await poll(`${base}/`, 5, DURATION_MS, 1000, false, { cookie: credentials.sessionCookie });
    await admin('faults', 'DELETE');
    console.log(`\nslow AWS (${SLOW_AWS_MS / 1000} s on every call): /api/fleet p50 ${ms(slowApi, 50)} / p95 ${ms(slowApi, 95)} ms (${errorsOf(slowApi)}); overview page p50 ${ms(slowPage, 50)} / p95 ${ms(slowPage, 95)} ms (${errorsOf(slowPage)})`);
  } finally {
    consoleServer.kill('SIGTERM');
    destroy();
    await sandbox.close();
  }
}

async function main() {
  buildIfNeeded(root, nextBin);
  console.log(`Codeflow overview bench, ${new Date().toISOString()}; ${DURATION_MS / 1000} s per measurement`);
  for (const size of FLEET_SIZES) await benchFleet(size);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
