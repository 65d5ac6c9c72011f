/**
 * The fleet across an organisation under load: the sandbox plays 5 accounts × 2 Regions with 200
 * services in each account × Region (2,000 services), the first account reached with Codeflow's own
 * keys, the others by sts:AssumeRole with an external id; AWS's throttle buckets enforced; the
 * production standalone server reads every place on its own. It prints, each against its target:
 *
 *   1. ECS calls per refresh, per place and in total, against the sum of the per-place batching
 *      minimums (per cluster ceil(n/100) ListServices + ceil(n/10) DescribeServices);
 *   2. sts:AssumeRole calls per account over the run, against one per account per credential lifetime;
 *   3. isolation: every service in every world is changed (its desired count), and a subscriber
 *      times when each place's change arrives — once as the baseline, once with 10 s of latency on
 *      every call of one member account, once (after a restart, so no credentials are cached) with
 *      that account's role refusing AssumeRole. When a change arrives after it was made depends on
 *      where each cluster's refresh schedule stood (up to one TTL, and the budget stretches a refresh),
 *      which no other account moves; so the figure compared is the delivery lag — from the sandbox
 *      answering the place's last DescribeServices for a cluster to the subscriber holding that
 *      cluster's change — the part another account could delay. The time from the change is printed too.
 *      Both servers are measured warm (WARM_S after start), so first-minute reads weigh on neither;
 *   4. the overview at 200 viewers: polling /api/fleet with the ETag at the console's cadence, and
 *      subscribed to /api/fleet/events (latency: the first event).
 *
 *   npm run bench:accounts   (VIEWERS=200  DURATION_S=6  ROUNDS=5  WARM_S=75  CODEFLOW_AWS_BUDGET_PCT=25  SLOW_AWS_MS=10000)
 *
 * SECTIONS=4 runs only the overview under load (on a server WARM_S past its first read of every
 * place), to iterate on it in a few minutes. CONSOLE_NODE_ARGS go to the console server's node
 * alone (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`; Node refuses those in NODE_OPTIONS).
 *
 * Figures from a shared 2-core machine vary; the README quotes a run and says when.
 */
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { buildIfNeeded } from '../cli/build';
import { freePort } from '../lib/aws/testing/moto';
import type { ClusterStatus, FleetOverview, ServiceHealth } from '../lib/fleet/types';
import { SANDBOX_EXTERNAL_ID, sandboxAccountsConfig, type SandboxAccount } from '../lib/sandbox/organization';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { benchClient, ms, percentile, sleep, spawnConsole, viewerCredentials, type BenchClient, type LoadResult } from './harness';
import { runViewers, type ViewerResult, type ViewerRun } from './viewers';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nextBin = join(dirname(createRequire(import.meta.url).resolve('next/package.json')), 'dist', 'bin', 'next');
const SERVICES_PER_PLACE = Number(process.env.FLEET_SIZE ?? 200);
const VIEWERS = Number(process.env.VIEWERS ?? 200);
const DURATION_MS = Number(process.env.DURATION_S ?? 6) * 1000;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
/** Isolation rounds start this long after a server starts: past its first reads (task definitions, the first minute of telemetry), which are no other account's doing. */
const WARM_MS = Number(process.env.WARM_S ?? 75) * 1000;
const BUDGET_PCT = Number(process.env.CODEFLOW_AWS_BUDGET_PCT ?? 25);
const SLOW_AWS_MS = Number(process.env.SLOW_AWS_MS ?? 10_000);
const TTL_MS = 5000;
const CONSOLE_POLL_MS = 5000;
/** What the sandbox's STS gives when no DurationSeconds is asked for (and Codeflow asks for none). */
const CREDENTIAL_LIFETIME_S = 3600;
const ISOLATION_TARGET_MS = 100;
const P95_TARGET_MS = 100;
const SECTIONS = new Set((process.env.SECTIONS ?? '1,2,3,4').split(',').map((x) => Number(x.trim())));

