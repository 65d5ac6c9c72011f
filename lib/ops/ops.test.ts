/**
 * The guarded-action pipeline against the real sandbox (frozen clock, advanced by the tests) and a
 * fresh database per test (PGlite, and PostgreSQL when TEST_DATABASE_URL reaches one).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { describeServices, updateService } from '../aws/ecs';
import { testClients } from '../aws/testing/fixtures';
import type { CurrentUser } from '../auth/identity';
import { queryRows } from '../db/query-rows';
import { auditLog, operations } from '../db/schema';
import { describeTargets } from '../db/test-targets';
import { isAppError } from '../errors';
import type { OpsContext } from './context';
import { lockHolder } from './lock';
import { planOperation } from './plan';
import { approveOperation, rollbackFromProposal, submitOperation } from './pipeline';
import type { PolicyConfig } from './policy-config';
import { OpsRunner } from './runner';
import { setReadOnly } from './settings';
import { getOperation } from './store';
import { verifyStep } from './verify';
import type { PlanRequest } from './types';
import { quickPolicy, testUser, useOpsSandbox, TEST_PLACE } from './testing/harness';

const user = testUser;
const alice = user('alice');
const bob = user('bob');
const admin = user('root', 'admin');

const testPolicy = (onTrigger: 'notify' | 'propose' | 'rollback' = 'rollback'): PolicyConfig =>
  quickPolicy((envs) => {
    envs.staging!.onTrigger = onTrigger;
  });

let key = 0;
const newKey = () => `test-key-${process.pid}-${++key}`;

describeTargets('lib/ops pipeline', (target) => {
  let ctx: OpsContext;
  const sandbox = useOpsSandbox(target, { maxConnections: 25, policy: testPolicy, onContext: (c) => (ctx = c) });
  const calls = (op: string) => sandbox.calls(`ecs:${op}`);
  const writes = async () => (await calls('UpdateService')) + (await calls('RegisterTaskDefinition')) + (await calls('StopServiceDeployment'));
  const advance = sandbox.advance;

  async function submit(u: CurrentUser, cluster: string, service: string, request: PlanRequest, k = newKey(), extra: { reason?: string; confirmName?: string } = {}) {
    const plan = await planOperation(ctx, cluster, service, request, { role: u.role });
    return submitOperation(ctx, u, { cluster, service, request, fingerprint: plan.fingerprint, confirmName: extra.confirmName ?? service, reason: extra.reason ?? 'test' }, k);
  }

  /** Advances the sandbox and steps the operation until it leaves the active statuses. */
  async function stepUntilDone(id: string, maxSteps = 60, seconds = 15) {
    for (let i = 0; i < maxSteps; i++) {
      const op = await verifyStep(ctx, id);
      if (!['verifying', 'executing', 'paused', 'outcome_unknown'].includes(op.status)) return op;
      await advance(seconds);
    }
    return getOperation(ctx.db, id);
  }

  it('20 concurrent rollback requests for one service: exactly one UpdateService, one operation, 19 × 409', async () => {
    const plan = await planOperation(ctx, 'codeflow-staging', 'codeflow-service', { kind: 'rollback' }, { role: 'operator' });
    assert.ok(plan.rollbackCandidates?.some((c) => c.preselected), 'a previous revision is preselected');
    const before = await calls('UpdateService');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        submitOperation(ctx, i % 2 ? alice : bob, { cluster: 'codeflow-staging', service: 'codeflow-service', request: { kind: 'rollback' }, fingerprint: plan.fingerprint, confirmName: 'codeflow-service', reason: 'bad release' }, newKey()),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(ok.length, 1);
    assert.equal(refused.length, 19);
    for (const r of refused) assert.ok(isAppError(r.reason) && r.reason.code === 'conflict', String(r.reason));
    assert.ok(refused.some((r) => /locked by (Alice|Bob) since/.test((r.reason as Error).message) || /changed since you planned/.test((r.reason as Error).message)));
    assert.equal((await calls('UpdateService')) - before, 1);
    const [{ n }] = (await queryRows<{ n: number }>(ctx.db, sql`select count(*)::int as n from operations`)) as [{ n: number }];
    assert.equal(n, 1);
    // Verified to the end, the lock is released.
    const op = await stepUntilDone((ok[0] as PromiseFulfilledResult<{ operation: { id: string } }>).value.operation.id);
    assert.equal(op.status, 'succeeded', op.error ?? '');
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-staging', service: 'codeflow-service' }), null);
    const [service] = await describeServices(ctx.aws, 'codeflow-staging', ['codeflow-service']);
    assert.equal(service!.taskDefinitionArn, plan.target?.taskDefinitionArn);
  });

  it('a double submit with one key makes one operation; the same key with another payload is 422', async () => {
    const k = newKey();
    const plan = await planOperation(ctx, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 });
    const body = { cluster: 'codeflow-staging', service: 'checkout-api', request: { kind: 'scale' as const, desiredCount: 3 }, fingerprint: plan.fingerprint, confirmName: 'checkout-api', reason: 'load' };
    const [a, b] = await Promise.all([submitOperation(ctx, alice, body, k), submitOperation(ctx, alice, body, k)]);
    assert.equal(a.operation.id, b.operation.id);
    assert.deepEqual([a.replayed, b.replayed].sort(), [false, true]);
    assert.equal(await calls('UpdateService'), 1);
    await assert.rejects(submitOperation(ctx, alice, { ...body, reason: 'other' }, k), (e) => isAppError(e) && e.code === 'unprocessable');
  });

  it('a stale plan is refused with 409 naming what changed, and nothing is locked', async () => {
    const plan = await planOperation(ctx, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 4 });
    await updateService(ctx.aws, { cluster: 'codeflow-staging', service: 'checkout-api', desiredCount: 3 });
    await assert.rejects(
      submitOperation(ctx, alice, { cluster: 'codeflow-staging', service: 'checkout-api', request: { kind: 'scale', desiredCount: 4 }, fingerprint: plan.fingerprint, confirmName: 'checkout-api', reason: 'x' }, newKey()),
      (e) => isAppError(e) && e.code === 'conflict' && /the service changed since you planned: desired count 2 → 3/.test(e.message),
    );
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-staging', service: 'checkout-api' }), null);
  });

  it('throttling on UpdateService: a clear retryable error, the lock released, and the same key works once it passes', async () => {
    await fetch(`${sandbox.url()}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules: [{ service: 'ecs', operation: 'UpdateService', throttleRate: 1 }] }) });
    const k = newKey();
    await assert.rejects(submit(alice, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 }, k), (e) => isAppError(e) && e.code === 'rate_limited' && /safe to try again/.test(e.message) && /lock on checkout-api is released/.test(e.message));
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-staging', service: 'checkout-api' }), null);
    const [failed] = await ctx.db.select().from(operations);
    assert.equal(failed?.status, 'failed');
    await fetch(`${sandbox.url()}/_sandbox/faults`, { method: 'DELETE' });
    const retried = await submit(alice, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 }, k);
    assert.equal(retried.operation.status, 'verifying');
  });

  it('UpdateService with no answer in time: the outcome is unknown, never re-sent, and reconciled from AWS state once it lands', async () => {
    // AWS takes 3 s to answer; Codeflow gives up after 0.6 s. The change still lands (as it can in AWS).
    ctx.aws = testClients(sandbox.url(), { callDeadlineMs: 600 });
    await fetch(`${sandbox.url()}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules: [{ service: 'ecs', operation: 'UpdateService', latencyMs: 3000 }] }) });
    const before = await calls('UpdateService');
    const { operation } = await submit(alice, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 });
    assert.equal(operation.status, 'outcome_unknown');
    assert.match(operation.steps.find((s) => s.name === 'execute')?.detail ?? '', /did not answer in time .* reconciling from AWS state, not retrying/);
    assert.equal((await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-staging', service: 'checkout-api' }))?.operationId, operation.id, 'the lock stays with the operation while its outcome is unknown');

    await new Promise((r) => setTimeout(r, 3300)); // AWS applies it
    await fetch(`${sandbox.url()}/_sandbox/faults`, { method: 'DELETE' });
    const reconciled = await verifyStep(ctx, operation.id);
    assert.equal(reconciled.status, 'verifying');
    assert.match(reconciled.steps.find((s) => s.name === 'execute')?.detail ?? '', /reconciled from AWS state/);
    const done = await stepUntilDone(operation.id);
    assert.equal(done.status, 'succeeded');
    assert.equal(await calls('UpdateService'), before + 1, 'sent once: an unknown outcome is read back, not retried');
    const [service] = await describeServices(ctx.aws, 'codeflow-staging', ['checkout-api']);
    assert.equal(service?.desiredCount, 3);
  });

  it('bad input: nothing sent to AWS, nothing locked', async () => {
    const before = await writes();
    await assert.rejects(submit(alice, 'codeflow-staging', 'codeflow-service', { kind: 'deploy', image: 'not a valid image!' }), (e) => isAppError(e) && e.code === 'invalid' && /^image:/.test(e.message));
    await assert.rejects(submit(alice, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 101 }), (e) => isAppError(e) && e.code === 'invalid' && e.fields?.[0]?.path === 'desiredCount' && e.fields[0].message === '101 is above the limit of 100 tasks');
    await assert.rejects(submit(alice, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 }, newKey(), { confirmName: 'checkout' }), (e) => isAppError(e) && /^confirmName:/.test((e as Error).message));
    await assert.rejects(submit(alice, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 }, newKey(), { reason: '  ' }), (e) => isAppError(e) && /^reason:/.test((e as Error).message));
    await assert.rejects(planOperation(ctx, 'codeflow-staging', 'no-such-service', { kind: 'restart' }), (e) => isAppError(e) && e.code === 'not_found');
    await assert.rejects(planOperation(ctx, 'codeflow-staging', 'codeflow-service', { kind: 'rollback', revision: 'codeflow-staging:999' }), (e) => isAppError(e) && e.code === 'not_found' && /^revision:/.test(e.message));
    await assert.rejects(submit(user('vera', 'viewer'), 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 }), (e) => isAppError(e) && e.code === 'forbidden');
    await setReadOnly(ctx.db, admin, true, 'incident freeze');
    await assert.rejects(submit(alice, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 }), (e) => isAppError(e) && e.code === 'forbidden' && /read-only mode/.test(e.message));
    assert.equal(await writes(), before);
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-staging', service: 'checkout-api' }), null);
  });

  it('a restart mid-verify resumes: a new runner re-takes the expired lock with a newer fencing token and finishes', async () => {
    const { operation } = await submit(alice, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 });
    const first = new OpsRunner(ctx);
    await first.tick();
    const [before] = await ctx.db.select().from(operations).where(eq(operations.id, operation.id));
    // The process dies: its lock is no longer heartbeated and expires.
    await ctx.db.execute(sql`update service_locks set expires_at = now() - interval '1 second'`);
    const second = new OpsRunner({ ...ctx, aws: testClients(sandbox.url()) });
    let op = await getOperation(ctx.db, operation.id);
    for (let i = 0; i < 40 && op.status === 'verifying'; i++) {
      await advance(15);
      await second.tick();
      op = await getOperation(ctx.db, operation.id);
    }
    assert.equal(op.status, 'succeeded', op.error ?? '');
    const [tokenRow] = await queryRows<{ fencing_token: string }>(ctx.db, sql`select fencing_token from service_locks where service = 'checkout-api'`);
    assert.ok(Number(tokenRow!.fencing_token) > Number(before!.fencingToken), 'the lock was re-taken with a newer token');
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-staging', service: 'checkout-api' }), null);
  });

  it('a bad image deploy trips the triggers and (policy rollback) is rolled back by a follow-up operation', async () => {
    const request: PlanRequest = { kind: 'deploy', image: 'v9.9.9-broken' };
    const plan = await planOperation(ctx, 'codeflow-staging', 'codeflow-service', request);
    assert.equal(plan.requiresApproval, false);
    await fetch(`${sandbox.url()}/_sandbox/bad-images`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image: plan.imageDiff[0]!.to }) });
    const { operation } = await submitOperation(ctx, alice, { cluster: 'codeflow-staging', service: 'codeflow-service', request, fingerprint: plan.fingerprint, confirmName: 'codeflow-service', reason: 'release 9.9.9' }, newKey());
    assert.equal(operation.status, 'verifying');
    const op = await stepUntilDone(operation.id);
    assert.equal(op.status, 'rolled_back', op.error ?? '');
    assert.ok(op.triggers.some((t) => t.tripped));
    assert.ok(op.followUpOperationId);
    const followUp = await stepUntilDone(op.followUpOperationId!);
    assert.equal(followUp.kind, 'rollback');
    assert.equal(followUp.status, 'succeeded', followUp.error ?? '');
    const [service] = await describeServices(ctx.aws, 'codeflow-staging', ['codeflow-service']);
    assert.equal(service!.taskDefinitionArn, plan.basis.taskDefinitionArn);
    const actions = (await ctx.db.select({ action: auditLog.action, outcome: auditLog.outcome }).from(auditLog)).map((r) => `${r.action}:${r.outcome}`);
    assert.ok(actions.includes('ops.deploy.update-service:intent') && actions.includes('ops.deploy.update-service:success'));
    assert.ok(actions.includes('ops.verify:failure'));
  });

  it('policy propose: a tripped trigger proposes a one-click rollback', async () => {
    ctx.policy = testPolicy('propose');
    const request: PlanRequest = { kind: 'deploy', image: 'v9.9.8-broken' };
    const plan = await planOperation(ctx, 'codeflow-staging', 'codeflow-service', request);
    await fetch(`${sandbox.url()}/_sandbox/bad-images`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image: plan.imageDiff[0]!.to }) });
    const { operation } = await submitOperation(ctx, alice, { cluster: 'codeflow-staging', service: 'codeflow-service', request, fingerprint: plan.fingerprint, confirmName: 'codeflow-service', reason: 'r' }, newKey());
    const op = await stepUntilDone(operation.id);
    assert.equal(op.status, 'failed');
    assert.equal(op.rollbackProposed, true);
    const { operation: rb } = await rollbackFromProposal(ctx, bob, op.id, { confirmName: 'codeflow-service', reason: 'proposed' }, newKey());
    assert.equal(rb.kind, 'rollback');
    assert.equal(rb.parentOperationId, op.id);
    assert.equal((await getOperation(ctx.db, op.id)).followUpOperationId, rb.id);
  });

  it('approval: production deploy waits; the requester cannot approve, another operator can; an expired one is refused', async () => {
    const request: PlanRequest = { kind: 'deploy', image: 'v1.4.3' };
    const { operation } = await submit(alice, 'codeflow-cluster', 'codeflow-service', request);
    assert.equal(operation.status, 'awaiting_approval');
    assert.equal(await calls('UpdateService'), 0);
    await assert.rejects(approveOperation(ctx, alice, operation.id), (e) => isAppError(e) && e.code === 'forbidden' && /cannot approve/.test(e.message));
    const approved = await approveOperation(ctx, bob, operation.id, 'looks good');
    assert.equal(approved.status, 'verifying');
    assert.equal(approved.approvedBy?.subject, 'bob');
    assert.equal(await calls('UpdateService'), 1);

    const second = await submit(alice, 'codeflow-cluster', 'payments-api', { kind: 'deploy', image: 'v2' });
    await ctx.db.update(operations).set({ approvalDeadline: new Date(Date.now() - 1000) }).where(eq(operations.id, second.operation.id));
    await assert.rejects(approveOperation(ctx, bob, second.operation.id), (e) => isAppError(e) && e.code === 'conflict' && /approval window closed/.test(e.message));
    assert.equal((await getOperation(ctx.db, second.operation.id)).status, 'expired');
    assert.equal(await calls('UpdateService'), 1);
  });
});
