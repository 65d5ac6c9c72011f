/**
 * Restarting the console keeps the sandbox's world, as restarting a laptop keeps an AWS account:
 * real `codeflow start` processes on one data directory, stopped with SIGTERM and started again.
 * The fleet, a revision deployed in between, the sandbox's port and an incident's timeline (its
 * own events merged with the sandbox's deployments and alarms) survive; `--reset` starts a fresh
 * world and a fresh database and leaves no lock held.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { describeServices, describeTaskDefinition, listTaskDefinitionRevisions, registerTaskDefinition, updateService } from '../lib/aws/ecs';
import { freePort } from '../lib/aws/testing/moto';
import { testClients } from '../lib/aws/testing/fixtures';
import { seedPerson } from '../lib/auth/testing/seed-person';
import { openDb } from '../lib/db/client';
import { migrateUp } from '../lib/db/migrate';
import { queryRows } from '../lib/db/query-rows';
import { sandboxSessionSecret } from '../sandbox/sim/persistence';

const cli = join(import.meta.dirname, 'codeflow.mjs');
const dirs: string[] = [];
const running = new Set<ChildProcess>();
after(async () => {
  for (const child of running) await stop(child);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Console {
  child: ChildProcess;
  url: string;
  sandboxUrl: string;
  output: () => string;
}

async function start(dataDir: string, port: number, extra: string[] = []): Promise<Console> {
  const child = spawn(process.execPath, [cli, 'start', '--port', String(port), ...extra], {
    // Only what a user's shell would hold, and the sandbox mode: no AWS credentials leak in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CODEFLOW_MODE: 'sandbox', CODEFLOW_DATA_DIR: dataDir, LOG_LEVEL: 'warn', CI: 'true' } as unknown as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c));
  child.stderr!.on('data', (c: Buffer) => (output += c));
  const deadline = Date.now() + 600_000;
  while (!/Codeflow is running/.test(output)) {
    if (child.exitCode !== null) throw new Error(`codeflow start exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`codeflow start did not get ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const sandboxUrl = /Sandbox AWS endpoint: (\S+)/.exec(output)?.[1];
  assert.ok(sandboxUrl, output);
  return { child, url: `http://127.0.0.1:${port}`, sandboxUrl, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * A database with one admin, an API token for the console's API and a signed-in browser session
 * (its server-side record, and the cookie signed with the sandbox's stored session secret, which
 * the first start then uses), made before the console opens it.
 */
async function prepareDatabase(dataDir: string): Promise<string> {
  const { token } = await prepareDatabaseAndSession(dataDir);
  return token;
}

async function prepareDatabaseAndSession(dataDir: string): Promise<{ token: string; cookie: string }> {
  const handle = await openDb({ dataDir });
  try {
    await migrateUp(handle.db);
    const { token, sessionCookie } = await seedPerson(handle.db, { issuer: 'https://restart.test', subject: 'rita', name: 'Rita Responder', role: 'admin', roleOverride: 'admin', tokenName: 'restart-test', sessionSecret: sandboxSessionSecret(dataDir) });
    return { token, cookie: sessionCookie! };
  } finally {
    await handle.close();
  }
}

/** Whether a browser holding `cookie` is signed in (GET /api/me answers 200). */
async function signedIn(c: Console, cookie: string): Promise<boolean> {
  const res = await fetch(`${c.url}/api/me`, { headers: { cookie } });
  await res.arrayBuffer();
  return res.status === 200;
}

