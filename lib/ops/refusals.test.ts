/**
 * Refusals a client acts on by sub-code, against the real sandbox and a fresh database per test:
 * an out-of-range count is a 400 on its field with the numbers, and an operation still waiting for
 * its second operator cannot be continued, rolled back or executed (`approval_required`).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { eq } from 'drizzle-orm';
import type { CurrentUser } from '../auth/identity';
import { operations } from '../db/schema';
import { describeTargets } from '../db/test-targets';
import { isAppError, type AppError } from '../errors';
import type { OpsContext } from './context';
import { desiredCountIssue } from './contract';
import { acquireLock, lockHolder } from './lock';
import { planOperation } from './plan';
import { continueOperation, rollbackFromProposal, submitOperation } from './pipeline';
import { runExecution } from './start';
import { getOperation, loadRow } from './store';
import { quickPolicy, testUser, useOpsSandbox, TEST_PLACE } from './testing/harness';
import type { PlanRequest } from './types';

const alice = testUser('alice');
const bob = testUser('bob');

let key = 0;
const newKey = () => `refusals-${process.pid}-${++key}`;

const refusedWith = (code: AppError['code'], subCode: AppError['subCode']) => (e: unknown) => {
  assert.ok(isAppError(e), String(e));
  assert.deepEqual([e.code, e.subCode], [code, subCode], e.message);
  return true;
};

describeTargets('lib/ops refusals carry sub-codes', (target) => {
  let ctx: OpsContext;
  const sandbox = useOpsSandbox(target, { maxConnections: 10, policy: () => quickPolicy(), onContext: (c) => (ctx = c) });
  const WRITES = ['ecs:UpdateService', 'ecs:RegisterTaskDefinition', 'ecs:StopServiceDeployment', 'ecs:ContinueServiceDeployment', 'elasticloadbalancing:ModifyListener'];
  const writes = async () => (await Promise.all(WRITES.map((w) => sandbox.calls(w)))).reduce((a, b) => a + b, 0);

  async function submit(u: CurrentUser, cluster: string, service: string, request: PlanRequest) {
    const plan = await planOperation(ctx, cluster, service, request, { role: u.role });
    return submitOperation(ctx, u, { cluster, service, request, fingerprint: plan.fingerprint, confirmName: service, reason: 'refusals test' }, newKey());
  }

  it("a desired count above the policy's limit is a 400 on desiredCount, worded by the contract", async () => {
    const limit = ctx.policy.hardMaxDesiredCount;
    await assert.rejects(planOperation(ctx, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: limit + 1 }), (e) => {
      refusedWith('invalid', 'invalid')(e);
      assert.deepEqual((e as AppError).fields, [{ path: 'desiredCount', message: `${limit + 1} is above the limit of ${limit} tasks` }]);
      assert.equal((e as AppError).fields![0]!.message, desiredCountIssue(limit + 1, limit));
      return true;
    });
    // Within the hard limit but outside the environment's bounds: a blocked guard, in the same words.
    const bounded = await planOperation(ctx, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 60 });
    assert.equal(bounded.blocked, true);
    assert.equal(bounded.guards.find((g) => g.id === 'bounds')!.detail, `60 is above the limit of ${ctx.policy.environments.staging!.scale.max} tasks in this environment`);
    ctx.policy = { ...ctx.policy, hardMaxDesiredCount: 7 };
    await assert.rejects(planOperation(ctx, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 8 }), (e) => isAppError(e) && e.fields?.[0]?.message === '8 is above the limit of 7 tasks');
  });

  it('an operation awaiting approval cannot be continued, rolled back or executed: approval_required, and nothing reaches AWS', async () => {
    const { operation } = await submit(alice, 'codeflow-cluster', 'codeflow-service', { kind: 'deploy', image: 'v1.4.3' });
    assert.equal(operation.status, 'awaiting_approval');
    const before = await writes();

    await assert.rejects(continueOperation(ctx, bob, operation.id), refusedWith('conflict', 'approval_required'));
    await assert.rejects(rollbackFromProposal(ctx, alice, operation.id, { confirmName: 'codeflow-service', reason: 'refusals test' }, newKey()), refusedWith('conflict', 'approval_required'));
    // Whoever calls the executor with it (a runner, a future route): it runs only once approved.
    const actor = { issuer: alice.issuer, subject: alice.subject, name: alice.name, role: alice.role };
    await assert.rejects(runExecution(ctx, await loadRow(ctx.db, operation.id), actor), refusedWith('conflict', 'approval_required'));

    assert.equal(await writes(), before);
    assert.equal((await getOperation(ctx.db, operation.id)).status, 'awaiting_approval', 'the request still waits for its second operator');

    // Moved to executing by anything but an approval (and holding the lock): closed as failed, the lock freed.
    await ctx.db.update(operations).set({ status: 'executing' }).where(eq(operations.id, operation.id));
    await acquireLock(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-cluster', service: 'codeflow-service', operationId: operation.id, holderSubject: alice.subject, holderName: alice.name, ttlSeconds: 60 });
    await assert.rejects(runExecution(ctx, await loadRow(ctx.db, operation.id), actor), refusedWith('conflict', 'approval_required'));
    const closed = await getOperation(ctx.db, operation.id);
    assert.equal(closed.status, 'failed');
    assert.match(closed.error ?? '', /needs a second operator's approval/);
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-cluster', service: 'codeflow-service' }), null);
    assert.equal(await writes(), before);
  });
});
