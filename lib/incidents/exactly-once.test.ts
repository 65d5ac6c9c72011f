import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, it } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { queryRows } from '../db/query-rows';
import { describeTargets } from '../db/test-targets';
import { tick } from './escalation-worker';
import { escalateEarly, getIncident, openIncident } from './incidents';
import { RESPONDER, startReceiver, testConfig } from './testing/helpers';

const run = promisify(execFile);
const MIN = 60_000;
const WORKER = fileURLToPath(new URL('./testing/worker-process.ts', import.meta.url));

describeTargets('exactly-once escalation and notification', (target) => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    receiver = await startReceiver();
  });
  after(() => receiver.close());

  const webhooks = () => [{ name: 'ops', url: `${receiver.url}/ok`, format: 'json' as const }];
  const count = async (db: Db, table: string, incidentIds: string[]) =>
    (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${sql.identifier(table)} where incident_id in (${sql.join(incidentIds.map((i) => sql`${i}::uuid`), sql`, `)})`))[0]!.n;
  const receivedFor = (ids: string[]) => receiver.received.filter((r) => ids.some((id) => String(r.headers['idempotency-key']).startsWith(id)));

  async function openBackdated(db: Db, config: ReturnType<typeof testConfig>, now: Date, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await openIncident({ db, config, now }, { title: `race ${i}`, severity: 'P0', openedAt: new Date(now.getTime() - 25 * 60 * MIN) }, RESPONDER)).id);
    return ids;
  }

  it('two worker instances ticking at once reach each tier once and send each notification once', async () => {
    const a = await target.fresh({ migrated: true });
    const b = target.kind === 'postgres' ? await target.connectAgain(a) : a; // PGlite: one connection, two interleaved workers
    const config = testConfig({ webhooks: webhooks(), notifications: { baseDelayMs: 0 } });
    const now = new Date();
    const ids = await openBackdated(a.db, config, now, 3);
    const results = await Promise.all([...Array(4)].flatMap(() => [tick(now, { db: a.db, config }), tick(now, { db: b.db, config })]));
    // 3 incidents × 4 P0 tiers, each reached by exactly one tick.
    assert.equal(results.reduce((n, r) => n + r.escalated.length, 0), 12);
    assert.equal(await count(a.db, 'incident_escalations', ids), 12);
    // Drain anything queued after the first deliveries, then nothing more goes out.
    await tick(now, { db: b.db, config });
    await tick(new Date(now.getTime() + 10 * MIN), { db: a.db, config });
    // open + 4 escalations per incident, one target: 15 rows, each delivered exactly once.
    assert.equal(await count(a.db, 'incident_notifications', ids), 15);
    const got = receivedFor(ids);
    assert.equal(got.length, 15, 'receiver got each notification once');
    assert.equal(new Set(got.map((r) => r.headers['idempotency-key'])).size, 15);
    assert.equal(await count(a.db, 'incident_notification_attempts', ids), 15);
    const timeline = (await getIncident({ db: a.db, config }, ids[0]!)).tiers.map((t) => t.role);
    assert.deepEqual(timeline, ['on-call', 'manager', 'director', 'executive']);
  });

  it('an early escalation racing the worker still pages the tier once', async () => {
    const { db } = await target.fresh({ migrated: true });
    const config = testConfig({ webhooks: webhooks(), notifications: { baseDelayMs: 0 } });
    const t0 = new Date(Date.now() - 20 * MIN);
    const inc = await openIncident({ db, config, now: t0 }, { title: 'early race', severity: 'P1' }, RESPONDER);
    const due = new Date(t0.getTime() + 15 * MIN);
    const [early] = await Promise.allSettled([escalateEarly({ db, config, now: due }, inc.id, 'customers are calling', RESPONDER), tick(due, { db, config }), tick(due, { db, config })]);
    // Whichever won, team-lead is reached once; a losing early escalation either pulled in the next tier or conflicted.
    const rows = await queryRows<{ role: string; early: boolean }>(db, sql`select role, early from incident_escalations where incident_id = ${inc.id}`);
    assert.equal(rows.filter((r) => r.role === 'team-lead').length, 1);
    assert.ok(early.status === 'fulfilled' || /reached every tier/.test(String(early.reason)));
    await tick(new Date(due.getTime() + MIN), { db, config });
    const keys = receivedFor([inc.id]).map((r) => String(r.headers['idempotency-key']));
    assert.equal(keys.length, new Set(keys).size, 'no duplicate deliveries');
    assert.equal(keys.filter((k) => k.includes(':escalation:team-lead:')).length, 1);
  });

  it('two separate node processes on one database, then a restart, page each tier once', async (t) => {
    if (target.kind !== 'postgres') return t.skip('PGlite is one process, one connection; this is the PostgreSQL half');
    const testDb = await target.fresh({ migrated: true });
    const config = testConfig({ webhooks: webhooks() });
    const now = new Date();
    const ids = await openBackdated(testDb.db, config, now, 4);
    const env = { ...process.env, CODEFLOW_WEBHOOKS: JSON.stringify(webhooks()) };
    const outs = await Promise.all(
      [1, 2].map(() => run(process.execPath, ['--import', 'tsx', WORKER, testDb.url!, now.toISOString(), '6'], { env, timeout: 120_000 }).then((r) => JSON.parse(r.stdout) as { pid: number; escalated: number; delivered: number })),
    );
    assert.notEqual(outs[0]!.pid, outs[1]!.pid);
    assert.equal(outs[0]!.escalated + outs[1]!.escalated, 16, `tiers reached: ${JSON.stringify(outs)}`);
    assert.equal(await count(testDb.db, 'incident_escalations', ids), 16);
    // A restart (a third process) finds nothing left to do.
    const again = JSON.parse((await run(process.execPath, ['--import', 'tsx', WORKER, testDb.url!, new Date(now.getTime() + 5 * MIN).toISOString(), '2'], { env, timeout: 120_000 })).stdout) as { escalated: number; delivered: number };
    assert.equal(again.escalated, 0);
    const got = receivedFor(ids);
    assert.equal(got.length, 4 * 5, 'open + 4 tiers per incident, each delivered once');
    assert.equal(new Set(got.map((r) => r.headers['idempotency-key'])).size, 20);
    assert.equal(outs[0]!.delivered + outs[1]!.delivered + again.delivered, 20);
  });
});