const REGIONS = ['us-east-1', 'us-west-2'];
const memberOf = (id: string, name: string, environment: string): SandboxAccount => ({
  id,
  name,
  environment,
  regions: REGIONS,
  readRole: `arn:aws:iam::${id}:role/CodeflowReadOnly`,
  externalId: SANDBOX_EXTERNAL_ID,
  fleetSize: SERVICES_PER_PLACE,
});
const ACCOUNTS: SandboxAccount[] = [
  { id: '123456789012', name: 'production', environment: 'production', regions: REGIONS, fleetSize: SERVICES_PER_PLACE },
  memberOf('210987654321', 'staging', 'staging'),
  memberOf('333333333333', 'payments', 'production'),
  memberOf('444444444444', 'analytics', 'production'),
  memberOf('555555555555', 'security', 'security'),
];
/** The member account made slow, then refusing: one reached by role, as most of an organisation is. */
const TROUBLED = ACCOUNTS[2]!;

const placeKey = (account: string, region: string) => `${account}/${region}`;
const clusterKey = (account: string, region: string, cluster: string) => `${account}/${region}/${cluster}`;
const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');

/** Every AWS call the sandbox receives, as it arrives (the sandbox runs in this process: the same clock as the subscriber). */
interface CallTap {
  /** Per place, `service:Operation` → count since the last reset. */
  counts: Map<string, Map<string, number>>;
  /** Arrival times of DescribeServices per cluster (`account/region/cluster`). */
  describes: Map<string, number[]>;
  /** ListServices and DescribeServices per cluster in order, `start` marking a refresh's first ListServices page. */
  reads: Map<string, { at: number; start: boolean }[]>;
  /** sts:AssumeRole calls by the role they named. */
  assumeRole: { roleArn: string; at: number }[];
  reset(): void;
}

function tapCalls(running: RunningSandbox): CallTap {
  const tap: CallTap = {
    counts: new Map(),
    describes: new Map(),
    reads: new Map(),
    assumeRole: [],
    reset() {
      tap.counts.clear();
    },
  };
  for (const { accountId, region, sandbox } of running.organization!.list()) {
    const count = sandbox.countCall.bind(sandbox);
    const place = placeKey(accountId, region);
    sandbox.countCall = (service, operation, input = {}) => {
      count(service, operation, input);
      const key = `${service}:${operation}`;
      const counts = tap.counts.get(place) ?? tap.counts.set(place, new Map()).get(place)!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if ((key === 'ecs:DescribeServices' || key === 'ecs:ListServices') && typeof input.cluster === 'string') {
        const k = clusterKey(accountId, region, input.cluster.slice(input.cluster.lastIndexOf('/') + 1));
        const at = performance.now();
        if (key === 'ecs:DescribeServices') (tap.describes.get(k) ?? tap.describes.set(k, []).get(k)!).push(at);
        (tap.reads.get(k) ?? tap.reads.set(k, []).get(k)!).push({ at, start: key === 'ecs:ListServices' && !input.nextToken });
      }
      if (key === 'sts:AssumeRole') tap.assumeRole.push({ roleArn: String(input.RoleArn), at: performance.now() });
    };
  }
  return tap;
}

/** The fleet as one subscriber holds it: every service's desired count and every cluster's status, with a hook per event. */
class FleetWatcher {
  readonly desired = new Map<string, { cluster: string; desiredCount: number }>();
  readonly clusters = new Map<string, ClusterStatus>();
  places: FleetOverview['places'] = [];
  private listeners = new Set<(upserts: ServiceHealth[]) => void>();
  private subscription: { close(): void } | null = null;

  async open(client: BenchClient, url: string): Promise<void> {
    this.subscription = await client.subscribe(url, (event, data) => {
      const d = data as { services?: ServiceHealth[]; upserts?: ServiceHealth[]; removals?: string[]; clusters: ClusterStatus[]; places?: FleetOverview['places'] };
      if (event === 'snapshot') this.desired.clear();
      const changed = d.services ?? d.upserts ?? [];
      for (const s of changed) this.desired.set(`${s.account}/${s.region}/${s.cluster}/${s.name}`, { cluster: clusterKey(s.account, s.region, s.cluster), desiredCount: s.desiredCount });
      for (const k of d.removals ?? []) this.desired.delete(k);
      for (const c of d.clusters) this.clusters.set(clusterKey(c.account, c.region, c.cluster), c);
      this.places = d.places ?? this.places;
      for (const l of this.listeners) l(changed);
    });
  }

