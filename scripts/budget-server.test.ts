/**
 * The AWS quota budget as the production server applies it, not only as lib/aws does in one module
 * graph: Next evaluates lib/aws once per route bundle, and a budget kept per copy once left every
 * call made through another copy unbudgeted (30–60 calls/s where the budget allowed 5). The
 * standalone server (`node server.js`, as the image runs it) reads a sandbox fleet with AWS's
 * throttle buckets counted; viewers poll the overview, hold its event stream and open service pages;
 * AWS's per-second peak of ECS service reads must stay within what Codeflow's share allows.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildIfNeeded, resolveNextBin, STANDALONE_DIR } from '../cli/build';
import { seedPerson } from '../lib/auth/testing/seed-person';
import { THROTTLE_BUCKETS } from '../lib/aws/throttle-buckets';
import { freePort } from '../lib/aws/testing/moto';
import { openDb } from '../lib/db/client';
import { migrateUp } from '../lib/db/migrate';
import { startSandbox, type RunningSandbox } from '../sandbox/server';

const root = join(import.meta.dirname, '..');
const BUDGET_PCT = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function viewerToken(dataDir: string): Promise<string> {
  const handle = await openDb({ dataDir });
  try {
    await migrateUp(handle.db);
    return (await seedPerson(handle.db, { issuer: 'https://budget.test', subject: 'vic', name: 'Vic Viewer', role: 'viewer', tokenName: 'budget-test' })).token;
  } finally {
    await handle.close();
  }
}

describe('the AWS budget in the production server', { timeout: 600_000 }, () => {
  let sandbox: RunningSandbox;
  let server: ChildProcess;
  let base = '';
  let token = '';
  let output = '';

  before(async () => {
    buildIfNeeded(root, resolveNextBin());
    sandbox = await startSandbox({ port: await freePort(), seed: 42, speed: 0, fleetSize: 600, throttleBuckets: true });
    const dataDir = mkdtempSync(join(tmpdir(), 'codeflow-budget-'));
    token = await viewerToken(dataDir);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['server.js'], {
      cwd: join(root, STANDALONE_DIR),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        HOSTNAME: '127.0.0.1',
        CODEFLOW_DATA_DIR: dataDir,
        NEXTAUTH_SECRET: 'budget-test-secret-0123456789abcdefghijklmnop',
        NEXTAUTH_URL: base,
        LOG_LEVEL: 'warn',
        AWS_ENDPOINT_URL: sandbox.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'budget',
        AWS_SECRET_ACCESS_KEY: 'budget',
        CODEFLOW_SANDBOX: '1',
        CODEFLOW_STARTUP_CHECKED: '1',
        // A refresh every second if the budget allowed it: only the budget keeps the calls down.
        CODEFLOW_FLEET_TTL_MS: '1000',
        CODEFLOW_AWS_BUDGET_PCT: String(BUDGET_PCT),
        NEXT_TELEMETRY_DISABLED: '1',
      } as unknown as NodeJS.ProcessEnv,
    });
    server.stdout!.on('data', (c: Buffer) => (output += c));
    server.stderr!.on('data', (c: Buffer) => (output += c));
    for (let i = 0; ; i++) {
      if (server.exitCode !== null) throw new Error(`the server exited:\n${output}`);
      if (await fetch(`${base}/api/health`).then((r) => r.status === 200 || r.status === 503, () => false)) break;
      if (i > 600) throw new Error(`the server did not answer:\n${output}`);
      await sleep(100);
    }
  });

  after(async () => {
    server?.kill('SIGTERM');
    await sandbox?.close();
  });

  it('keeps ECS service reads within its share of AWS’s bucket while viewers poll, stream and open service pages', async () => {
    const auth = { authorization: `Bearer ${token}` };
    await fetch(`${sandbox.url}/_sandbox/throttling`, { method: 'DELETE' });
    const started = Date.now();
    // Viewers through three route bundles: the overview API, its event stream, a service's page API.
    const stream = await fetch(`${base}/api/fleet/events`, { headers: auth });
    const reader = stream.body!.getReader();
    void (async () => {
      while (!(await reader.read().catch(() => ({ done: true }))).done);
    })();
    while (Date.now() - started < 15_000) {
      await Promise.all([
        fetch(`${base}/api/fleet`, { headers: auth }).then((r) => r.arrayBuffer()),
        fetch(`${base}/api/services/codeflow-cluster/codeflow-service`, { headers: auth }).then((r) => r.arrayBuffer()),
      ]);
      await sleep(250);
    }
    await reader.cancel().catch(() => undefined);
    const seconds = (Date.now() - started) / 1000;
    const { buckets } = (await (await fetch(`${sandbox.url}/_sandbox/throttling`)).json()) as { buckets: { bucket: string; calls: number; peakPerSecond: number; throttled: number }[] };
    const serviceReads = buckets.find((b) => b.bucket === 'ecs.service-read');
    assert.ok(serviceReads && serviceReads.calls > 0, `the fleet was read: ${JSON.stringify(buckets)}`);
    const aws = THROTTLE_BUCKETS['ecs.service-read'];
    const share = BUDGET_PCT / 100;
    // A token bucket allows its burst plus the refill of the time elapsed (one more for a window straddling a refill).
    const mostInOneSecond = Math.floor(aws.capacity * share + aws.refillPerSecond * share) + 1;
    const mostInTotal = Math.ceil(aws.capacity * share + aws.refillPerSecond * share * (seconds + 2));
    assert.ok(serviceReads.peakPerSecond <= mostInOneSecond, `peak ${serviceReads.peakPerSecond} service reads in one second; the ${BUDGET_PCT} % budget allows ${mostInOneSecond}`);
    assert.ok(serviceReads.calls <= mostInTotal, `${serviceReads.calls} service reads in ${seconds.toFixed(0)} s; the budget allows ${mostInTotal}`);
    assert.equal(serviceReads.throttled, 0);
  });
});
