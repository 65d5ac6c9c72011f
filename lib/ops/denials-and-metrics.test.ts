/**
 * Denials inside lib/ops are audited as withUser audits them (auth.denied), and every operation
 * that reaches a final status is counted once in codeflow_operations_total by kind and outcome.
 * Real sandbox, real database (PGlite, and PostgreSQL when TEST_DATABASE_URL reaches one).
 */
import assert from 'node:assert/strict';
import { after, beforeEach, it } from 'node:test';
import { eq } from 'drizzle-orm';
import type { CurrentUser } from '../auth/identity';
import { auditLog } from '../db/schema';
import { describeTargets } from '../db/test-targets';
import { isAppError } from '../errors';
import { createMetrics, observeInto, type CodeflowMetrics } from '../observability/metrics';
import type { OpsContext } from './context';
import { approveOperation, cancelOperation, finish, rejectOperation, submitOperation } from './pipeline';
import { planOperation } from './plan';
import { setReadOnly } from './settings';
import { getOperation } from './store';
import type { PlanRequest } from './types';
import { verifyStep } from './verify';
import { quickPolicy, testUser, useOpsSandbox } from './testing/harness';

const user = testUser;
const alice = user('alice', 'operator');
const bob = user('bob', 'operator');
const vera = user('vera', 'viewer');
const rita = user('rita', 'responder');
const admin = user('root', 'admin');

/** One sample of the exposition text (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

let n = 0;
const newKey = () => `denials-${process.pid}-${++n}`;

describeTargets('lib/ops: denials audited, outcomes counted', (target) => {
  let ctx: OpsContext;
  let m: CodeflowMetrics;
  let stop: () => void;

  const sandbox = useOpsSandbox(target, { maxConnections: 10, policy: () => quickPolicy(), onContext: (c) => (ctx = c) });
  after(() => stop?.());
  beforeEach(() => {
    stop?.();
    m = createMetrics();
    stop = observeInto(m, 'ops-metrics-test');
  });

  const metrics = () => m.registry.metrics();
  const advance = sandbox.advance;
  const denials = () => ctx.db.select().from(auditLog).where(eq(auditLog.action, 'auth.denied'));

  async function submit(u: CurrentUser, cluster: string, service: string, request: PlanRequest) {
    const plan = await planOperation(ctx, cluster, service, request, { role: u.role });
    return submitOperation(ctx, u, { cluster, service, request, fingerprint: plan.fingerprint, confirmName: service, reason: 'test' }, newKey());
  }

  it('a viewer submitting, a responder approving or rejecting, an operator cancelling another’s: 403, each audited as auth.denied', async () => {
    await assert.rejects(submit(vera, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 }), (e) => isAppError(e) && e.code === 'forbidden' && /service\.scale needs operator/.test(e.message));
    let rows = await denials();
    assert.equal(rows.length, 1);
    const [d] = rows;
    assert.equal(d!.outcome, 'denied');
    assert.equal(d!.target, '/api/operations');
    assert.equal(d!.actorSubject, 'vera');
    assert.equal(d!.actorRole, 'viewer');
    assert.equal(d!.reason, 'role viewer lacks service.scale');
    assert.deepEqual(d!.params, { attempted: 'service.scale', method: 'POST', kind: 'scale', cluster: 'codeflow-staging', service: 'checkout-api' });

    // A production deploy waits for approval; a responder may neither approve nor reject it.
    const { operation } = await submit(alice, 'codeflow-cluster', 'codeflow-service', { kind: 'deploy', image: 'v1.4.3' });
    assert.equal(operation.status, 'awaiting_approval');
    await assert.rejects(approveOperation(ctx, rita, operation.id), (e) => isAppError(e) && e.code === 'forbidden');
    await assert.rejects(rejectOperation(ctx, rita, operation.id, 'no'), (e) => isAppError(e) && e.code === 'forbidden');
    await assert.rejects(cancelOperation(ctx, bob, operation.id), (e) => isAppError(e) && e.code === 'forbidden');
    rows = await denials();
    assert.deepEqual(
      rows.slice(1).map((r) => [r.target, r.actorSubject, (r.params as { attempted: string }).attempted, (r.params as { operationId?: string }).operationId]),
      [
        [`/api/operations/${operation.id}/approve`, 'rita', 'service.deploy', operation.id],
        [`/api/operations/${operation.id}/reject`, 'rita', 'service.deploy', operation.id],
        [`/api/operations/${operation.id}/cancel`, 'bob', 'ops.cancel', operation.id],
      ],
    );
    assert.equal((await getOperation(ctx.db, operation.id)).status, 'awaiting_approval', 'nothing the denied users did took effect');
    assert.equal(sample(await metrics(), 'codeflow_operations_total', { kind: 'scale', outcome: 'refused' }), 1);
  });

  it('counts each final status once by kind: succeeded, cancelled, refused (read-only) — and finishing twice counts once', async () => {
    const { operation } = await submit(alice, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 });
    let op = operation;
    for (let i = 0; i < 40 && ['verifying', 'executing'].includes(op.status); i++) {
      await advance(15);
      op = await verifyStep(ctx, op.id);
    }
    assert.equal(op.status, 'succeeded', op.error ?? '');
    assert.equal(sample(await metrics(), 'codeflow_operations_total', { kind: 'scale', outcome: 'succeeded' }), 1);
    // Another replica (or a stray path) finishing the same row again does not count it again.
    await finish(ctx.db, op.id, { status: 'failed', error: 'late' });
    assert.equal(sample(await metrics(), 'codeflow_operations_total', { kind: 'scale', outcome: 'failed' }), 0);

    const waiting = await submit(alice, 'codeflow-cluster', 'codeflow-service', { kind: 'deploy', image: 'v1.4.4' });
    assert.equal(sample(await metrics(), 'codeflow_operations_total', { kind: 'deploy', outcome: 'cancelled' }), 0);
    await cancelOperation(ctx, alice, waiting.operation.id);
    assert.equal(sample(await metrics(), 'codeflow_operations_total', { kind: 'deploy', outcome: 'cancelled' }), 1);

    await setReadOnly(ctx.db, admin, true, 'freeze');
    await assert.rejects(submit(alice, 'codeflow-staging', 'checkout-api', { kind: 'restart' }), (e) => isAppError(e) && /read-only mode/.test((e as Error).message));
    const text = await metrics();
    assert.equal(sample(text, 'codeflow_operations_total', { kind: 'restart', outcome: 'refused' }), 1);
    assert.equal((await denials()).length, 0, 'read-only refusals are not role denials');
  });
});