  onChange(listener: (upserts: ServiceHealth[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.subscription?.close();
  }
}

interface RoundResult {
  /** Per place: from the change to the subscriber holding it, slowest cluster. */
  sinceChange: Map<string, number>;
  /** Per place: from the sandbox answering a cluster's last DescribeServices to the subscriber holding its change, slowest cluster. */
  lag: Map<string, number>;
  missing: string[];
}

/**
 * Changes every service in every world (desired count ±1, in the sandbox's memory, as a deploy tool
 * would through the API) and waits until the subscriber holds the change of every cluster of `places`.
 */
async function isolationRound(running: RunningSandbox, tap: CallTap, watcher: FleetWatcher, places: Set<string>, step: number, timeoutMs: number): Promise<RoundResult> {
  const expected = new Map<string, number>();
  const sizes = new Map<string, number>();
  for (const { accountId, region, sandbox } of running.organization!.list()) {
    for (const cluster of sandbox.world.clusters.values()) {
      for (const service of cluster.services.values()) {
        service.desiredCount = Math.max(0, service.desiredCount + step);
        expected.set(`${accountId}/${region}/${cluster.name}/${service.name}`, service.desiredCount);
      }
      if (places.has(placeKey(accountId, region))) sizes.set(clusterKey(accountId, region, cluster.name), cluster.services.size);
    }
  }
  const changedAt = performance.now();
  const matched = new Map([...sizes.keys()].map((k) => [k, new Set<string>()]));
  const seenAt = new Map<string, number>();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    const stop = watcher.onChange((upserts) => {
      const now = performance.now();
      for (const s of upserts) {
        const cluster = clusterKey(s.account, s.region, s.cluster);
        const set = matched.get(cluster);
        if (!set || seenAt.has(cluster)) continue;
        const key = `${s.account}/${s.region}/${s.cluster}/${s.name}`;
        if (expected.get(key) === s.desiredCount) set.add(key);
        else set.delete(key);
        if (set.size === sizes.get(cluster)) seenAt.set(cluster, now);
      }
      if (seenAt.size === sizes.size) done();
    });
    function done() {
      clearTimeout(timer);
      stop();
      resolve();
    }
  });
  const sinceChange = new Map<string, number>();
  const lag = new Map<string, number>();
  const missing: string[] = [];
  for (const cluster of sizes.keys()) {
    const place = cluster.slice(0, cluster.lastIndexOf('/'));
    const seen = seenAt.get(cluster);
    if (seen === undefined) {
      missing.push(cluster);
      continue;
    }
    const lastRead = Math.max(...(tap.describes.get(cluster) ?? []).filter((t) => t > changedAt && t <= seen));
    sinceChange.set(place, Math.max(sinceChange.get(place) ?? 0, seen - changedAt));
    lag.set(place, Math.max(lag.get(place) ?? 0, seen - lastRead));
  }
  return { sinceChange, lag, missing };
}

interface Isolation {
  /** Per place, every round's figure. */
  lag: Map<string, number[]>;
  sinceChange: Map<string, number[]>;
  missing: number;
}

async function isolation(running: RunningSandbox, tap: CallTap, watcher: FleetWatcher, places: Set<string>, label: string, firstStep: number): Promise<Isolation> {
  const result: Isolation = { lag: new Map(), sinceChange: new Map(), missing: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const round = await isolationRound(running, tap, watcher, places, r % 2 === 0 ? firstStep : -firstStep, 4 * TTL_MS + 20_000);
    for (const [place, v] of round.lag) (result.lag.get(place) ?? result.lag.set(place, []).get(place)!).push(v);
    for (const [place, v] of round.sinceChange) (result.sinceChange.get(place) ?? result.sinceChange.set(place, []).get(place)!).push(v);
    result.missing += round.missing.length;
    if (round.missing.length) console.log(`  (${label}, round ${r + 1}: no change seen within the round for ${round.missing.join(', ')})`);
  }
  return result;
}

