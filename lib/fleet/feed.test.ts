/** The fleet feed against the sandbox: scheduled refreshes that never overlap, and the AWS budget under AWS's own throttling. */
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { createAwsClients, type AwsClients } from '../aws/client';
import { QuotaBudget } from '../aws/quota-budget';
import { TEST_CREDENTIALS } from '../aws/testing/fixtures';
import { freePort } from '../aws/testing/moto';
import { createCache } from '../cache/cached';
import { createFleetContext, type FleetContext } from './context';
import { FleetFeed } from './feed';
import { fleetEventStream, fleetResponse } from './feed-http';
import { fetchClusterSnapshot, getClusterSnapshot } from './snapshot';
import type { TelemetrySources } from './telemetry';
import type { FleetOverview } from './types';

/** Alarms and findings are not what these tests are about: answered at once, empty. */
const quietSources: TelemetrySources = {
  alarms: async () => ({ alarms: [], fetchedAt: new Date().toISOString(), stale: false, error: null }) as never,
  findings: async () => ({ value: {}, stale: false, error: null }),
};

function clients(url: string, budget?: QuotaBudget): AwsClients {
  return createAwsClients({ region: 'us-east-1', endpoint: url, credentials: TEST_CREDENTIALS, maxAttempts: 3, connectionTimeoutMs: 2000, requestTimeoutMs: 20_000, callDeadlineMs: 30_000, budget });
}

