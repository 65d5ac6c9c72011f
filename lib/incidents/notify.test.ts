import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { queryRows } from '../db/query-rows';
import { incidentNotifications } from '../db/schema-incidents';
import { describeTargets } from '../db/test-targets';
import { tick } from './escalation-worker';
import { openIncident, ownTimeline, updateIncident } from './incidents';
import { backoffMs } from '../notify/webhook-outbox';
import { buildPayload } from './notify';
import { RESPONDER, startReceiver, testConfig } from './testing/helpers';

const SEC = 1000;

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

it('backoff doubles from the base and is capped', () => {
  const n = { maxAttempts: 6, baseDelayMs: 10 * SEC, maxDelayMs: 60 * SEC, timeoutMs: 1000 };
  assert.deepEqual([1, 2, 3, 4, 5].map((a) => backoffMs(n, a)), [10 * SEC, 20 * SEC, 40 * SEC, 60 * SEC, 60 * SEC]);
});

it('Slack targets get { text, blocks } with a link; JSON targets get the event body', () => {
  const incident = { id: 'abc', number: 7, title: 'API <down>', severity: 'P0' as const, status: 'open', services: [{ cluster: 'prod', service: 'api' }], commander: null };
  const d = { event: 'escalation' as const, key: 'on-call', actor: null, at: new Date('2025-01-01T00:15:00Z'), tier: { role: 'on-call' as const, person: 'Dana', afterMinutes: 15, early: false, reason: null } };
  const slack = buildPayload('slack', incident, d, 'https://cf.test/incidents/abc') as { text: string; blocks: { text?: { text: string }; elements?: { text: string }[] }[] };
  assert.equal(slack.text, '[P0] Incident #7: API <down> — unresolved for 15 min: escalated to On-call (Dana). Services: prod/api.');
  assert.match(slack.blocks[0]!.text!.text, /API &lt;down&gt;/);
  assert.equal(slack.blocks[1]!.elements![0]!.text, '<https://cf.test/incidents/abc|Open incident #7 in Codeflow>');
  const body = buildPayload('json', incident, d, null) as Record<string, unknown>;
  assert.equal(body.event, 'escalation');
  assert.deepEqual(body.tier, d.tier);
  assert.equal((body.incident as { number: number }).number, 7);
});