/** A place's ListServices + DescribeServices per refresh: per cluster, the calls from its first refresh start after `since` to its last, over the refreshes between; summed over clusters. */
function wholeRefreshCalls(tap: CallTap, place: string, since: number): number {
  let total = 0;
  for (const [cluster, reads] of tap.reads) {
    if (!cluster.startsWith(`${place}/`)) continue;
    const starts = reads.filter((r) => r.start && r.at >= since);
    if (starts.length < 2) return NaN;
    const from = starts[0]!.at;
    const to = starts[starts.length - 1]!.at;
    total += reads.filter((r) => r.at >= from && r.at < to).length / (starts.length - 1);
  }
  return total;
}

const median = (xs: number[]) => (xs.length ? percentile([...xs].sort((a, b) => a - b), 50) : NaN);
const maxOf = (xs: number[]) => (xs.length ? Math.max(...xs) : NaN);
const all = (m: Map<string, number[]>) => [...m.values()].flat().sort((a, b) => a - b);

function printIsolation(label: string, baseline: Isolation, run: Isolation, places: Set<string>): number {
  let worst = -Infinity;
  for (const place of places) {
    const extra = median(run.lag.get(place) ?? []) - median(baseline.lag.get(place) ?? []);
    worst = Math.max(worst, Number.isNaN(extra) ? Infinity : extra);
  }
  const lags = all(run.lag);
  const since = all(run.sinceChange);
  console.log(
    `${label.padEnd(34)} | ${fmt(median(lags)).padStart(10)} | ${fmt(maxOf(lags)).padStart(8)} | ${fmt(median(since)).padStart(16)} | ${fmt(maxOf(since)).padStart(14)} | ${run.missing ? `${run.missing} clusters never seen` : 'all seen'}${label === 'baseline' ? '' : ` | extra lag (worst place, median of rounds) ${fmt(worst)} ms: ${met(worst <= ISOLATION_TARGET_MS)}`}`,
  );
  return worst;
}

async function waitForServer(client: BenchClient, url: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (await client.get(url).then((r) => r.status === 200, () => false)) return;
    await sleep(250);
  }
  throw new Error(`the console did not answer ${url}`);
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  server.kill('SIGTERM');
  await Promise.race([once(server, 'exit'), sleep(10_000)]);
}