/** Counts ListServices/DescribeServices calls in flight at once, from the client's side (the SDK's middleware). */
function trackInFlight(aws: AwsClients) {
  const seen = { now: 0, max: 0 };
  aws.ecs.middlewareStack.add(
    (next, context) => async (args) => {
      // A refresh's own calls; a revision still being described from the warm-up is not one.
      if (context.commandName !== 'ListServicesCommand' && context.commandName !== 'DescribeServicesCommand') return next(args);
      seen.max = Math.max(seen.max, ++seen.now);
      try {
        return await next(args);
      } finally {
        seen.now--;
      }
    },
    { step: 'initialize', name: 'countInFlight' },
  );
  return seen;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

const overviewOf = (feed: FleetFeed) => JSON.parse(feed.latest().json.toString()) as FleetOverview;

describe('the fleet feed against the sandbox', { timeout: 240_000 }, () => {
  let running: RunningSandbox;
  before(async () => {
    running = await startSandbox({ port: await freePort(), seed: 42, speed: 0, fleetSize: 200 });
  });
  after(() => running.close());

  const admin = (path: string, method: string, body?: unknown) => fetch(`${running.url}/_sandbox/${path}`, { method, headers: body === undefined ? undefined : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const calls = async () => ((await (await admin('calls', 'GET')).json()) as { calls: Record<string, number> }).calls;

  it('refreshes never overlap: 500 concurrent viewers, a refresh slower than the TTL, calls per refresh = the batching minimum', async () => {
    const cluster = 'codeflow-cluster';
    const size = running.sandbox.world.clusters.get(cluster)!.services.size;
    const aws = clients(running.url);
    const inFlight = trackInFlight(aws);
    const ctx: FleetContext = createFleetContext({ aws, region: 'us-east-1', clusters: [cluster], snapshotTtlMs: 100, cache: createCache(), telemetryWaitMs: 50 });
    // Task definitions are cached forever: described before counting, as in a warm server.
    for (let i = 0; i < 30 && !(await fetchClusterSnapshot(cluster, ctx)).services.every((s) => s.image !== null); i++);
    // 150 ms on every ECS call: one refresh (ListServices pages in sequence, then DescribeServices batches) takes far longer than the 100 ms TTL.
    await admin('faults', 'PUT', { rules: [{ service: 'ecs', latencyMs: 150 }] });
    await admin('calls', 'DELETE');

    const feed = new FleetFeed(ctx, { sources: quietSources, tickMs: 10 });
    const started = Date.now();
    let requests = 0;
    // Viewers of the overview, and of service pages (which read the same snapshot through the cache).
    await Promise.all(
      Array.from({ length: 500 }, async (_, i) => {
        while (Date.now() - started < 3000) {
          if (i % 5 === 0) await getClusterSnapshot(cluster, ctx);
          else feed.latest();
          requests++;
          await sleep(5);
        }
      }),
    );
    feed.close();
    await until(() => inFlight.now === 0, 10_000);
    await admin('faults', 'DELETE');

    const seen = await calls();
    const listPages = Math.ceil(size / 100);
    const describeBatches = Math.ceil(size / 10);
    const refreshes = (seen['ecs:ListServices'] ?? 0) / listPages;
    assert.ok(requests > 10_000, `load: ${requests} requests`);
    assert.ok(Number.isInteger(refreshes) && refreshes >= 2, `whole refreshes: ${JSON.stringify(seen)}`);
    assert.equal(seen['ecs:DescribeServices'], refreshes * describeBatches, `calls per refresh = ${listPages} ListServices + ${describeBatches} DescribeServices`);
    // One refresh keeps at most 5 DescribeServices in flight (lib/aws/ecs.ts); two overlapping would reach 10.
    assert.ok(inFlight.max <= 5, `at most one refresh in flight: ${inFlight.max} calls at once`);
    // Each refresh is ≥ 2 list pages + 3 describe rounds of 150 ms; overlapping refreshes would fit more into 3 s.
    assert.ok(refreshes <= Math.ceil(3000 / ((listPages + Math.ceil(describeBatches / 5)) * 150)) + 1, `${refreshes} refreshes in 3 s`);
  });

  it('with AWS throttling on, the budget keeps Codeflow inside its share: no ThrottlingException, refreshes stretched instead', async () => {
    await admin('reset', 'POST', { seed: 42, speed: 0, fleetSize: 600 });
    running.throttle.reset();
    running.throttle.enforce = true;
    try {
      // 10 % of ECS's service-read bucket (burst 100, 20/s): 10 calls at once, 2 a second.
      const budget = new QuotaBudget(10);
      const aws = clients(running.url, budget);
      const ctx = createFleetContext({ aws, region: 'us-east-1', snapshotTtlMs: 200, cache: createCache(), telemetryWaitMs: 50 });
      const feed = new FleetFeed(ctx, { sources: quietSources, tickMs: 20 });
      // Another tool in the account (Terraform, the AWS console) spends most of the bucket meanwhile.
      const neighbour = clients(running.url);
      let neighbourCalls = 0;
      const stopAt = Date.now() + 6000;
      const neighbourLoad = (async () => {
        while (Date.now() < stopAt) {
          await neighbour.ecs.send(new (await import('@aws-sdk/client-ecs')).ListServicesCommand({ cluster: 'codeflow-cluster', maxResults: 1 })).catch(() => undefined);
          neighbourCalls++;
          await sleep(100); // 10 calls/s: half of AWS's refill
        }
      })();
      for (let i = 0; i < 60; i++) {
        feed.latest();
        await sleep(100);
      }
      await neighbourLoad;
      const overview = overviewOf(feed);
      feed.close();

      const report = running.throttle.report();
      const serviceRead = report.find((b) => b.bucket === 'ecs.service-read')!;
      const ours = budget.stats().find((b) => b.bucket === 'ecs.service-read')!;
      assert.ok(neighbourCalls > 20, `the neighbour called ${neighbourCalls} times`);
      assert.equal(serviceRead.throttled, 0, `AWS throttled nobody: ${JSON.stringify(serviceRead)}`);
      assert.equal(ours.throttled, 0);
      // Burst of 10, then 2 a second: never more than the share's burst plus one second of refill in a second.
      assert.ok(ours.peakPerSecond <= 12, `Codeflow's peak ${ours.peakPerSecond}/s`);
      assert.ok(ours.calls <= 10 + 2 * 7, `${ours.calls} service reads in ~6 s`);
      // The fleet (600 services, ~66 calls a refresh) cannot be read at 2 calls/s within 6 s: it is stretched, and says so.
      assert.ok(overview.clusters.every((c) => c.budgetPct === 10), JSON.stringify(overview.clusters));
      assert.ok(overview.clusters.some((c) => c.loading || c.fetchedAt === null), 'not every cluster read yet');
    } finally {
      running.throttle.enforce = false;
    }
  });

  it('throttling answers shrink the budget until they stop', async () => {
    const budget = new QuotaBudget(100);
    const scope = { account: 'default', region: 'us-east-1' };
    running.throttle.reset();
    running.throttle.enforce = true;
    const { ListServicesCommand } = await import('@aws-sdk/client-ecs');
    try {
      const aws = createAwsClients({ region: 'us-east-1', endpoint: running.url, credentials: TEST_CREDENTIALS, maxAttempts: 1, connectionTimeoutMs: 2000, requestTimeoutMs: 5000, callDeadlineMs: 5000, budget });
      const ctx = createFleetContext({ aws, region: 'us-east-1', clusters: ['codeflow-cluster'], snapshotTtlMs: 100, cache: createCache(), telemetryWaitMs: 50 });
      // A neighbour (Terraform in a loop) spends the whole bucket: Codeflow's reads are throttled.
      const neighbour = createAwsClients({ region: 'us-east-1', endpoint: running.url, credentials: TEST_CREDENTIALS, maxAttempts: 1, connectionTimeoutMs: 2000, requestTimeoutMs: 5000, callDeadlineMs: 5000 });
      const hammer = () => Promise.all(Array.from({ length: 150 }, () => neighbour.ecs.send(new ListServicesCommand({ cluster: 'codeflow-cluster', maxResults: 1 })).catch(() => undefined)));
      let lowest = 100;
      for (let i = 0; i < 4; i++) {
        const burst = hammer();
        await getClusterSnapshot(`codeflow-cluster`, { ...ctx, cache: createCache() }).catch(() => undefined);
        await burst;
        lowest = Math.min(lowest, budget.effectivePct(scope, 'ecs.service-read'));
      }
      const ours = budget.stats().find((b) => b.bucket === 'ecs.service-read')!;
      assert.ok(ours.throttled > 0, 'Codeflow saw throttling');
      assert.ok(lowest <= 50, `the share shrank (to ${lowest} %)`);
      // Once the throttling stops, the share grows back.
      await sleep(1500);
      assert.ok(budget.effectivePct(scope, 'ecs.service-read') > lowest);
    } finally {
      running.throttle.enforce = false;
    }
  });

  it('a slow AWS never makes a slow answer: cold start says loading at once, then the last good data with its age', async () => {
    await admin('reset', 'POST', { seed: 42, speed: 0, fleetSize: 0 });
    await admin('faults', 'PUT', { rules: [{ latencyMs: 1500 }] });
    try {
      const ctx = createFleetContext({ aws: clients(running.url), region: 'us-east-1', clusters: ['codeflow-cluster', 'codeflow-staging'], snapshotTtlMs: 200, cache: createCache(), telemetryWaitMs: 50 });
      const feed = new FleetFeed(ctx, { sources: quietSources, tickMs: 20 });
      after(() => feed.close());
      let t = performance.now();
      const cold = await feed.latestWithin(100);
      assert.ok(performance.now() - t < 500);
      assert.equal(cold.loading, true);
      const coldOverview = JSON.parse(cold.json.toString()) as FleetOverview;
      assert.equal(coldOverview.services.length, 0);

      // Each cluster shows as soon as it is read; wait for both.
      await until(() => overviewOf(feed).clusters.every((c) => c.fetchedAt !== null), 15_000);
      t = performance.now();
      const warm = overviewOf(feed);
      assert.ok(performance.now() - t < 100);
      const total = [...running.sandbox.world.clusters.values()].reduce((n, c) => n + c.services.size, 0);
      assert.equal(warm.services.length, total);
      assert.ok(warm.clusters.every((c) => c.fetchedAt !== null && c.ageSeconds !== null));
      feed.close();
    } finally {
      await admin('faults', 'DELETE');
    }
  });

  it('deltas carry only what changed, and a resuming viewer gets exactly the versions it missed', async () => {
    await admin('reset', 'POST', { seed: 42, speed: 0, fleetSize: 0 });
    const ctx = createFleetContext({ aws: clients(running.url), region: 'us-east-1', clusters: ['codeflow-cluster', 'codeflow-staging'], snapshotTtlMs: 100, cache: createCache(), telemetryWaitMs: 50 });
    const feed = new FleetFeed(ctx, { sources: quietSources, tickMs: 20 });
    const events: string[] = [];
    const unsubscribe = feed.subscribe((p) => events.push((p.deltaEvent ?? p.snapshotEvent).toString()));
    await until(() => !feed.latest().loading, 10_000);
    const from = feed.latest().version;
    await admin('clock/advance', 'POST', { seconds: 120 });
    await until(() => feed.latest().version >= from + 3, 10_000);
    unsubscribe();
    feed.close();

    const deltas = events.filter((e) => e.includes('event: delta')).map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)) as { upserts: unknown[]; version: number; from: number });
    assert.ok(deltas.length > 0);
    assert.ok(deltas.every((d) => d.from === d.version - 1));
    assert.ok(deltas.some((d) => d.upserts.length < overviewOf(feed).services.length), 'a delta smaller than the fleet');
    const missed = feed.eventsSince(from)!;
    assert.equal(missed.length, feed.latest().version - from);
    assert.equal(feed.eventsSince(feed.latest().version)!.length, 0);
    assert.equal(feed.eventsSince(-1000), null, 'too old: the viewer gets a snapshot instead');
  });

  it('a polling viewer asking for deltas gets what changed since its ETag, which applied gives the current fleet', async () => {
    await admin('reset', 'POST', { seed: 42, speed: 0, fleetSize: 200 });
    const ctx = createFleetContext({ aws: clients(running.url), region: 'us-east-1', clusters: ['codeflow-cluster', 'codeflow-staging'], snapshotTtlMs: 100, cache: createCache(), telemetryWaitMs: 50 });
    const feed = new FleetFeed(ctx, { sources: quietSources, tickMs: 20 });
    after(() => feed.close());
    await until(() => !feed.latest().loading && overviewOf(feed).clusters.every((c) => c.fetchedAt !== null), 20_000);
    const get = (headers: Record<string, string>, query = '?deltas=1') => fleetResponse(new Request(`http://console/api/fleet${query}`, { headers }), feed);
    const first = await get({});
    const held = JSON.parse(await first.text()) as FleetOverview;
    const etag = first.headers.get('etag')!;
    assert.equal((await get({ 'if-none-match': etag })).status, 304);

    await admin('clock/advance', 'POST', { seconds: 120 });
    await until(() => feed.latest().version >= held.version! + 2, 10_000);
    const res = await get({ 'if-none-match': etag });
    const body = (await res.clone().text());
    const answer = JSON.parse(body) as { version: number; deltas: { version: number; upserts: FleetOverview['services']; removals: string[]; clusters: FleetOverview['clusters'] }[] };
    assert.ok(Array.isArray(answer.deltas), 'deltas, not the whole fleet');
    assert.deepEqual(answer.deltas.map((d) => d.version), Array.from({ length: answer.version - held.version! }, (_, i) => held.version! + 1 + i));
    assert.ok(body.length < feed.latest().json.length, `${body.length} bytes of deltas against ${feed.latest().json.length} for the fleet`);
    // Applied in order, they give exactly the fleet the feed publishes (as the console applies them).
    const key = (x: { account: string; region: string; cluster: string; name: string }) => `${x.account}/${x.region}/${x.cluster}/${x.name}`;
    const services = new Map(held.services.map((x) => [key(x), x]));
    for (const d of answer.deltas) {
      for (const r of d.removals) services.delete(r);
      for (const u of d.upserts) services.set(key(u), u);
    }
    const current = JSON.parse(feed.latest().json.toString()) as FleetOverview;
    if (current.version === answer.version) assert.deepEqual([...services.values()].sort((a, b) => key(a).localeCompare(key(b))), [...current.services].sort((a, b) => key(a).localeCompare(key(b))));
    // Another process's ETag, or no ?deltas=1: the whole fleet.
    assert.ok('services' in JSON.parse(await (await get({ 'if-none-match': '"0000-1-abc"' })).text()));
    assert.ok('services' in JSON.parse(await (await get({ 'if-none-match': etag }, '')).text()));
  });

  it('a viewer asking for compressed events gets the same events, the big ones gzipped once for every viewer', async () => {
    await admin('reset', 'POST', { seed: 42, speed: 0, fleetSize: 200 });
    const ctx = createFleetContext({ aws: clients(running.url), region: 'us-east-1', clusters: ['codeflow-cluster', 'codeflow-staging'], snapshotTtlMs: 100, cache: createCache(), telemetryWaitMs: 50 });
    const feed = new FleetFeed(ctx, { sources: quietSources, tickMs: 20 });
    await until(() => !feed.latest().loading && overviewOf(feed).clusters.every((c) => c.fetchedAt !== null), 20_000);
    /** Opens a stream and collects its events as they arrive, decoding `.gz` ones as the console does. */
    const open = (query: string) => {
      const aborter = new AbortController();
      const res = fleetEventStream(new Request(`http://console/api/fleet/events${query}`, { signal: aborter.signal }), feed);
      const events: { id: string; name: string; data: string; wire: number }[] = [];
      const reader = res.body!.getReader();
      void (async () => {
        let text = '';
        for (;;) {
          const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
          if (done || !value) break;
          text += Buffer.from(value).toString();
          let end;
          while ((end = text.indexOf('\n\n')) >= 0) {
            const block = text.slice(0, end);
            text = text.slice(end + 2);
            const m = /^id: (\d+)\nevent: ([\w.]+)\ndata: (.*)$/s.exec(block);
            if (!m) continue;
            const data = m[2]!.endsWith('.gz') ? gunzipSync(Buffer.from(m[3]!, 'base64')).toString() : m[3]!;
            events.push({ id: m[1]!, name: m[2]!, data, wire: Buffer.byteLength(block) });
          }
        }
      })();
      return { events, abort: () => aborter.abort() };
    };
    const plain = open('');
    const zipped = open('?compressed=gzip');
    await until(() => plain.events.length > 0 && zipped.events.length > 0, 5_000);
    assert.equal(plain.events[0]!.name, 'snapshot');
    assert.equal(zipped.events[0]!.name, 'snapshot.gz');
    assert.equal(zipped.events[0]!.id, plain.events[0]!.id);
    assert.equal(zipped.events[0]!.data, plain.events[0]!.data, 'the same overview, decoded');
    assert.ok((JSON.parse(zipped.events[0]!.data) as FleetOverview).services.length >= 100);
    assert.ok(zipped.events[0]!.wire * 4 < plain.events[0]!.wire, `compressed ${zipped.events[0]!.wire} bytes vs ${plain.events[0]!.wire} plain`);

    // Changes keep arriving on the compressed stream, in order, decodable one by one.
    const seen = zipped.events.length;
    await admin('clock/advance', 'POST', { seconds: 120 });
    await until(() => zipped.events.length > seen, 10_000);
    const ids = zipped.events.map((e) => Number(e.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));

    // Compressed once, by the feed, when the version was published: a new stream is sent those very bytes.
    const latest = feed.latest();
    const third = open('?compressed=gzip');
    await until(() => third.events.length > 0, 5_000);
    if (feed.latest() === latest) assert.equal(third.events[0]!.wire + 2, latest.compressedSnapshotEvent.byteLength);
    assert.equal(gunzipSync(latest.gzippedJson).toString(), latest.json.toString());
    plain.abort();
    zipped.abort();
    third.abort();
    feed.close();
  });

  it('publishes at most one version per interval, whatever the number of refreshes, each already compressed', async () => {
    await admin('reset', 'POST', { seed: 42, speed: 0, fleetSize: 200 });
    // Two clusters refreshed every 100 ms: without coalescing, a version every ~50 ms.
    const ctx = createFleetContext({ aws: clients(running.url), region: 'us-east-1', clusters: ['codeflow-cluster', 'codeflow-staging'], snapshotTtlMs: 100, cache: createCache(), telemetryWaitMs: 50 });
    const feed = new FleetFeed(ctx, { sources: quietSources, tickMs: 20, publishIntervalMs: 400 });
    after(() => feed.close());
    await until(() => !feed.latest().loading, 10_000);
    const published: { at: number; ready: boolean }[] = [];
    const unsubscribe = feed.subscribe((p) => published.push({ at: performance.now(), ready: gunzipSync(p.gzippedJson).equals(p.json) }));
    await sleep(3000);
    unsubscribe();
    feed.close();

    assert.ok(published.length >= 3, `${published.length} versions in 3 s: changes still go out`);
    assert.ok(published.length <= 3000 / 400 + 1, `${published.length} versions in 3 s at most one per 400 ms`);
    const gaps = published.slice(1).map((p, i) => p.at - published[i]!.at);
    assert.ok(gaps.every((g) => g >= 395), `gaps between versions: ${gaps.map((g) => g.toFixed(0)).join(', ')} ms`);
    assert.ok(published.every((p) => p.ready), 'every version is compressed before it is published');
  });

  it('the whole overview goes gzipped to a polling viewer that asks for it, the same bytes for every viewer, and the deltas from one version are made once', async () => {
    await admin('reset', 'POST', { seed: 42, speed: 0, fleetSize: 200 });
    const ctx = createFleetContext({ aws: clients(running.url), region: 'us-east-1', clusters: ['codeflow-cluster', 'codeflow-staging'], snapshotTtlMs: 100, cache: createCache(), telemetryWaitMs: 50 });
    const feed = new FleetFeed(ctx, { sources: quietSources, tickMs: 20, publishIntervalMs: 200 });
    after(() => feed.close());
    await until(() => !feed.latest().loading && overviewOf(feed).clusters.every((c) => c.fetchedAt !== null), 20_000);
    const get = (query: string, headers: Record<string, string> = {}) => fleetResponse(new Request(`http://console/api/fleet${query}`, { headers }), feed);

    const [a, b] = await Promise.all([get('?compressed=gzip'), get('?compressed=gzip')]);
    assert.equal(a.headers.get('content-type'), 'application/gzip');
    // no-transform: the server must not gzip it a second time.
    assert.match(a.headers.get('cache-control')!, /no-transform/);
    const [bytesA, bytesB] = [Buffer.from(await a.arrayBuffer()), Buffer.from(await b.arrayBuffer())];
    if (a.headers.get('etag') === b.headers.get('etag')) assert.ok(bytesA.equals(bytesB));
    const overview = JSON.parse(gunzipSync(bytesA).toString()) as FleetOverview;
    assert.ok(overview.services.length >= 100);
    assert.ok(bytesA.byteLength * 4 < feed.latest().json.byteLength || overview.version !== feed.latest().version, 'compressed');

    // Holding a version: the deltas as JSON (small; the server compresses them as any answer), made once for all who hold it.
    const etag = a.headers.get('etag')!;
    await admin('clock/advance', 'POST', { seconds: 120 });
    await until(() => feed.latest().version > overview.version!, 10_000);
    const deltas = await get('?deltas=1&compressed=gzip', { 'if-none-match': etag });
    assert.equal(deltas.headers.get('content-type'), 'application/json');
    assert.ok('deltas' in (JSON.parse(await deltas.text()) as object));
    assert.equal(feed.deltasSinceEtag(etag), feed.deltasSinceEtag(etag), 'one body for every viewer holding that version');
    // Unchanged: 304, nothing else.
    const current = await get('?compressed=gzip');
    const notModified = await get('?deltas=1&compressed=gzip', { 'if-none-match': current.headers.get('etag')! });
    if (feed.latest().etag === current.headers.get('etag')) assert.equal(notModified.status, 304);
    feed.close();
  });
});