describeTargets('webhook delivery', (target) => {
  let db: Db;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    db = (await target.fresh({ migrated: true })).db;
    receiver = await startReceiver({ flakyFailures: 2 });
  });
  after(() => receiver.close());

  it('retries a failing target with exponential backoff, records every attempt, and never blocks the others', async () => {
    const config = testConfig({
      webhooks: [
        { name: 'slack', url: `${receiver.url}/ok/slack`, format: 'slack' },
        { name: 'flaky', url: `${receiver.url}/flaky`, format: 'json' },
        { name: 'down', url: `${receiver.url}/fail`, format: 'json', events: ['open', 'resolve'] },
        { name: 'nowhere', url: `http://127.0.0.1:${await closedPort()}/hook`, format: 'json' },
      ],
      notifications: { maxAttempts: 4, baseDelayMs: 10 * SEC, maxDelayMs: 15 * SEC, timeoutMs: 2000 },
    });
    const t0 = new Date('2025-05-01T12:00:00Z');
    const at = (s: number) => new Date(t0.getTime() + s * SEC);
    // Opening never waits for a webhook: the targets are only queued.
    const inc = await openIncident({ db, config, now: t0 }, { title: 'payments 502s', severity: 'P1', services: [{ cluster: 'prod', service: 'payments' }] }, RESPONDER);
    assert.equal(receiver.received.length, 0);
    const rows = await db.select().from(incidentNotifications).where(eq(incidentNotifications.incidentId, inc.id));
    assert.deepEqual(rows.map((r) => r.target).sort(), ['down', 'flaky', 'nowhere', 'slack']);

    const first = await tick(at(0), { db, config });
    const by = (name: string) => first.deliveries.find((d) => d.target === name)!;
    assert.equal(by('slack').final, 'delivered');
    assert.equal(by('flaky').final, 'retry');
    assert.equal(by('down').final, 'retry');
    assert.equal(by('nowhere').final, 'retry');
    assert.match(by('nowhere').error!, /ECONNREFUSED/);
    const slackBody = receiver.received.find((r) => r.path === '/ok/slack')!.body as { text: string; blocks: unknown[] };
    assert.match(slackBody.text, /^\[P1\] Incident #\d+: payments 502s — opened by Rita Responder/);

    // Backoff: 10 s, then 15 s (20 s capped), then 15 s. Nothing is sent before its time.
    assert.equal((await tick(at(9.999), { db, config })).deliveries.length, 0);
    const second = await tick(at(10), { db, config });
    assert.deepEqual(second.deliveries.map((d) => `${d.target}:${d.attempt}:${d.final}`).sort(), ['down:2:retry', 'flaky:2:retry', 'nowhere:2:retry']);
    assert.equal((await tick(at(24.999), { db, config })).deliveries.length, 0);
    const third = await tick(at(25), { db, config });
    assert.deepEqual(third.deliveries.map((d) => `${d.target}:${d.attempt}:${d.final}`).sort(), ['down:3:retry', 'flaky:3:delivered', 'nowhere:3:retry']);
    const fourth = await tick(at(40), { db, config });
    assert.deepEqual(fourth.deliveries.map((d) => `${d.target}:${d.attempt}:${d.final}`).sort(), ['down:4:failed', 'nowhere:4:failed']);
    assert.equal((await tick(at(600), { db, config })).deliveries.length, 0, 'bounded: no attempt after the last');

    const attempts = await queryRows<{ target: string; n: number }>(db, sql`select n.target, count(*)::int as n from incident_notification_attempts a join incident_notifications n on n.id = a.notification_id where a.incident_id = ${inc.id} group by n.target order by n.target`);
    assert.deepEqual(attempts.map((r) => `${r.target}=${r.n}`), ['down=4', 'flaky=3', 'nowhere=4', 'slack=1']);
    // Same idempotency key on every attempt of one notification.
    const flakyKeys = new Set(receiver.received.filter((r) => r.path === '/flaky').map((r) => r.headers['idempotency-key']));
    assert.equal(flakyKeys.size, 1);

    // The incident flow went on regardless, and the timeline shows each attempt.
    const ack = await updateIncident({ db, config, now: at(50) }, inc.id, { status: 'acknowledged' }, RESPONDER);
    assert.equal(ack.status, 'acknowledged');
    const timeline = await ownTimeline(db, inc.id);
    const notes = timeline.filter((e) => e.kind === 'notification').map((e) => e.text);
    assert.ok(notes.includes('open notification to slack delivered (attempt 1, HTTP 200)'), notes.join('\n'));
    assert.ok(notes.includes('open notification to down failed (attempt 4 of 4: HTTP 500); gave up'), notes.join('\n'));
    assert.ok(notes.some((t) => t.startsWith('open notification to flaky failed (attempt 1 of 4: HTTP 503); will retry')));
  });

  it('a 4xx other than 408/429 is not retried; acknowledge and resolve are sent, once each', async () => {
    const { db } = await target.fresh({ migrated: true });
    const config = testConfig({
      webhooks: [
        { name: 'bad', url: `${receiver.url}/bad`, format: 'json', events: ['open'] },
        { name: 'ok', url: `${receiver.url}/ok/lifecycle`, format: 'json' },
      ],
    });
    const t0 = new Date('2025-05-02T12:00:00Z');
    const inc = await openIncident({ db, config, now: t0 }, { title: 'lifecycle', severity: 'P2' }, RESPONDER);
    const r = await tick(t0, { db, config });
    assert.equal(r.deliveries.find((d) => d.target === 'bad')!.final, 'failed');
    await updateIncident({ db, config, now: new Date(t0.getTime() + 60 * SEC) }, inc.id, { status: 'acknowledged' }, RESPONDER);
    await tick(new Date(t0.getTime() + 60 * SEC), { db, config });
    await updateIncident({ db, config, now: new Date(t0.getTime() + 120 * SEC) }, inc.id, { status: 'resolved' }, RESPONDER);
    await tick(new Date(t0.getTime() + 120 * SEC), { db, config });
    await tick(new Date(t0.getTime() + 3600 * SEC), { db, config });
    const events = receiver.received.filter((x) => x.path === '/ok/lifecycle').map((x) => (x.body as { event: string }).event);
    assert.deepEqual(events, ['open', 'acknowledge', 'resolve']);
  });
});