async function main() {
  buildIfNeeded(root, nextBin);
  console.log(`Codeflow accounts bench, ${new Date().toISOString()}; ${ACCOUNTS.length} accounts × ${REGIONS.length} Regions × ${SERVICES_PER_PLACE} services; ${VIEWERS} viewers; ${DURATION_MS / 1000} s per load measurement; ${ROUNDS} isolation rounds; refresh TTL ${TTL_MS / 1000} s; AWS budget ${BUDGET_PCT} %`);
  const running = await startSandbox({ organization: ACCOUNTS, seed: 42, speed: 0, throttleBuckets: true });
  const tap = tapCalls(running);
  const admin = async (path: string, method = 'GET', body?: unknown) => {
    const res = await fetch(`${running.url}/_sandbox/${path}`, { method, headers: body === undefined ? undefined : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} /_sandbox/${path}: ${res.status} ${await res.text()}`);
  };
  const places = ACCOUNTS.flatMap((a) => a.regions.map((r) => placeKey(a.id, r)));
  const others = new Set(places.filter((p) => !p.startsWith(`${TROUBLED.id}/`)));
  const nameOf = (place: string) => {
    const [id, region] = place.split('/');
    return `${ACCOUNTS.find((a) => a.id === id)!.name} ${region}`;
  };
  const serverEnv = { AWS_ENDPOINT_URL: running.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', CODEFLOW_SANDBOX: '1', CODEFLOW_ACCOUNTS: JSON.stringify(sandboxAccountsConfig(ACCOUNTS)), CODEFLOW_FLEET_TTL_MS: String(TTL_MS), CODEFLOW_AWS_BUDGET_PCT: String(BUDGET_PCT) };

  /** A console server on a fresh database, its viewer, and a subscriber that has seen `ready` places read. */
  async function startConsole(ready: Set<string>, refused: Set<string>) {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'codeflow-bench-accounts-'));
    const credentials = await viewerCredentials(dataDir);
    const client = benchClient(`Bearer ${credentials.token}`);
    const started = performance.now();
    const server = spawnConsole(root, port, dataDir, serverEnv);
    // Its stdout (the JSON log) is not kept: say at least how it ended when nobody asked it to.
    server.on('exit', (code, signal) => signal !== 'SIGTERM' && console.error(`the console server exited: code ${code}, signal ${signal}`));
    const base = `http://127.0.0.1:${port}`;
    await waitForServer(client, `${base}/api/fleet`);
    const watcher = new FleetWatcher();
    await watcher.open(client, `${base}/api/fleet/events`);
    const readAt = new Map<string, number>();
    while (performance.now() - started < 600_000) {
      for (const place of ready) {
        const clusters = [...watcher.clusters.values()].filter((c) => placeKey(c.account, c.region) === place);
        if (!readAt.has(place) && clusters.length > 0 && clusters.every((c) => c.fetchedAt !== null)) readAt.set(place, performance.now() - started);
      }
      const refusing = [...refused].every((p) => watcher.places?.some((s) => placeKey(s.account, s.region) === p && s.error !== null));
      if (readAt.size === ready.size && refusing) break;
      await sleep(100);
    }
    return { server, client, base, watcher, readAt, credentials, started };
  }

  const stsOf = (account: SandboxAccount, since: number) => tap.assumeRole.filter((c) => c.roleArn === account.readRole && c.at >= since).length;
  let server: ChildProcess | undefined;
  try {
    // Phase 1: every account answering.
    const phase1Start = performance.now();
    const first = await startConsole(new Set(places), new Set());
    server = first.server;
    const { client, base, watcher, credentials } = first;
    console.log(`\nfirst full read of every place (server start → every cluster read, seen by a subscriber): ${(maxOf([...first.readAt.values()]) / 1000).toFixed(1)} s`);

    if (SECTIONS.has(1)) {
      // 1. Calls per refresh, over a window in which every cluster was refreshed at least three times (two whole refreshes).
      const sizeOf = (place: string) => {
        const [id, region] = place.split('/');
        return [...running.organization!.world(id!, region!).world.clusters.values()].map((c) => c.services.size);
      };
      tap.reset();
      const seenAt = new Map([...watcher.clusters].map(([k, c]) => [k, c.fetchedAt]));
      const refreshed = new Map([...seenAt.keys()].map((k) => [k, 0]));
      const windowStart = performance.now();
      while ([...refreshed.values()].some((n) => n < 3) && performance.now() - windowStart < 300_000) {
        await sleep(200);
        for (const [k, c] of watcher.clusters) {
          if (c.fetchedAt !== seenAt.get(k)) refreshed.set(k, (refreshed.get(k) ?? 0) + 1);
          seenAt.set(k, c.fetchedAt);
        }
      }
      const windowS = (performance.now() - windowStart) / 1000;
      console.log(`\n## 1. ECS calls per refresh (window ${windowS.toFixed(0)} s, every cluster refreshed ≥ 3 times; a refresh = per cluster ceil(n/100) ListServices + ceil(n/10) DescribeServices; calls/refresh counted over each cluster's whole refreshes in the window, from one first ListServices page to the next)`);
      console.log('place                    | services (clusters) | ListServices | DescribeServices | refreshes | calls/refresh | minimum | ratio | ListClusters | all AWS calls');
      let totalPerRefresh = 0;
      let totalMinimum = 0;
      for (const place of places) {
        const sizes = sizeOf(place);
        const listPages = sizes.reduce((n, s) => n + Math.ceil(s / 100), 0);
        const minimum = sizes.reduce((n, s) => n + Math.ceil(s / 100) + Math.ceil(s / 10), 0);
        const counts = tap.counts.get(place) ?? new Map<string, number>();
        const list = counts.get('ecs:ListServices') ?? 0;
        const describe = counts.get('ecs:DescribeServices') ?? 0;
        const refreshes = list / listPages;
        const perRefresh = wholeRefreshCalls(tap, place, windowStart);
        totalPerRefresh += perRefresh;
        totalMinimum += minimum;
        const allCalls = [...counts.values()].reduce((a, b) => a + b, 0);
        console.log(
          `${nameOf(place).padEnd(24)} | ${`${sizes.reduce((a, b) => a + b, 0)} (${sizes.join(' + ')})`.padStart(19)} | ${String(list).padStart(12)} | ${String(describe).padStart(16)} | ${refreshes.toFixed(1).padStart(9)} | ${perRefresh.toFixed(1).padStart(13)} | ${String(minimum).padStart(7)} | ${(perRefresh / minimum).toFixed(2).padStart(5)} | ${String(counts.get('ecs:ListClusters') ?? 0).padStart(12)} | ${allCalls}`,
        );
      }
      const ratio = totalPerRefresh / totalMinimum;
      console.log(`total: ${totalPerRefresh.toFixed(1)} ECS calls per refresh of every place against the sum of minimums ${totalMinimum} — ratio ${ratio.toFixed(2)}: ${met(Math.abs(ratio - 1) < 0.005)} (target: equal)`);
    }

    let baseline: Isolation | undefined;
    let slowExtra = NaN;
    await sleep(first.started + WARM_MS - performance.now());
    if (SECTIONS.has(3)) {
      // 3. Isolation: baseline, then one member account answering in 10 s.
      console.log(`\n## 3. Isolation: ${TROUBLED.name} (${TROUBLED.id}, both Regions) slow or refusing; the other ${others.size} places measured; ms; lag = sandbox answered the cluster's last DescribeServices → subscriber holds its change`);
      console.log('case                               | lag median | lag max  | since change p50 | since change max | ');
      baseline = await isolation(running, tap, watcher, others, 'baseline', 1);
      printIsolation('baseline', baseline, baseline, others);
      for (const region of REGIONS) await admin(`faults?account=${TROUBLED.id}&region=${region}`, 'PUT', { rules: [{ latencyMs: SLOW_AWS_MS }] });
      // Its reads are in flight (and timing out) before the first change.
      await sleep(TTL_MS);
      const slow = await isolation(running, tap, watcher, others, `${SLOW_AWS_MS / 1000} s latency`, 1);
      slowExtra = printIsolation(`${TROUBLED.name}: ${SLOW_AWS_MS / 1000} s on every call`, baseline, slow, others);
      for (const region of REGIONS) await admin(`faults?account=${TROUBLED.id}&region=${region}`, 'DELETE');
    }

    if (SECTIONS.has(4)) {
      // 4. The overview at VIEWERS viewers.
      console.log(`\n## 4. The overview at ${VIEWERS} viewers (${DURATION_MS / 1000} s each)`);
      // The viewers run in a process of their own: this one runs the sandbox and the watcher.
      const viewers = (mode: ViewerRun['mode']) => runViewers({ base, authorization: `Bearer ${credentials.token}`, mode, viewers: VIEWERS, durationMs: DURATION_MS, intervalMs: CONSOLE_POLL_MS });
      const withSilent = (r: ViewerResult): LoadResult => ({ ...r, latencies: [...r.latencies, ...Array<number>(r.silent).fill(Infinity)] });
      const polled = await viewers('poll');
      const subscribed = withSilent(await viewers('subscribe-burst'));
      const pollP95 = polled.latencies.length ? percentile(polled.latencies, 95) : Infinity;
      console.log(`console cadence (${CONSOLE_POLL_MS / 1000} s + ETag): p50 ${ms(polled, 50)} / p95 ${ms(polled, 95)} / p99 ${ms(polled, 99)} ms, ${polled.ok} answers (${polled.notModified} × 304), ${polled.errors} errors — p95 < ${P95_TARGET_MS} ms: ${met(pollP95 < P95_TARGET_MS)}`);
      console.log(`subscribed in one instant (time to the first event): p50 ${ms(subscribed, 50)} / p95 ${ms(subscribed, 95)} / p99 ${ms(subscribed, 99)} ms, ${subscribed.errors} of ${VIEWERS} without an event — p95 < ${P95_TARGET_MS} ms: ${met(percentile(subscribed.latencies, 95) < P95_TARGET_MS)}`);
      // The same viewers opening over the console's cadence, as the pollers above arrive, rather than all in one instant.
      const spread = withSilent(await viewers('subscribe-spread'));
      console.log(`subscribed over ${CONSOLE_POLL_MS / 1000} s, as viewers arrive: p50 ${ms(spread, 50)} / p95 ${ms(spread, 95)} / p99 ${ms(spread, 99)} ms, ${spread.errors} of ${VIEWERS} without an event — p95 < ${P95_TARGET_MS} ms: ${met(percentile(spread.latencies, 95) < P95_TARGET_MS)}`);
    }

    if (SECTIONS.has(2)) {
      // 2. STS over the first server's whole run.
      const phase1S = (performance.now() - phase1Start) / 1000;
      console.log(`\n## 2. sts:AssumeRole per account over the first server's run (${phase1S.toFixed(0)} s; credentials last ${CREDENTIAL_LIFETIME_S / 60} min, so the target is ≤ ${Math.max(1, Math.ceil(phase1S / CREDENTIAL_LIFETIME_S))} per member account)`);
      const allowed = Math.max(1, Math.ceil(phase1S / CREDENTIAL_LIFETIME_S));
      for (const account of ACCOUNTS) {
        if (!account.readRole) {
          console.log(`${account.name.padEnd(12)} ${account.id}: own credentials, ${tap.assumeRole.filter((c) => c.roleArn.includes(`::${account.id}:`) && c.at >= phase1Start).length} AssumeRole`);
          continue;
        }
        const n = stsOf(account, phase1Start);
        console.log(`${account.name.padEnd(12)} ${account.id}: ${n} AssumeRole for ${account.readRole} — ${met(n <= allowed)}`);
      }
    }
    watcher.close();
    client.destroy();
    await stopServer(server);

    if (SECTIONS.has(3) && baseline) {
      // Phase 2: a restarted server (no credentials cached) with the troubled account's role refusing.
      await admin(`accounts/${TROUBLED.id}/trust`, 'PUT', { deny: true });
      const phase2Start = performance.now();
      const refusedPlaces = new Set(places.filter((p) => !others.has(p)));
      const second = await startConsole(others, refusedPlaces);
      server = second.server;
      console.log(
        `\nrestarted with ${TROUBLED.name}'s role refusing: the other places read in ${(maxOf([...second.readAt.values()]) / 1000).toFixed(1)} s (first server, every account answering: ${(maxOf([...first.readAt.values()]) / 1000).toFixed(1)} s); ${TROUBLED.name} reported as: ${second.watcher.places?.find((p) => p.account === TROUBLED.id)?.error ?? '(no error shown)'}`,
      );
      await sleep(second.started + WARM_MS - performance.now());
      const denied = await isolation(running, tap, second.watcher, others, 'trust denied', 1);
      const deniedExtra = printIsolation(`${TROUBLED.name}: AssumeRole denied`, baseline, denied, others);
      const phase2S = (performance.now() - phase2Start) / 1000;
      console.log(`sts:AssumeRole for ${TROUBLED.name}'s refusing role over the second server's ${phase2S.toFixed(0)} s: ${stsOf(TROUBLED, phase2Start)} (a refusal is remembered 30 s); for the others: ${ACCOUNTS.filter((a) => a.readRole && a !== TROUBLED).map((a) => `${a.name} ${stsOf(a, phase2Start)}`).join(', ')}`);
      second.watcher.close();
      second.client.destroy();
      await admin(`accounts/${TROUBLED.id}/trust`, 'PUT', { deny: false });

      console.log(`\nisolation: worst extra delivery lag of another account's data — ${SLOW_AWS_MS / 1000} s latency ${fmt(slowExtra)} ms, denied ${fmt(deniedExtra)} ms, against ${ISOLATION_TARGET_MS} ms: ${met(slowExtra <= ISOLATION_TARGET_MS && deniedExtra <= ISOLATION_TARGET_MS)}`);
    }
  } finally {
    if (server) await stopServer(server);
    await running.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
