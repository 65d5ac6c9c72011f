/**
 * Scale-out figures with real processes (scripts/scale-out-harness.ts): AWS read calls made by
 * 1 replica with 1 viewer, against 2 replicas with 100 viewers sharing Redis, and against 2
 * replicas with 100 viewers each caching alone (no REDIS_URL); the viewers' latency; 50
 * concurrent rollbacks → UpdateService calls.
 *
 *   npm run bench:scale      (VIEWERS=100 DURATION_S=12; TEST_DATABASE_URL / TEST_REDIS_URL, default the local servers)
 */
import { deployOutsideCodeflow, http, percentile, pollAsViewers, raceRollbacks, startScaleOut, sum, type ScaleOut } from '../scripts/scale-out-harness';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const VIEWERS = Number(process.env.VIEWERS ?? 100);
const DURATION_MS = Number(process.env.DURATION_S ?? 12) * 1000;
const TTL_MS = 1000;
const INTERVAL_MS = 1500;
const CLUSTER = 'codeflow-cluster';
const SERVICE = 'codeflow-service';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function warm(so: ScaleOut): Promise<void> {
  for (const replica of so.replicas) {
    for (const path of ['/api/fleet', `/api/services/${CLUSTER}/${SERVICE}`]) await http('GET', `${replica.url}${path}`, { token: so.tokens.viewer });
    await sleep(TTL_MS * 3);
  }
}

async function viewersRun(redisUrl: string | null): Promise<{ one?: Awaited<ReturnType<typeof pollAsViewers>>; many: Awaited<ReturnType<typeof pollAsViewers>> }> {
  const so = await startScaleOut({ databaseUrl: DATABASE_URL, redisUrl, replicas: 2, ttlMs: TTL_MS });
  try {
    await warm(so);
    const many = await pollAsViewers(so, { viewers: VIEWERS, replicas: so.replicas, intervalMs: INTERVAL_MS, durationMs: DURATION_MS, cluster: CLUSTER, service: SERVICE });
    if (!redisUrl) return { many };
    await sleep(TTL_MS * 3);
    // One viewer on one replica over the same span, polling every 200 ms: every refresh one replica makes in that time.
    const one = await pollAsViewers(so, { viewers: 1, replicas: [so.replicas[0]!], intervalMs: 200, durationMs: many.ms, cluster: CLUSTER, service: SERVICE });
    return { one, many };
  } finally {
    await so.stop();
  }
}

async function rollbacksRun(): Promise<{ updateService: number; statuses: Record<number, number>; ms: number }> {
  const so = await startScaleOut({ databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, replicas: 2, ttlMs: TTL_MS });
  try {
    await deployOutsideCodeflow(so, CLUSTER, SERVICE);
    await sleep(TTL_MS * 2.5);
    const { results, ms } = await raceRollbacks(so, CLUSTER, SERVICE, 50);
    await sleep(1000);
    const statuses: Record<number, number> = {};
    for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    return { updateService: (await so.calls())['ecs:UpdateService'] ?? 0, statuses, ms };
  } finally {
    await so.stop();
  }
}

const fmt = (r: Awaited<ReturnType<typeof pollAsViewers>>) =>
  `${String(sum(r.calls)).padStart(4)} AWS calls in ${(r.ms / 1000).toFixed(1)} s; ${r.requests} requests, p50 ${percentile(r.latencies, 50).toFixed(0)} ms, p95 ${percentile(r.latencies, 95).toFixed(0)} ms, errors ${r.errors.length}`;

async function main(): Promise<void> {
  console.log(`scale-out bench: ${VIEWERS} viewers polling /api/fleet and /api/services/${CLUSTER}/${SERVICE} every ${INTERVAL_MS} ms for ${DURATION_MS / 1000} s; cache TTL ${TTL_MS} ms\n`);
  const shared = await viewersRun(REDIS_URL);
  const alone = await viewersRun(null);
  const base = sum(shared.one!.calls);
  console.log(`1 replica,  1 viewer  (200 ms polls):      ${fmt(shared.one!)}`);
  console.log(`2 replicas, ${VIEWERS} viewers, shared Redis:  ${fmt(shared.many)}  → ratio ${(sum(shared.many.calls) / base).toFixed(2)}`);
  console.log(`2 replicas, ${VIEWERS} viewers, no REDIS_URL:  ${fmt(alone.many)}  → ratio ${(sum(alone.many.calls) / base).toFixed(2)}`);
  const rb = await rollbacksRun();
  console.log(`\n50 concurrent identical rollbacks over 2 replicas: ${rb.updateService} UpdateService; answers ${Object.entries(rb.statuses).map(([s, n]) => `${n} × ${s}`).join(', ')} in ${rb.ms.toFixed(0)} ms`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
