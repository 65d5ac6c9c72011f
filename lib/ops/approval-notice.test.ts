/**
 * An operation waiting for approval is announced through the incidents' webhook outbox: one
 * message per target that wants `approval`, sent once even by two replicas' workers ticking at
 * once and with the submit retried, to a real local HTTP receiver. Against the sandbox, on PGlite
 * and (TEST_DATABASE_URL) PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { testClients } from '../aws/testing/fixtures';
import type { Db } from '../db/client';
import { queryRows } from '../db/query-rows';
import { describeTargets } from '../db/test-targets';
import { tick } from '../incidents/escalation-worker';
import { startReceiver, testConfig } from '../incidents/testing/helpers';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import type { OpsContext } from './context';
import { planOperation } from './plan';
import { submitOperation } from './submit';
import { enrollUsers, quickPolicy, sandboxClock, testUser } from './testing/harness';
import type { PlanRequest } from './types';

const alice = testUser('alice');

describeTargets('lib/ops approval requests by webhook', (target) => {
  let running: RunningSandbox;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    running = await startSandbox({ seed: 42, speed: 0 });
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver.close();
    await running.close();
  });

  const config = () =>
    testConfig(
      {
        webhooks: [
          { name: 'ops-json', url: `${receiver.url}/ok/json`, format: 'json', events: ['approval'] },
          { name: 'chat', url: `${receiver.url}/ok/slack`, format: 'slack' },
          { name: 'incidents-only', url: `${receiver.url}/ok/incidents`, format: 'json', events: ['open', 'escalation'] },
        ],
        notifications: { baseDelayMs: 0 },
        publicUrl: 'https://codeflow.example.com',
      },
      {},
    );

  async function setup(): Promise<{ ctx: OpsContext; replica: Db; incidents: ReturnType<typeof config> }> {
    running.sandbox.reset({ seed: 42, speed: 0 });
    const testDb = await target.fresh({ migrated: true, maxConnections: 5 });
    await enrollUsers(testDb.db, [alice]);
    const incidents = config();
    const ctx: OpsContext = { db: testDb.db, aws: testClients(running.url), policy: quickPolicy(), awsNow: sandboxClock(running.url), notify: incidents };
    // PGlite is one connection: the second "replica" interleaves on it; PostgreSQL gets a second pool.
    const replica = target.kind === 'postgres' ? (await target.connectAgain(testDb, { maxConnections: 5 })).db : testDb.db;
    return { ctx, replica, incidents };
  }

  async function submit(ctx: OpsContext, cluster: string, service: string, request: PlanRequest, key: string) {
    const plan = await planOperation(ctx, cluster, service, request, { role: alice.role });
    return submitOperation(ctx, alice, { cluster, service, request, fingerprint: plan.fingerprint, confirmName: service, reason: 'ship the checkout fix' }, key);
  }

  const receivedFor = (id: string) => receiver.received.filter((r) => String(r.headers['idempotency-key']).startsWith(`operation:${id}:`));

  it('a production deploy waiting for approval notifies each approval target once, with service, environment, requester, reason, plan, expiry and an absolute link', async () => {
    const { ctx, replica, incidents } = await setup();
    const key = `approval-${process.pid}-${target.kind}`;
    const { operation } = await submit(ctx, 'codeflow-cluster', 'payments-api', { kind: 'deploy', image: '2026.12.01-9a8b7c6' }, key);
    assert.equal(operation.status, 'awaiting_approval');
    // The submit retried with the same key replays the operation: nothing new is queued.
    const again = await submit(ctx, 'codeflow-cluster', 'payments-api', { kind: 'deploy', image: '2026.12.01-9a8b7c6' }, key);
    assert.equal(again.replayed, true);
    assert.equal(again.operation.id, operation.id);

    // Two replicas' workers tick at once, twice: the outbox hands each message to one of them.
    const now = new Date();
    await Promise.all([tick(now, { db: ctx.db, config: incidents }), tick(now, { db: replica, config: incidents }), tick(now, { db: replica, config: incidents }), tick(now, { db: ctx.db, config: incidents })]);
    await tick(new Date(now.getTime() + 60_000), { db: replica, config: incidents });

    const got = receivedFor(operation.id);
    assert.deepEqual(got.map((r) => r.path).sort(), ['/ok/json', '/ok/slack'], 'one request per approval target, none to the incidents-only one');
    const rows = await queryRows<{ n: number; delivered: number }>(ctx.db, sql`select count(*)::int as n, count(*) filter (where status = 'delivered')::int as delivered from incident_notifications where operation_id = ${operation.id}`);
    assert.deepEqual(rows[0], { n: 2, delivered: 2 });
    const attempts = await queryRows<{ n: number }>(ctx.db, sql`select count(*)::int as n from incident_notification_attempts where operation_id = ${operation.id}`);
    assert.equal(attempts[0]!.n, 2);

    const link = `https://codeflow.example.com/operations/${operation.id}`;
    const json = got.find((r) => r.path === '/ok/json')!.body as { event: string; text: string; operation: Record<string, unknown> };
    assert.equal(json.event, 'approval');
    assert.equal(json.operation.url, link);
    assert.equal(json.operation.service, 'payments-api');
    assert.equal(json.operation.cluster, 'codeflow-cluster');
    assert.equal(json.operation.environment, 'production');
    assert.deepEqual(json.operation.requestedBy, { subject: 'alice', name: 'Alice' });
    assert.equal(json.operation.reason, 'ship the checkout fix');
    assert.equal(json.operation.summary, operation.plan.summary);
    assert.equal(json.operation.expiresAt, operation.approvalDeadline);
    assert.match(json.text, /^\[production\] Approval needed: Deploy payments-api: .* Requested by Alice: "ship the checkout fix"\. Expires .* \(in 30 min\)\. Approve or reject: https:\/\/codeflow\.example\.com\/operations\//);
    const slack = got.find((r) => r.path === '/ok/slack')!.body as { text: string; blocks: { elements?: { text: string }[] }[] };
    assert.equal(slack.text, json.text);
    assert.equal(slack.blocks[1]!.elements![0]!.text, `<${link}|Review and approve in Codeflow>`);
  });

  it('an operation that needs no approval queues nothing', async () => {
    const { ctx, incidents } = await setup();
    const { operation } = await submit(ctx, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 }, `no-approval-${process.pid}-${target.kind}`);
    assert.notEqual(operation.status, 'awaiting_approval');
    await tick(new Date(), { db: ctx.db, config: incidents });
    assert.equal(receivedFor(operation.id).length, 0);
    const rows = await queryRows<{ n: number }>(ctx.db, sql`select count(*)::int as n from incident_notifications`);
    assert.equal(rows[0]!.n, 0);
  });
});