async function api<T>(c: Console, token: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${c.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: c.url },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** The overview once every cluster has been read (each shows as soon as it is; a restart reads them afresh). */
async function fullFleet(c: Console, token: string): Promise<unknown> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const fleet = await api<{ clusters: { fetchedAt: string | null }[] }>(c, token, '/api/fleet');
    if (fleet.clusters.length > 0 && fleet.clusters.every((cluster) => cluster.fetchedAt !== null)) return fleet;
    if (Date.now() > deadline) throw new Error(`the fleet was not read within 120 s: ${JSON.stringify(fleet.clusters)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface IncidentView {
  incident: { id: string };
  timeline: { at: string; kind: string; text: string }[];
}

describe('codeflow start across restarts', { timeout: 1_500_000 }, () => {
  it('keeps the fleet, a deployed revision, the sandbox port, an incident timeline and who is signed in', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'codeflow-restart-'));
    dirs.push(dataDir);
    const { token, cookie } = await prepareDatabaseAndSession(dataDir);
    const port = await freePort();

    const first = await start(dataDir, port);
    assert.match(first.output(), /Sandbox world: new/);
    assert.ok(await signedIn(first, cookie), 'the browser session is valid');
    const aws = testClients(first.sandboxUrl);
    // A deploy made outside Codeflow (the AWS CLI's way): a new revision and update-service.
    const [svc] = await describeServices(aws, 'codeflow-cluster', ['codeflow-service']);
    const base = await describeTaskDefinition(aws, svc!.taskDefinitionArn);
    const revision = await registerTaskDefinition(aws, { baseTaskDefinitionArn: base.arn, images: { [base.containers[0]!.name]: 'codeflow/api:v7.7.7-restart' } });
    await updateService(aws, { cluster: 'codeflow-cluster', service: 'codeflow-service', taskDefinition: revision.arn });
    const fleetBefore = await fullFleet(first, token);
    const opened = await api<{ incident: { id: string } }>(first, token, '/api/incidents', {
      title: 'Error rate on codeflow-service',
      severity: 'P2',
      services: [{ cluster: 'codeflow-cluster', service: 'codeflow-service' }],
      openedAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
    });
    const before = await api<IncidentView>(first, token, `/api/incidents/${opened.incident.id}`);
    assert.ok(before.timeline.some((e) => e.kind === 'deployment'), 'the timeline holds the sandbox deployments');
    await stop(first.child);
    // 0, or 143 where a wrapper (tsx) reports the SIGTERM it passed on; never a crash.
    assert.ok([0, 143].includes(first.child.exitCode ?? -1), `exit ${first.child.exitCode}: ${first.output()}`);

    const second = await start(dataDir, port);
    try {
      assert.match(second.output(), /Sandbox world: restored/);
      assert.equal(second.sandboxUrl, first.sandboxUrl, 'the sandbox keeps its port: an --endpoint-url still works');
      const aws2 = testClients(second.sandboxUrl);
      const [again] = await describeServices(aws2, 'codeflow-cluster', ['codeflow-service']);
      assert.equal(again!.taskDefinitionArn, revision.arn, 'the deployed revision is still the service’s');
      assert.ok((await listTaskDefinitionRevisions(aws2, base.family)).some((r) => r.arn === revision.arn));
      const names = (fleet: unknown) => JSON.stringify(fleet).match(/"name":"[^"]+"/g)?.sort();
      assert.deepEqual(names(await fullFleet(second, token)), names(fleetBefore), 'the same fleet');
      const afterRestart = await api<IncidentView>(second, token, `/api/incidents/${opened.incident.id}`);
      // Entries up to the restart are all still there (the world lived on, so more may follow).
      const key = (e: { at: string; kind: string; text: string }) => `${e.at} ${e.kind} ${e.text}`;
      const kept = new Set(afterRestart.timeline.map(key));
      const lost = before.timeline.filter((e) => !kept.has(key(e)));
      assert.deepEqual(lost, [], 'no timeline entry is lost');
      assert.ok(await signedIn(second, cookie), 'the person stays signed in across the restart');
    } finally {
      await stop(second.child);
    }
  });

  it('--reset says what it deletes, then starts a fresh world and database with no lock held', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'codeflow-reset-'));
    dirs.push(dataDir);
    const { cookie } = await prepareDatabaseAndSession(dataDir);
    const port = await freePort();
    const first = await start(dataDir, port);
    assert.ok(await signedIn(first, cookie));
    await stop(first.child);
    const worldBefore = JSON.parse(readFileSync(join(dataDir, 'sandbox', 'sandbox.json'), 'utf8')) as { worldId: string; port: number };
    // An operation left verifying, holding its service's lock, as a console stopped mid-rollout leaves it.
    const handle = await openDb({ dataDir });
    await handle.db.execute(sql`insert into operations (id, kind, cluster, service, environment, status, request, plan, fingerprint, reason, requested_by_issuer, requested_by_subject, requested_by_name, fencing_token)
      values ('00000000-0000-4000-8000-000000000001', 'deploy', 'codeflow-cluster', 'codeflow-service', 'production', 'verifying', '{}'::jsonb, '{}'::jsonb, 'f', 'ship it', 'sandbox', 'olga', 'Olga Operator', 1)`);
    await handle.db.execute(sql`insert into service_locks (cluster, service, operation_id, holder_subject, holder_name, acquired_at, expires_at, fencing_token)
      values ('codeflow-cluster', 'codeflow-service', '00000000-0000-4000-8000-000000000001', 'olga', 'Olga Operator', now(), now() + interval '1 day', 1)`);
    await handle.close();

    const second = await start(dataDir, port, ['--reset', '--yes']);
    try {
      const out = second.output();
      assert.match(out, /--reset deletes:/);
      assert.match(out, new RegExp(`${join(dataDir, 'db').replace(/[/\\]/g, '.')}\\s+the embedded database`));
      assert.match(out, /world\.json\.gz and worlds\/\s+the sandbox's worlds, every account and Region/);
      assert.match(out, /Sandbox world: new/);
      assert.equal(second.sandboxUrl, `http://127.0.0.1:${worldBefore.port}`, 'the port is kept');
      assert.equal(await signedIn(second, cookie), false, 'a reset signs everyone out');
    } finally {
      await stop(second.child);
    }
    const worldAfter = JSON.parse(readFileSync(join(dataDir, 'sandbox', 'sandbox.json'), 'utf8')) as { worldId: string };
    assert.notEqual(worldAfter.worldId, worldBefore.worldId, 'a fresh world');
    assert.ok(existsSync(join(dataDir, 'db')));
    const fresh = await openDb({ dataDir });
    try {
      const ops = await queryRows<{ n: number }>(fresh.db, sql`select count(*)::int as n from operations`);
      assert.equal(ops[0]!.n, 0, 'a fresh database');
      const held = await queryRows<{ n: number }>(fresh.db, sql`select count(*)::int as n from service_locks where operation_id is not null`);
      assert.equal(held[0]!.n, 0, 'no lock is held');
      const tokens = await queryRows<{ n: number }>(fresh.db, sql`select count(*)::int as n from api_tokens`);
      assert.equal(tokens[0]!.n, 0);
      const [setting] = await queryRows<{ value: { id: string } }>(fresh.db, sql`select value from settings where key = 'sandbox.world'`);
      assert.equal(setting!.value.id, worldAfter.worldId, 'the database recorded the new world');
    } finally {
      await fresh.close();
    }
  });

  it('fails the operations of a world reset under a kept database and releases their locks', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'codeflow-world-reset-'));
    dirs.push(dataDir);
    await prepareDatabase(dataDir);
    const port = await freePort();
    await stop((await start(dataDir, port)).child);
    const handle = await openDb({ dataDir });
    await handle.db.execute(sql`insert into operations (id, kind, cluster, service, environment, status, request, plan, fingerprint, reason, requested_by_issuer, requested_by_subject, requested_by_name, fencing_token)
      values ('00000000-0000-4000-8000-000000000002', 'deploy', 'codeflow-cluster', 'codeflow-service', 'production', 'verifying', '{}'::jsonb, '{}'::jsonb, 'f', 'ship it', 'sandbox', 'olga', 'Olga Operator', 1)`);
    await handle.db.execute(sql`insert into service_locks (cluster, service, operation_id, holder_subject, holder_name, acquired_at, expires_at, fencing_token)
      values ('codeflow-cluster', 'codeflow-service', '00000000-0000-4000-8000-000000000002', 'olga', 'Olga Operator', now(), now() + interval '1 day', 1)`);
    await handle.close();
    // The world goes (as `codeflow sandbox --reset` with PostgreSQL, or a deleted .codeflow/sandbox, leave it); the database stays.
    rmSync(join(dataDir, 'sandbox', 'world.json.gz'));
    await stop((await start(dataDir, port)).child);
    const db = await openDb({ dataDir });
    try {
      const [op] = await queryRows<{ status: string; error: string }>(db.db, sql`select status, error from operations where id = '00000000-0000-4000-8000-000000000002'`);
      assert.equal(op!.status, 'failed');
      assert.match(op!.error, /the sandbox world was reset/);
      const held = await queryRows<{ n: number }>(db.db, sql`select count(*)::int as n from service_locks where operation_id is not null`);
      assert.equal(held[0]!.n, 0, 'no lock is held');
    } finally {
      await db.close();
    }
  });
});
