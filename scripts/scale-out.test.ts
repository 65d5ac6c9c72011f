/**
 * Scale-out, with real processes: two Codeflow servers from the same standalone build on one
 * PostgreSQL database and one Redis, against the sandbox. Adding a replica must add no AWS calls
 * and no double actions (DESIGN.md "Scale-out"). Needs TEST_DATABASE_URL and TEST_REDIS_URL
 * (.ci/run sets both); skipped, saying why, without them. Builds once if the sources changed
 * (the stamp is shared with `codeflow start`, so `npm test`'s browser pass does not build again).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startReceiver } from '../lib/incidents/testing/helpers';
import { deployOutsideCodeflow, http, percentile, pollAsViewers, raceRollbacks, scaleOutPrerequisites, startScaleOut, sum, type ScaleOut } from './scale-out-harness';

const pre = await scaleOutPrerequisites();
if ('skip' in pre) console.log(`# skipped: ${pre.skip}: the scale-out test was NOT run`);

const CLUSTER = 'codeflow-cluster';
const SERVICE = 'codeflow-service';
const TTL_MS = 1000;
const INTERVAL_MS = 1500;
const DURATION_MS = 9000;

describe('scale-out: two replicas, one PostgreSQL, one Redis, the sandbox', { skip: 'skip' in pre ? pre.skip : false, timeout: 600_000 }, () => {
  let so: ScaleOut;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const t0 = Date.now();
  const step = (what: string) => console.log(`# scale-out ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);

  before(async () => {
    const { databaseUrl, redisUrl } = pre as { databaseUrl: string; redisUrl: string };
    receiver = await startReceiver();
    so = await startScaleOut({
      databaseUrl,
      redisUrl,
      replicas: 2,
      ttlMs: TTL_MS,
      workerIntervalMs: 1000,
      env: { CODEFLOW_WEBHOOKS: JSON.stringify([{ name: 'pager', url: `${receiver.url}/ok`, format: 'json' }]) },
      log: step,
    });
  });

  after(async () => {
    await so?.stop();
    await receiver?.close();
    step('stopped');
  });

  it('AWS read calls: 2 replicas with 100 viewers make no more than 1 replica with 1 viewer, plus a small constant', async () => {
    const [a, b] = so.replicas as [ScaleOut['replicas'][0], ScaleOut['replicas'][0]];
    // Warm each replica on its own (its in-process task definition cache, one describe per live
    // revision for the life of the process), then let every TTL lapse, so both phases start alike.
    for (const r of [a, b]) {
      for (const path of ['/api/fleet', `/api/services/${CLUSTER}/${SERVICE}`]) assert.equal((await http('GET', `${r.url}${path}`, { token: so.tokens.viewer })).status, 200);
      await new Promise((resolve) => setTimeout(resolve, TTL_MS * 3));
    }

    // The constant: one refresh of everything the two pages read, as one replica makes it. Where a
    // phase starts and ends within the TTL windows can cost one refresh more, whatever the replicas.
    await so.resetCalls();
    for (const path of ['/api/fleet', `/api/services/${CLUSTER}/${SERVICE}`]) assert.equal((await http('GET', `${a.url}${path}`, { token: so.tokens.viewer })).status, 200);
    await new Promise((r) => setTimeout(r, 1000)); // background (stale-while-revalidate) refreshes land
    const oneRefresh = sum(await so.calls());
    await new Promise((r) => setTimeout(r, TTL_MS * 3));

    // 100 viewers polling every 1.5 s over both replicas; then, over the same span of time, one
    // viewer on one replica polling as fast as its answers come (every 200 ms): every refresh a
    // single replica would make in that time.
    const many = await pollAsViewers(so, { viewers: 100, replicas: [a, b], intervalMs: INTERVAL_MS, durationMs: DURATION_MS, cluster: CLUSTER, service: SERVICE });
    await new Promise((r) => setTimeout(r, TTL_MS * 3));
    const one = await pollAsViewers(so, { viewers: 1, replicas: [a], intervalMs: 200, durationMs: many.ms, cluster: CLUSTER, service: SERVICE });
    const oneTotal = sum(one.calls);
    const manyTotal = sum(many.calls);
    step(`one refresh: ${oneRefresh} AWS calls; 1 replica × 1 viewer: ${oneTotal} AWS calls in ${one.ms.toFixed(0)} ms; 2 replicas × 100 viewers: ${manyTotal} in ${many.ms.toFixed(0)} ms, p95 ${percentile(many.latencies, 95).toFixed(0)} ms (${JSON.stringify(many.calls)})`);
    assert.deepEqual(one.errors, []);
    assert.deepEqual(many.errors.slice(0, 5), []);
    assert.ok(many.latencies.length >= 100 * 2 * 2, `${many.latencies.length} answers`);
    assert.ok(oneTotal > 0, 'the baseline made AWS calls (the cache TTL lapsed each round)');
    // Replicas that did not share the cache would double the figure.
    const allowance = oneRefresh + 2;
    assert.ok(oneRefresh > 0 && oneRefresh < oneTotal / 3, `one refresh costs ${oneRefresh} calls; the baseline ${oneTotal}`);
    assert.ok(manyTotal <= oneTotal + allowance, `2 replicas × 100 viewers made ${manyTotal} AWS calls, 1 × 1 made ${oneTotal} (+${allowance} allowed):\n${JSON.stringify({ one: one.calls, many: many.calls })}`);
    // On a starved machine a Redis reply can miss its deadline; the replica then caches alone for a moment (and says so).
    const degraded = so.logs().match(/codeflow: Redis at .*/g);
    if (degraded) step(`note: ${degraded.join(' | ')}`);
  });

  it('50 concurrent identical rollbacks spread over both replicas: exactly one UpdateService, 49 refused with 409', async () => {
    const [a, b] = so.replicas as [ScaleOut['replicas'][0], ScaleOut['replicas'][0]];
    await deployOutsideCodeflow(so, CLUSTER, SERVICE);
    await new Promise((r) => setTimeout(r, TTL_MS * 2.5)); // the replicas' caches see it

    const { plan, results } = await raceRollbacks(so, CLUSTER, SERVICE, 50);
    assert.equal(plan.blocked, false, plan.summary);
    assert.equal(plan.requiresApproval, false, 'a rollback needs no approval by the default policy');
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    step(`rollbacks: ${created.length} × 201, ${refused.length} × 409, others: ${results.filter((r) => r.status !== 201 && r.status !== 409).map((r) => `${r.status} ${r.body.slice(0, 120)}`).join('; ') || 'none'}`);
    assert.equal(created.length, 1, results.map((r) => `${r.status} ${r.body.slice(0, 160)}`).join('\n'));
    assert.equal(refused.length, 49);
    const { operation } = created[0]!.json<{ operation: { id: string } }>();
    for (const r of refused) {
      const message = r.json<{ error: { message: string } }>().error.message;
      // Refused by the database lock (naming the holder and the operation), or — once the winner
      // changed the service — by the stale plan: never executed twice.
      assert.match(message, new RegExp(`locked by Scale Operator since .*operation ${operation.id}|the service changed since you planned`), message);
    }
    assert.ok(refused.some((r) => r.body.includes('locked by Scale Operator')), 'at least one request met the lock');

    await new Promise((r) => setTimeout(r, 1000));
    const calls = await so.calls();
    assert.equal(calls['ecs:UpdateService'] ?? 0, 1, JSON.stringify(calls));
    // Both replicas see the one operation (one database).
    for (const r of [a, b]) {
      const got = await http('GET', `${r.url}/api/operations/${operation.id}`, { token: so.tokens.viewer });
      assert.equal(got.status, 200);
    }
  });

  it('escalation: a backdated P0 reaches each tier once and each notification is delivered once, with both replicas’ workers running', async () => {
    const [a] = so.replicas as [ScaleOut['replicas'][0]];
    const openedAt = new Date(Date.now() - 25 * 3600_000).toISOString();
    const opened = await http('POST', `${a.url}/api/incidents`, { token: so.tokens.responder, body: { title: 'scale-out: checkout is down', severity: 'P0', openedAt } });
    assert.equal(opened.status, 201, opened.body);
    const { incident } = opened.json<{ incident: { id: string } }>();
    const mine = () => receiver.received.filter((r) => String(r.headers['idempotency-key']).startsWith(incident.id));

    // open + 4 tiers (on-call, manager, director, executive); then several more ticks of both workers.
    const deadline = Date.now() + 30_000;
    while (mine().length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 4000));
    const keys = mine().map((r) => String(r.headers['idempotency-key']));
    step(`escalation: ${keys.length} deliveries: ${keys.map((k) => k.slice(incident.id.length)).join(', ')}`);
    assert.equal(keys.length, new Set(keys).size, `a notification was delivered twice: ${keys.join(', ')}`);
    for (const tier of ['on-call', 'manager', 'director', 'executive']) assert.equal(keys.filter((k) => k.includes(`:escalation:${tier}:`)).length, 1, `${tier}: ${keys.join(', ')}`);
    assert.equal(keys.length, 5);

    const got = await http('GET', `${so.replicas[1]!.url}/api/incidents/${incident.id}`, { token: so.tokens.viewer });
    assert.equal(got.status, 200);
    const tiers = got.json<{ incident: { tiers: { role: string }[] } }>().incident.tiers.map((t) => t.role);
    assert.deepEqual(tiers, ['on-call', 'manager', 'director', 'executive']);
  });
});
