/**
 * Crash safety, proven by really killing the process running an operation (SIGKILL, no cleanup)
 * at each point (RegisterTaskDefinition, UpdateService, a blue/green ModifyListener, verify), with latency injected through the sandbox's fault API so the kill lands while
 * the AWS call is unanswered. Another process (this one, as a restarted or second replica) then
 * runs the operations runner: within a minute the operation is reconciled from AWS state, every
 * audit intent has its outcome, and the lock is held only by a live operation. On PGlite (the
 * killed process's data directory is reopened) and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, beforeEach, it } from 'node:test';
import { resolve } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { describeServices } from '../aws/ecs';
import { describeListeners, describeTargetGroups } from '../aws/elbv2';
import { testClients } from '../aws/testing/fixtures';
import { openDb, type Db } from '../db/client';
import { auditLog, operations } from '../db/schema';
import { describeTargets } from '../db/test-targets';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import type { OpsContext } from './context';
import { lockHolder } from './lock';
import { forceReleaseLock } from './locks-admin';
import { OpsRunner } from './runner';
import { planOperation } from './plan';
import { getOperation, loadRow, type OperationRow } from './store';
import type { BlueGreenExecution } from './bluegreen';
import { CRASH_EXECUTION_TIMING, crashPolicy, enrollUsers, sandboxClock, testUser, TEST_PLACE } from './testing/harness';
import type { PlanRequest } from './types';

const CHILD = resolve(import.meta.dirname, 'testing/crash-child.ts');

describeTargets('lib/ops crash safety (kill -9)', (target) => {
  let running: RunningSandbox;
  before(async () => {
    running = await startSandbox({ seed: 42, speed: 0 });
  });
  /** The surviving process's own PGlite handles: the suite target closes only what it opened itself. */
  const reopened: { close(): Promise<void> }[] = [];
  after(async () => {
    for (const handle of reopened) await handle.close().catch(() => {});
    await running.close();
  });
  beforeEach(() => {
    running.sandbox.reset({ seed: 42, speed: 0 });
  });

  const calls = async () => ((await (await fetch(`${running.url}/_sandbox/calls`)).json()) as { calls: Record<string, number> }).calls;
  const faults = (rules: unknown[]) => fetch(`${running.url}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules }) });

  /**
   * Runs one operation in a child process and kills it (SIGKILL) once `killWhen` holds for the
   * sandbox's call counter or the child's output; returns the context of the process that survives.
   */
  async function killMidOperation(op: { cluster: string; service: string; request: PlanRequest }, killWhen: (c: Record<string, number>, output: string) => boolean | Promise<boolean>, env: Record<string, string> = {}): Promise<{ ctx: OpsContext; killedAt: number }> {
    const testDb = await target.fresh({ migrated: true, maxConnections: 5 });
    await enrollUsers(testDb.db, [testUser('alice')]);
    const dbEnv = testDb.url ? { CRASH_DB_URL: testDb.url } : { CRASH_DATA_DIR: testDb.dataDir! };
    // PGlite is one process: this one lets go of the data directory while the child has it.
    if (!testDb.url) await testDb.close();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, ...dbEnv, ...env, CRASH_SANDBOX_URL: running.url, CRASH_OPERATION: JSON.stringify(op) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    const deadline = Date.now() + 180_000;
    while (!(await killWhen(await calls(), output))) {
      if (child.exitCode !== null) throw new Error(`the child exited before the kill point:\n${output}`);
      if (Date.now() > deadline) throw new Error(`the kill point never came:\n${output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    let db: Db = testDb.db;
    if (!testDb.url) {
      const handle = await openDb({ dataDir: testDb.dataDir! });
      reopened.push(handle);
      db = handle.db;
    }
    return { ctx: { db, aws: testClients(running.url), policy: crashPolicy(env), awsNow: sandboxClock(running.url), execution: CRASH_EXECUTION_TIMING }, killedAt };
  }

  /** The surviving process's runner, ticking as it does in a server, until the operation leaves `from`. */
  async function runnerUntilNot(ctx: OpsContext, from: string[], limitMs = 75_000) {
    const runner = new OpsRunner(ctx);
    const [row] = await ctx.db.select({ id: operations.id }).from(operations);
    assert.ok(row, 'the killed process had recorded the operation');
    const started = Date.now();
    for (;;) {
      await runner.tick();
      const op = await getOperation(ctx.db, row.id);
      if (!from.includes(op.status) || Date.now() - started > limitMs) return op;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async function danglingIntents(db: Db): Promise<number> {
    const rows = await db.execute(sql`select count(*)::int as n from audit_log i where i.outcome = 'intent' and not exists (select 1 from audit_log o where o.intent_seq = i.seq)`);
    return Number((rows as unknown as { rows: { n: number }[] }).rows?.[0]?.n ?? (rows as unknown as { n: number }[])[0]?.n);
  }

  it('killed during an unanswered UpdateService (it lands): reconciled to verifying within a minute, the intent completed, then verified to the end', async () => {
    await faults([{ service: 'ecs', operation: 'UpdateService', latencyMs: 4000 }]);
    const { ctx, killedAt } = await killMidOperation({ cluster: 'codeflow-staging', service: 'checkout-api', request: { kind: 'scale', desiredCount: 3 } }, (c) => (c['ecs:UpdateService'] ?? 0) >= 1);
    await faults([]);
    const op = await runnerUntilNot(ctx, ['executing', 'outcome_unknown']);
    assert.equal(op.status, 'verifying', op.error ?? '');
    assert.ok(Date.now() - killedAt < 60_000, `reconciled ${Math.round((Date.now() - killedAt) / 1000)} s after the kill`);
    assert.match(op.steps.find((s) => s.name === 'execute')!.detail ?? '', /reconciled from AWS state/);
    assert.equal(await danglingIntents(ctx.db), 0, 'every audit intent has its outcome');
    const [outcome] = await ctx.db.select().from(auditLog).where(eq(auditLog.actorName, 'system: operation runner'));
    assert.ok(outcome, 'the runner signs what it reconciled');
    assert.equal((await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-staging', service: 'checkout-api' }))?.operationId, op.id, 'the live operation holds the lock');
    assert.equal((await calls())['ecs:UpdateService'], 1, 'reconciled, not re-sent');

    const runner = new OpsRunner(ctx);
    for (let i = 0; i < 60 && (await getOperation(ctx.db, op.id)).status === 'verifying'; i++) {
      await fetch(`${running.url}/_sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 15 }) });
      await runner.tick();
    }
    const done = await getOperation(ctx.db, op.id);
    assert.equal(done.status, 'succeeded', done.error ?? '');
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-staging', service: 'checkout-api' }), null);
    const [service] = await describeServices(ctx.aws, 'codeflow-staging', ['checkout-api']);
    assert.equal(service!.desiredCount, 3);
  });

  it('killed during RegisterTaskDefinition, before any UpdateService: failed with its reason within a minute, the intent completed, the lock free', async () => {
    await faults([{ service: 'ecs', operation: 'RegisterTaskDefinition', latencyMs: 4000 }]);
    const { ctx, killedAt } = await killMidOperation({ cluster: 'codeflow-staging', service: 'checkout-api', request: { kind: 'deploy', image: 'v1.5.0' } }, (c) => (c['ecs:RegisterTaskDefinition'] ?? 0) >= 1);
    await faults([]);
    const op = await runnerUntilNot(ctx, ['executing', 'outcome_unknown']);
    assert.equal(op.status, 'failed');
    assert.match(op.error ?? '', /AWS never confirmed RegisterTaskDefinition and the service does not show it/);
    assert.ok(Date.now() - killedAt < 60_000, `reconciled ${Math.round((Date.now() - killedAt) / 1000)} s after the kill`);
    assert.equal(await danglingIntents(ctx.db), 0);
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-staging', service: 'checkout-api' }), null);
    assert.equal((await calls())['ecs:UpdateService'] ?? 0, 0);
    const [service] = await describeServices(ctx.aws, 'codeflow-staging', ['checkout-api']);
    assert.equal(service!.taskDefinitionArn, op.plan.basis.taskDefinitionArn);
  });

  it('an alarms operation killed during its third unanswered PutMetricAlarm: nothing re-sent, failed naming the alarms CloudWatch lacks, the lock free, and a new plan lists only what is left', async () => {
    await faults([{ service: 'monitoring', operation: 'PutMetricAlarm', latencyMs: 1500 }]);
    const { ctx } = await killMidOperation({ cluster: 'codeflow-cluster', service: 'codeflow-service', request: { kind: 'alarms', alarms: { recommended: true } } }, (c) => (c['monitoring:PutMetricAlarm'] ?? 0) >= 3);
    await faults([]);
    const [row] = await ctx.db.select().from(operations);
    assert.equal(row!.execution.pendingCall?.action, 'PutMetricAlarm', 'the killed process wrote the call down before sending it');
    assert.deepEqual(row!.execution.alarmCallsDone, ['put:codeflow-cluster-codeflow-service-HighCPU', 'put:codeflow-cluster-codeflow-service-HighMemory'], 'and the calls already answered');
    const op = await runnerUntilNot(ctx, ['executing', 'outcome_unknown']);
    assert.equal(op.status, 'failed');
    assert.match(op.error ?? '', /AWS never confirmed PutMetricAlarm, and CloudWatch does not show all of it \(codeflow-cluster-codeflow-service-5xxRate does not exist; .*\); nothing was retried/);
    assert.equal((await calls())['monitoring:PutMetricAlarm'], 3, 'nothing re-sent');
    assert.equal(await danglingIntents(ctx.db), 0, 'every audit intent has its outcome');
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-cluster', service: 'codeflow-service' }), null);
    const again = await planOperation(ctx, 'codeflow-cluster', 'codeflow-service', { kind: 'alarms', alarms: { recommended: true } }, { role: 'operator' });
    assert.deepEqual(
      again.alarms!.items.map((i) => i.action),
      ['unchanged', 'unchanged', 'unchanged', 'create', 'create', 'create'],
      'the three that landed (the third answered after the kill) are already as asked',
    );
  });

  const advance = (seconds: number) => fetch(`${running.url}/_sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds }) });

  /** codeflow-alb :443's traffic: the group it forwards all traffic to, by name. */
  async function liveGroup(ctx: OpsContext): Promise<string | null> {
    const groups = await describeTargetGroups(ctx.aws, {});
    const blue = groups.find((g) => g.name === 'codeflow-blue')!;
    const listener = (await describeListeners(ctx.aws, blue.loadBalancerArns[0]!)).find((l) => l.port === 443)!;
    const live = listener.forwards.filter((f) => f.weight > 0);
    return live.length === 1 ? (groups.find((g) => g.arn === live[0]!.targetGroupArn)?.name ?? null) : null;
  }

  /**
   * A blue/green (listener switch) deploy of production codeflow-service, killed while its
   * ModifyListener is unanswered: the child keeps verifying, the sandbox clock is moved on until
   * the new tasks are healthy in green and the child sends ModifyListener, which the injected
   * latency holds; then SIGKILL.
   */
  async function killDuringModifyListener(rule: Record<string, unknown>) {
    await faults([{ service: 'elasticloadbalancing', operation: 'ModifyListener', latencyMs: 4000, ...rule }]);
    const killed = await killMidOperation(
      { cluster: 'codeflow-cluster', service: 'codeflow-service', request: { kind: 'deploy', image: 'v1.5.0', trafficSwitch: true } },
      async (c, out) => {
        if ((c['elasticloadbalancing:ModifyListener'] ?? 0) >= 1) return true;
        if (out.includes('STEPPED')) await advance(5);
        return false;
      },
      { CRASH_KEEP_VERIFYING: '1', CRASH_NO_APPROVAL: '1' },
    );
    await faults([]);
    const [row] = await killed.ctx.db.select().from(operations);
    assert.equal(row!.status, 'verifying');
    assert.equal(row!.execution.pendingCall?.action, 'ModifyListener', 'the killed process wrote the call down before sending it');
    assert.equal(await danglingIntents(killed.ctx.db), 1, 'the ModifyListener intent has no outcome yet');
    return { ...killed, id: row!.id };
  }

  /** The surviving process's runner (clock moving on) until `done` holds or the limit passes. */
  async function runnerUntil(ctx: OpsContext, id: string, done: (op: OperationRow) => boolean, opts: { advanceSeconds?: number; limitMs?: number } = {}) {
    const runner = new OpsRunner(ctx);
    const started = Date.now();
    for (;;) {
      await runner.tick();
      const op = await loadRow(ctx.db, id);
      if (done(op) || Date.now() - started > (opts.limitMs ?? 75_000)) return op;
      if (opts.advanceSeconds) await advance(opts.advanceSeconds);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  it('killed during an unanswered ModifyListener of a blue/green deploy (it lands): reconciled to stage 2 within a minute, the intent completed, nothing re-sent, then verified to the end', async () => {
    const { ctx, killedAt, id } = await killDuringModifyListener({});
    const phase = (op: OperationRow) => (op.execution as BlueGreenExecution).bg?.phase;
    // Within the call's deadline the write may still be in flight in a live process: left alone.
    await new OpsRunner(ctx).tick();
    const untouched = await loadRow(ctx.db, id);
    assert.equal(untouched.execution.pendingCall?.action, 'ModifyListener');
    assert.equal(phase(untouched), 'deploying');
    const op = await runnerUntil(ctx, id, (o) => o.status !== 'verifying' || !o.execution.pendingCall);
    assert.equal(op.status, 'verifying', op.error ?? '');
    assert.equal(phase(op), 'switched', `stage 2 after the reconcile; ${JSON.stringify(op.steps.find((s) => s.name === 'verify'))}`);
    assert.equal(op.execution.pendingCall, undefined);
    assert.ok(Date.now() - killedAt < 60_000, `reconciled ${Math.round((Date.now() - killedAt) / 1000)} s after the kill`);
    assert.match(op.steps.find((s) => s.name === 'verify')!.detail ?? '', /reconciled from AWS state/);
    assert.equal(await danglingIntents(ctx.db), 0, 'every audit intent has its outcome');
    const [outcome] = await ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'ops.deploy.modify-listener'), eq(auditLog.outcome, 'success')));
    assert.equal(outcome?.actorName, 'system: operation runner');
    assert.equal((await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-cluster', service: 'codeflow-service' }))?.operationId, id, 'the live operation holds the lock');
    assert.equal(await liveGroup(ctx), 'codeflow-green');
    assert.equal((await calls())['elasticloadbalancing:ModifyListener'], 1, 'reconciled, not re-sent');

    const done = await runnerUntil(ctx, id, (o) => o.status !== 'verifying', { advanceSeconds: 15, limitMs: 120_000 });
    assert.equal(done.status, 'succeeded', done.error ?? '');
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-cluster', service: 'codeflow-service' }), null);
    assert.equal(await liveGroup(ctx), 'codeflow-green');
  });

  it('killed during an unanswered ModifyListener that never lands: failed with its reason, the old revision restored in blue, the intent completed, the lock free', async () => {
    const { ctx, killedAt, id } = await killDuringModifyListener({ errorRate: 1 });
    const reconciled = await runnerUntil(ctx, id, (o) => o.status !== 'verifying' || /never confirmed/.test(o.error ?? ''));
    assert.ok(Date.now() - killedAt < 60_000, `reconciled ${Math.round((Date.now() - killedAt) / 1000)} s after the kill`);
    assert.match(reconciled.error ?? '', /ModifyListener to codeflow-green was never confirmed .* nothing was retried/);
    assert.equal(await danglingIntents(ctx.db), 0, 'the intent got its outcome');
    const [failure] = await ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'ops.deploy.modify-listener'), eq(auditLog.outcome, 'failure')));
    assert.ok(failure, 'the intent is completed as a failure');
    assert.equal(await liveGroup(ctx), 'codeflow-blue', 'traffic never left blue');

    const op = await runnerUntil(ctx, id, (o) => o.status !== 'verifying', { advanceSeconds: 15, limitMs: 120_000 });
    assert.equal(op.status, 'failed');
    assert.match(op.error ?? '', /never confirmed/);
    assert.match(op.error ?? '', /Restored: codeflow:1 runs in codeflow-blue/);
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-cluster', service: 'codeflow-service' }), null);
    assert.equal((await calls())['elasticloadbalancing:ModifyListener'], 1, 'never re-sent');
    const [service] = await describeServices(ctx.aws, 'codeflow-cluster', ['codeflow-service']);
    assert.equal(service!.taskDefinitionArn, op.plan.basis.taskDefinitionArn);
    assert.equal(await danglingIntents(ctx.db), 0);
  });

  it('killed during verify: another process takes the lock over and finishes; an admin can force-release a stuck lock, audited', async () => {
    const { ctx } = await killMidOperation({ cluster: 'codeflow-staging', service: 'checkout-api', request: { kind: 'scale', desiredCount: 3 } }, (_c, out) => out.includes('STEPPED'), { CRASH_KEEP_VERIFYING: '1' });
    const [row] = await ctx.db.select().from(operations);
    assert.equal(row!.status, 'verifying');
    const runner = new OpsRunner(ctx);
    for (let i = 0; i < 60 && (await getOperation(ctx.db, row!.id)).status === 'verifying'; i++) {
      await fetch(`${running.url}/_sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 15 }) });
      await runner.tick();
    }
    assert.equal((await getOperation(ctx.db, row!.id)).status, 'succeeded');
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-staging', service: 'checkout-api' }), null);
    assert.equal(await danglingIntents(ctx.db), 0);

    // A lock whose operation is stuck (here: one made to look so) is released by an admin with a reason.
    await ctx.db.execute(sql`update service_locks set operation_id = ${row!.id}, holder_subject = 'alice', acquired_at = now(), expires_at = now() + interval '1 hour' where cluster = 'codeflow-staging' and service = 'checkout-api'`);
    await ctx.db.update(operations).set({ status: 'outcome_unknown', finishedAt: null }).where(eq(operations.id, row!.id));
    await assert.rejects(forceReleaseLock(ctx.db, testUser('bob'), { ...TEST_PLACE, cluster: 'codeflow-staging', service: 'checkout-api', reason: 'stuck' }), /admin/);
    const released = await forceReleaseLock(ctx.db, testUser('root', 'admin'), { ...TEST_PLACE, cluster: 'codeflow-staging', service: 'checkout-api', reason: 'stuck since the outage' });
    assert.equal(released.operationId, row!.id);
    assert.equal(await lockHolder(ctx.db, { ...TEST_PLACE, cluster: 'codeflow-staging', service: 'checkout-api' }), null);
    const op = await getOperation(ctx.db, row!.id);
    assert.equal(op.status, 'failed');
    assert.match(op.error ?? '', /force-released by Root: stuck since the outage/);
    const [audit] = await ctx.db.select().from(auditLog).where(eq(auditLog.action, 'ops.lock.force-release'));
    assert.equal(audit?.actorRole, 'admin');
    assert.equal(audit?.reason, 'stuck since the outage');
  });
});
