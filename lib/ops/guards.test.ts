/**
 * The guards that had ways around them (issue 12's probes), against the real sandbox and a fresh
 * database per test: rollback to a revision that never ran, roles re-read after the request,
 * cancel as a write, the incident reference, the image policy, one plan per one-click rollback.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { describeServices, describeTaskDefinition, registerTaskDefinition, updateService } from '../aws/ecs';
import type { CurrentUser } from '../auth/identity';
import { auditLog, incidents, operations } from '../db/schema';
import { describeTargets } from '../db/test-targets';
import { isAppError } from '../errors';
import type { OpsContext } from './context';
import { lockHolder } from './lock';
import { planOperation } from './plan';
import { approveOperation, cancelOperation, rollbackFromProposal, submitOperation } from './pipeline';
import { setReadOnly } from './settings';
import { getOperation } from './store';
import { quickPolicy, setRole, testUser, useOpsSandbox, TEST_PLACE } from './testing/harness';
import type { PlanRequest } from './types';
import { verifyStep } from './verify';

const alice = testUser('alice');
const bob = testUser('bob');
const root = testUser('root', 'admin');

let key = 0;
const newKey = () => `guards-${process.pid}-${++key}`;

describeTargets('lib/ops guards', (target) => {
  let ctx: OpsContext;
  const sandbox = useOpsSandbox(target, { maxConnections: 10, policy: () => quickPolicy(), onContext: (c) => (ctx = c) });
  const callsOf = async () => ((await (await fetch(`${sandbox.url()}/_sandbox/calls`)).json()) as { calls: Record<string, number> }).calls;
  const WRITES = ['ecs:UpdateService', 'ecs:RegisterTaskDefinition', 'ecs:StopServiceDeployment', 'elasticloadbalancing:ModifyListener'];
  const writes = async () => {
    const calls = await callsOf();
    return WRITES.reduce((n, w) => n + (calls[w] ?? 0), 0);
  };
  const reads = async () => {
    const calls = await callsOf();
    return Object.entries(calls).reduce((n, [name, c]) => (WRITES.includes(name) ? n : n + c), 0);
  };

  async function submit(u: CurrentUser, cluster: string, service: string, request: PlanRequest, extra: { incidentId?: string } = {}) {
    const plan = await planOperation(ctx, cluster, service, request, { role: u.role });
    return submitOperation(ctx, u, { cluster, service, request, fingerprint: plan.fingerprint, confirmName: service, reason: 'guards test', ...extra }, newKey());
  }

  async function stepUntilDone(id: string) {
    for (let i = 0; i < 60; i++) {
      const op = await verifyStep(ctx, id);
      if (!['verifying', 'executing', 'paused', 'outcome_unknown'].includes(op.status)) return op;
      await sandbox.advance(15);
    }
    return getOperation(ctx.db, id);
  }

  it('a rollback to a revision that never ran the service is a deploy: production approval; one that ran is not', async () => {
    // payments-api runs :4; ECS's history shows only :4. A new, unreviewed :5 is registered outside Codeflow.
    const [service] = await describeServices(ctx.aws, 'codeflow-cluster', ['payments-api']);
    const unreviewed = await registerTaskDefinition(ctx.aws, { baseTaskDefinitionArn: service!.taskDefinitionArn, images: { 'payments-api': '123456789012.dkr.ecr.us-east-1.amazonaws.com/payments-api:unreviewed' } });
    const toNew = await planOperation(ctx, 'codeflow-cluster', 'payments-api', { kind: 'rollback', revision: unreviewed.arn }, { role: 'operator' });
    assert.equal(toNew.requiresApproval, true);
    assert.match(toNew.guards.find((g) => g.id === 'approval')!.detail, /never run payments-api, is a deploy/);
    assert.equal(toNew.guards.find((g) => g.id === 'revision_history')!.status, 'requires_approval');
    const before = await writes();
    const { operation } = await submit(alice, 'codeflow-cluster', 'payments-api', { kind: 'rollback', revision: unreviewed.arn });
    assert.equal(operation.status, 'awaiting_approval');
    assert.equal(await writes(), before, 'nothing reaches AWS before a second operator approves');
    await cancelOperation(ctx, alice, operation.id);

    // After :3 has run the service (a deploy outside Codeflow that completed), going back to :4 and to :3 is a rollback.
    const previous = service!.taskDefinitionArn.replace(/:4$/, ':3');
    await updateService(ctx.aws, { cluster: 'codeflow-cluster', service: 'payments-api', taskDefinition: previous });
    await sandbox.advance(900);
    for (const revision of [service!.taskDefinitionArn]) {
      const plan = await planOperation(ctx, 'codeflow-cluster', 'payments-api', { kind: 'rollback', revision }, { role: 'operator' });
      assert.equal(plan.requiresApproval, false, plan.guards.map((g) => `${g.id}: ${g.detail}`).join('\n'));
      assert.equal(plan.guards.find((g) => g.id === 'revision_history')!.status, 'ok');
    }
  });

  it('a requester demoted before approval: refused at approval with the reason, audited, nothing sent; she cannot cancel either', async () => {
    const { operation } = await submit(alice, 'codeflow-cluster', 'codeflow-service', { kind: 'deploy', image: 'v1.4.3' });
    assert.equal(operation.status, 'awaiting_approval');
    const demoted = await setRole(ctx.db, alice, 'viewer');
    await assert.rejects(cancelOperation(ctx, demoted, operation.id), (e) => isAppError(e) && e.code === 'forbidden');
    const before = await writes();
    await assert.rejects(approveOperation(ctx, bob, operation.id, 'ok'), (e) => isAppError(e) && e.code === 'forbidden' && /the requester Alice is now viewer, and service\.deploy needs operator/.test(e.message));
    assert.equal(await writes(), before);
    const op = await getOperation(ctx.db, operation.id);
    assert.equal(op.status, 'failed');
    assert.match(op.error ?? '', /Refused at approval: the requester Alice is now viewer/);
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-cluster', service: 'codeflow-service' }), null);
    const [denied] = await ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'ops.approve'), eq(auditLog.outcome, 'denied')));
    assert.equal(denied?.actorSubject, 'bob');
    assert.equal(denied?.actorRole, 'operator');
    assert.deepEqual((denied?.params as { requesterRole: string }).requesterRole, 'viewer');
  });

  it('an approver demoted between the click and the check, or a requester demoted after approval: refused at execution', async () => {
    const { operation } = await submit(alice, 'codeflow-cluster', 'codeflow-service', { kind: 'deploy', image: 'v1.4.3' });
    // Bob's session still says operator (his request was authorized a moment ago), but the database now says responder.
    await setRole(ctx.db, bob, 'responder');
    const before = await writes();
    await assert.rejects(approveOperation(ctx, bob, operation.id, 'ok'), (e) => isAppError(e) && e.code === 'forbidden' && /the approver Bob is now responder/.test(e.message));
    assert.equal(await writes(), before, 'refused before RegisterTaskDefinition');
    const op = await getOperation(ctx.db, operation.id);
    assert.equal(op.status, 'failed');
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-cluster', service: 'codeflow-service' }), null, 'the lock taken for execution is released');
    const [refusal] = await ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'ops.execute'), eq(auditLog.outcome, 'denied')));
    assert.equal(refusal?.actorSubject, 'alice');
    assert.equal(refusal?.actorRole, 'operator', 'the role the requester holds at that moment');
  });

  it('cancel is a write: refused in read-only mode with what to do instead; during a rolling deploy it stops the rollout in place', async () => {
    const { operation } = await submit(alice, 'codeflow-staging', 'codeflow-service', { kind: 'deploy', image: 'v1.5.0' });
    assert.equal(operation.status, 'verifying');
    await sandbox.advance(15);
    const stopsBefore = (await callsOf())['ecs:StopServiceDeployment'] ?? 0;
    await setReadOnly(ctx.db, root, true, 'freeze');
    await assert.rejects(cancelOperation(ctx, root, operation.id), (e) => isAppError(e) && e.code === 'forbidden' && e.subCode === 'read_only' && /ask an admin to turn read-only off first/.test(e.message));
    assert.equal((await callsOf())['ecs:StopServiceDeployment'] ?? 0, stopsBefore, 'nothing reached AWS');
    assert.equal((await getOperation(ctx.db, operation.id)).status, 'verifying');
    await setReadOnly(ctx.db, root, false, 'thaw');

    const cancelled = await cancelOperation(ctx, alice, operation.id);
    assert.equal(cancelled.status, 'cancelled');
    assert.match(cancelled.error ?? '', /StopServiceDeployment/);
    assert.equal(cancelled.followUpOperationId, null, 'no separate rollback operation');
    assert.equal(((await callsOf())['ecs:StopServiceDeployment'] ?? 0) - stopsBefore, 1);
    assert.equal((await ctx.db.select().from(operations)).length, 1);
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-staging', service: 'codeflow-service' }), null);
    await sandbox.advance(600);
    const [service] = await describeServices(ctx.aws, 'codeflow-staging', ['codeflow-service']);
    assert.equal(service!.taskDefinitionArn, cancelled.plan.basis.taskDefinitionArn, 'ECS rolled back to the revision the deploy started from');
  });

  it('incidentId must name an existing incident (by number or id): 400 naming the field otherwise', async () => {
    for (const incidentId of ['nope', 'INC-4711', '1f0c8c52-8a3e-4c8e-9d59-0d9a3f1a2b3c']) {
      await assert.rejects(submit(alice, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 }, { incidentId }), (e) => isAppError(e) && e.code === 'invalid' && e.subCode === 'invalid' && e.fields?.[0]?.path === 'incidentId');
    }
    assert.equal((await ctx.db.select().from(operations)).length, 0);
    const [incident] = await ctx.db
      .insert(incidents)
      .values({ title: 'checkout slow', severity: 'P2', status: 'open', sourceKind: 'manual', openedAt: new Date(), clockStartedAt: new Date(), openedByIssuer: 'https://idp.test', openedBySubject: 'alice' })
      .returning();
    const { operation } = await submit(alice, 'codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 }, { incidentId: `INC-${incident!.number}` });
    assert.equal(operation.incidentId, incident!.id);
  });

  it('image policy: only the account’s ECR; a mutable tag like latest is refused in production, allowed in staging', async () => {
    const dockerHub = await planOperation(ctx, 'codeflow-staging', 'checkout-api', { kind: 'deploy', image: 'docker.io/library/nginx:1.27' });
    assert.equal(dockerHub.guards.find((g) => g.id === 'image_registry')?.status, 'blocked');
    await assert.rejects(submit(alice, 'codeflow-staging', 'checkout-api', { kind: 'deploy', image: 'registry.example/checkout:v2' }), (e) => isAppError(e) && e.code === 'invalid' && e.fields?.[0]?.path === 'image' && /not an allowed registry/.test(e.message));
    const latestProd = await planOperation(ctx, 'codeflow-cluster', 'payments-api', { kind: 'deploy', image: 'latest' });
    assert.equal(latestProd.guards.find((g) => g.id === 'image_tag')?.status, 'blocked');
    assert.equal(latestProd.guards.find((g) => g.id === 'image_registry')?.status, 'ok', 'the demo fleet’s images are in the account’s ECR');
    const latestStaging = await planOperation(ctx, 'codeflow-staging', 'checkout-api', { kind: 'deploy', image: 'latest' });
    assert.equal(latestStaging.guards.find((g) => g.id === 'image_tag')?.status, 'ok');
    const pinned = await planOperation(ctx, 'codeflow-cluster', 'payments-api', { kind: 'deploy', image: `@sha256:${'a'.repeat(64)}` });
    assert.match(pinned.guards.find((g) => g.id === 'image_tag')!.detail, /pinned to sha256:a{64}/);
    assert.equal(await writes(), 0);
  });

  it('image digest: the plan resolves the tag in ECR and the revision is registered pinned to it; a tag that moved is a stale plan; production refuses a tag ECR does not have', async () => {
    const ecrPush = async (repository: string, tag: string) =>
      ((await (await fetch(`${sandbox.url()}/_sandbox/ecr/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ repository, tag }) })).json()) as { digest: string }).digest;
    const first = await ecrPush('codeflow', 'v1.6.0');
    const plan = await planOperation(ctx, 'codeflow-staging', 'codeflow-service', { kind: 'deploy', image: 'v1.6.0' });
    assert.equal(plan.image?.status, 'resolved');
    assert.equal(plan.image?.digest, first);
    assert.equal(plan.image?.deployed, `123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.6.0@${first}`);
    assert.equal(plan.guards.find((g) => g.id === 'image_tag')?.status, 'ok');
    assert.equal(((await callsOf())['ecr:DescribeImages'] ?? 0) > 0, true, 'ECR was asked');

    // Someone pushes v1.6.0 again after the plan: the plan the user confirmed is stale, nothing is sent.
    const moved = await ecrPush('codeflow', 'v1.6.0');
    assert.notEqual(moved, first);
    const before = await writes();
    await assert.rejects(
      submitOperation(ctx, alice, { cluster: 'codeflow-staging', service: 'codeflow-service', request: { kind: 'deploy', image: 'v1.6.0' }, fingerprint: plan.fingerprint, confirmName: 'codeflow-service', reason: 'r' }, newKey()),
      (e) => isAppError(e) && e.subCode === 'stale_plan',
    );
    assert.equal(await writes(), before);

    // Planned again and submitted: the registered revision names the digest that was reviewed.
    const { operation } = await submit(alice, 'codeflow-staging', 'codeflow-service', { kind: 'deploy', image: 'v1.6.0' });
    const [service] = await describeServices(ctx.aws, 'codeflow-staging', ['codeflow-service']);
    assert.equal(operation.plan.image?.digest, moved);
    const registered = await describeTaskDefinition(ctx.aws, service!.taskDefinitionArn);
    assert.equal(registered.containers[0]!.image, `123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.6.0@${moved}`);

    // Production: a tag ECR does not have is refused with the reason; staging says so and deploys the tag.
    const prod = await planOperation(ctx, 'codeflow-cluster', 'payments-api', { kind: 'deploy', image: 'v9.0.0-unpushed' });
    assert.equal(prod.image?.status, 'not_found');
    const refused = prod.guards.find((g) => g.id === 'image_tag')!;
    assert.equal(refused.status, 'blocked');
    assert.match(refused.detail, /ECR has no image tagged v9\.0\.0-unpushed in payments-api; refused here/);
    await assert.rejects(submit(alice, 'codeflow-cluster', 'payments-api', { kind: 'deploy', image: 'v9.0.0-unpushed' }), (e) => isAppError(e) && e.code === 'invalid' && e.fields?.[0]?.path === 'image');
    const staging = await planOperation(ctx, 'codeflow-staging', 'checkout-api', { kind: 'deploy', image: 'v9.0.0-unpushed' });
    assert.equal(staging.guards.find((g) => g.id === 'image_tag')?.status, 'ok');
    assert.equal(staging.image?.deployed, '123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout-api:v9.0.0-unpushed');
    // A registry that is not ECR is not read (staging allows it here only to show the note).
    ctx.policy = quickPolicy((envs) => {
      envs.staging!.images.allowedRegistries = ['account-ecr', 'registry.example'];
    });
    const other = await planOperation(ctx, 'codeflow-staging', 'checkout-api', { kind: 'deploy', image: 'registry.example/checkout:v2' });
    assert.equal(other.image?.status, 'not_ecr');
    assert.match(other.guards.find((g) => g.id === 'image_tag')!.detail, /registry\.example is not an ECR registry/);
    // ECR unreadable in production: refused, saying why.
    ctx.policy = quickPolicy();
    await fetch(`${sandbox.url()}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules: [{ service: 'ecr', errorRate: 1 }] }) });
    const unreadable = await planOperation(ctx, 'codeflow-cluster', 'payments-api', { kind: 'deploy', image: 'v2.0.0' });
    await fetch(`${sandbox.url()}/_sandbox/faults`, { method: 'DELETE' });
    assert.equal(unreadable.image?.status, 'unreadable');
    assert.match(unreadable.guards.find((g) => g.id === 'image_tag')!.detail, /ECR could not be read.*refused here/);
  });

  it('a one-click rollback from a proposal costs one round of AWS reads (the plan is made once)', async () => {
    ctx.policy = quickPolicy((envs) => {
      envs.staging!.onTrigger = 'propose';
    });
    const request: PlanRequest = { kind: 'deploy', image: 'v9.9.8-broken' };
    const plan = await planOperation(ctx, 'codeflow-staging', 'codeflow-service', request);
    await fetch(`${sandbox.url()}/_sandbox/bad-images`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image: plan.imageDiff[0]!.to }) });
    const { operation } = await submitOperation(ctx, alice, { cluster: 'codeflow-staging', service: 'codeflow-service', request, fingerprint: plan.fingerprint, confirmName: 'codeflow-service', reason: 'r' }, newKey());
    const failed = await stepUntilDone(operation.id);
    assert.equal(failed.rollbackProposed, true, failed.error ?? '');

    const readsBefore = await reads();
    await planOperation(ctx, 'codeflow-staging', 'codeflow-service', { kind: 'rollback', revision: failed.plan.basis.taskDefinitionArn }, { role: 'operator' });
    const onePlan = (await reads()) - readsBefore;
    const writesBefore = await writes();
    const readsBeforeSubmit = await reads();
    const { operation: rb } = await rollbackFromProposal(ctx, bob, failed.id, { confirmName: 'codeflow-service', reason: 'proposed' }, newKey());
    const submitReads = (await reads()) - readsBeforeSubmit;
    assert.equal(rb.kind, 'rollback');
    assert.ok((await writes()) > writesBefore, 'the rollback was executed');
    // One plan's reads, plus what execution itself reads back (a rollback checks the service before UpdateService).
    assert.ok(onePlan > 0);
    assert.equal(submitReads, onePlan + 1, `one plan costs ${onePlan} reads; the submit from the proposal cost ${submitReads}`);
  });
});
