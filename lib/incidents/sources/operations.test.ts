/**
 * Incidents ↔ operations: real operations run through lib/ops against the sandbox, then an incident
 * opened from one of them and its timeline, with the sources registered the way the server does.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startSandbox, type RunningSandbox } from '../../../sandbox/server';
import type { CurrentUser } from '../../auth/identity';
import { testClients } from '../../aws/testing/fixtures';
import type { Db } from '../../db/client';
import { describeTargets } from '../../db/test-targets';
import { isAppError } from '../../errors';
import type { OpsContext } from '../../ops/context';
import { enrollUsers, sandboxClock } from '../../ops/testing/harness';
import { submitOperation } from '../../ops/pipeline';
import { planOperation } from '../../ops/plan';
import { DEFAULT_POLICY, type PolicyConfig } from '../../ops/policy-config';
import { getOperation } from '../../ops/store';
import type { Operation, PlanRequest } from '../../ops/types';
import { verifyStep } from '../../ops/verify';
import { openIncident } from '../incidents';
import { resolveSource } from '../sources';
import { collectExternal, registeredTimelineSources, windowOf } from '../timeline';
import { RESPONDER, testConfig } from '../testing/helpers';
import { operationEntries, registerOperationSources } from './operations';

const alice: CurrentUser = {
  id: '00000000-0000-4000-8000-00000000a11c',
  issuer: 'https://idp.test',
  subject: 'alice',
  name: 'Alice Operator',
  email: null,
  role: 'operator',
  via: { kind: 'session', authenticatedAt: Date.now() },
};

function policy(): PolicyConfig {
  const envs = structuredClone(DEFAULT_POLICY.environments);
  for (const p of Object.values(envs)) Object.assign(p, { bakeSeconds: 60, verifyDeadlineSeconds: 900, onTrigger: 'propose' });
  return { ...DEFAULT_POLICY, environments: envs, lockTtlSeconds: 60 };
}

let n = 0;

describeTargets('incidents: the operations source', (target) => {
  let running: RunningSandbox;
  let ctx: OpsContext;
  let db: Db;
  const noAws = { alarms: () => assert.fail('alarms not needed'), aws: () => assert.fail('aws not needed') };

  before(async () => {
    running = await startSandbox({ seed: 42, speed: 0 });
    db = (await target.fresh({ migrated: true, maxConnections: 10 })).db;
    // lib/ops re-reads the requester's role from the users table at execution.
    await enrollUsers(db, [alice]);
    ctx = { db, aws: testClients(running.url), policy: policy(), awsNow: sandboxClock(running.url) };
    registerOperationSources(async () => db);
  });
  after(async () => {
    await running?.close();
  });

  const advance = (seconds: number) => fetch(`${running.url}/_sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds }) });

  async function run(cluster: string, service: string, request: PlanRequest, reason: string): Promise<Operation> {
    const plan = await planOperation(ctx, cluster, service, request, { role: 'operator' });
    const { operation } = await submitOperation(ctx, alice, { cluster, service, request, fingerprint: plan.fingerprint, confirmName: service, reason }, `ops-source-${process.pid}-${++n}`);
    for (let i = 0; i < 60; i++) {
      const op = await verifyStep(ctx, operation.id);
      if (!['verifying', 'executing', 'paused', 'outcome_unknown'].includes(op.status)) return op;
      await advance(15);
    }
    return getOperation(db, operation.id);
  }

  it('opening from a failed deploy takes its service and a title; the timeline shows the operations on it, and not others', async () => {
    const request: PlanRequest = { kind: 'deploy', image: 'v9.9.7-broken' };
    const plan = await planOperation(ctx, 'codeflow-staging', 'codeflow-service', request);
    await fetch(`${running.url}/_sandbox/bad-images`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image: plan.imageDiff[0]!.to }) });
    const deploy = await run('codeflow-staging', 'codeflow-service', request, 'release 9.9.7');
    assert.equal(deploy.status, 'failed', deploy.error ?? '');
    assert.ok(deploy.triggers.some((t) => t.tripped));
    const scale = await run('codeflow-staging', 'checkout-api', { kind: 'scale', desiredCount: 3 }, 'more capacity');
    assert.equal(scale.status, 'succeeded', scale.error ?? '');

    // The resolver the server registers (not the fallback that keeps the ref as given).
    const resolved = await resolveSource('operation', deploy.id, noAws);
    // The operation's own account and Region come with its service.
    assert.deepEqual(resolved.services, [{ account: 'default', region: 'us-east-1', cluster: 'codeflow-staging', service: 'codeflow-service' }]);
    assert.equal(resolved.source.ref, deploy.id);
    assert.match(resolved.source.label ?? '', /^Deploy codeflow-staging\/codeflow-service \(failed\)$/);
    assert.match(resolved.title ?? '', /^Deploy of codeflow-staging\/codeflow-service failed: Rollback trigger tripped/);

    const incident = await openIncident(
      { db, config: testConfig(), now: new Date() },
      { title: resolved.title!, severity: 'P2', source: resolved.source, services: resolved.services },
      RESPONDER,
    );
    assert.equal(incident.source.kind, 'operation');
    assert.deepEqual(incident.services, [{ account: 'default', region: 'us-east-1', cluster: 'codeflow-staging', service: 'codeflow-service' }]);

    const sources = registeredTimelineSources().filter((s) => s.name === 'operations');
    assert.equal(sources.length, 1, 'registered under its name');
    const { entries, sources: statuses } = await collectExternal(incident, sources, new Date());
    assert.deepEqual(statuses, [{ name: 'operations', ok: true, error: null }]);
    const mine = entries.filter((e) => e.ref === deploy.id);
    assert.equal(mine.length, 2, JSON.stringify(entries));
    assert.ok(mine.every((e) => e.kind === 'operation'));
    assert.match(mine[0]!.text, /^codeflow-staging\/codeflow-service: Deploy requested: .*; reason: release 9\.9\.7$/);
    assert.equal(mine[0]!.actor, 'Alice Operator');
    assert.match(mine[1]!.text, /^codeflow-staging\/codeflow-service: Deploy failed: Rollback trigger tripped/);
    assert.ok(!entries.some((e) => e.ref === scale.id), 'checkout-api is not an affected service');
  });

  it('keeps to the window: an operation finished before it shows nothing, one running shows its request with the status now', () => {
    const base: Operation = {
      id: '00000000-0000-4000-8000-000000000abc', kind: 'rollback', account: '123456789012', region: 'us-east-1', cluster: 'c', service: 's', status: 'verifying',
      plan: { summary: 'Roll back s: s:2 → s:1', environment: 'production' } as Operation['plan'], reason: 'bad', incidentId: null,
      requestedBy: { subject: 'bob', name: null }, approvedBy: null, approvalDeadline: null,
      createdAt: '2025-04-01T10:00:00.000Z', updatedAt: '2025-04-01T10:00:00.000Z', finishedAt: null,
      steps: [], triggers: [], rollout: null, rollbackProposed: false, followUpOperationId: null, error: null,
    };
    const w = windowOf({ openedAt: '2025-04-01T10:10:00.000Z', resolvedAt: null }, new Date('2025-04-01T11:00:00.000Z'));
    const running = operationEntries(base, w);
    assert.equal(running.length, 1);
    assert.equal(running[0]!.text, 'c/s: Rollback requested: Roll back s: s:2 → s:1 (now verifying); reason: bad');
    assert.equal(running[0]!.actor, 'bob');
    const before = operationEntries({ ...base, createdAt: '2025-04-01T09:00:00.000Z', finishedAt: '2025-04-01T09:05:00.000Z', status: 'succeeded' }, w);
    assert.deepEqual(before, []);
    const endedInside = operationEntries({ ...base, createdAt: '2025-04-01T09:30:00.000Z', finishedAt: '2025-04-01T09:50:00.000Z', status: 'rolled_back', approvedBy: { subject: 'carol', name: 'Carol' } }, w);
    assert.deepEqual(endedInside.map((e) => [e.at, e.text, e.actor]), [['2025-04-01T09:50:00.000Z', 'c/s: Rollback rolled back', 'approved by Carol']]);
  });

  it('an unknown operation is a 400 naming source.ref', async () => {
    for (const ref of ['not-an-id', '00000000-0000-4000-8000-0000000000ff']) {
      await assert.rejects(resolveSource('operation', ref, noAws), (e) => isAppError(e) && e.code === 'invalid' && /^source\.ref: Codeflow has no operation/.test(e.message));
    }
  });
});
