/**
 * Observability figures, measured in a real Chromium against `codeflow start` on the sandbox:
 *
 * - AWS calls per service page load, from the sandbox's call counter (`/_sandbox/calls`): the
 *   charts' GetMetricData calls against the goal ceil(series/500), and every other call the page makes.
 * - The overview's telemetry round on a large fleet: GetMetricData calls per cluster against
 *   ceil(queries/500) (latest CPU, memory, requests, 5xx, p95 and target counts of every service).
 * - Live-tail latency: a line written into /ecs/codeflow with PutLogEvents until it is on screen
 *   in the Logs page's live tail. Goal ≤ 2 s.
 *
 *   npm run bench:telemetry        (FLEET_SIZE=600 TAIL_SAMPLES=10 to change)
 * `npm run bench:observability` runs this and the first-load JS bench (`bench:js`) in turn.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { freePort } from '../lib/aws/testing/moto';

const FLEET_SIZE = Number(process.env.FLEET_SIZE ?? 600);
const TAIL_SAMPLES = Number(process.env.TAIL_SAMPLES ?? 10);
const MAX_QUERIES = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ratio = (value: number, goal: number) => `${value} vs goal ${goal} (ratio ${(value / goal).toFixed(2)})`;

async function main() {
  const port = await freePort();
  const sandboxPort = await freePort();
  const base = `http://localhost:${port}`;
  const sandbox = `http://127.0.0.1:${sandboxPort}`;
  const server = spawn(process.execPath, ['cli/codeflow.mjs', 'start'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORT: String(port), SANDBOX_PORT: String(sandboxPort), CODEFLOW_MODE: 'sandbox', CODEFLOW_DATA_DIR: mkdtempSync(join(tmpdir(), 'codeflow-bench-')) },
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const admin = async (path: string, method = 'GET', body?: unknown) => {
    const res = await fetch(`${sandbox}/_sandbox/${path}`, { method, headers: body === undefined ? undefined : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  const calls = async () => (await admin('calls')).calls as Record<string, number>;
  const resetCalls = () => admin('calls', 'DELETE');

  try {
    for (let i = 0; i < 600; i++) {
      if (await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)) break;
      await sleep(500);
    }
    await admin('reset', 'POST', { seed: 42, fleetSize: FLEET_SIZE, speed: 1 });

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/signin`);
    await page.getByTestId('signin-button').click();
    await page.getByTestId('sandbox-user-responder').click();
    await page.getByTestId('current-user').waitFor();

    // 1. The overview's telemetry round, cold, on a large fleet.
    await resetCalls();
    const overview = (await (await page.request.get(`${base}/api/fleet`)).json()) as { services: { cluster: string; targetGroupArns: string[]; telemetry?: { metrics: unknown } }[] };
    await sleep(500);
    const cold = await calls();
    const perCluster = new Map<string, number>();
    for (const s of overview.services) perCluster.set(s.cluster, (perCluster.get(s.cluster) ?? 0) + 2 + 5 * s.targetGroupArns.length);
    const goalOverview = [...perCluster.values()].reduce((n, q) => n + Math.ceil(q / MAX_QUERIES), 0);
    const withMetrics = overview.services.filter((s) => s.telemetry?.metrics).length;
    console.log(`overview, ${overview.services.length} services in ${perCluster.size} clusters (${[...perCluster].map(([c, q]) => `${c}: ${q} queries`).join(', ')}):`);
    console.log(`  GetMetricData per telemetry round: ${ratio(cold['monitoring:GetMetricData'] ?? 0, goalOverview)} = Σ ceil(queries/500); ${withMetrics} services with metrics`);
    console.log(`  DescribeTargetHealth: ${cold['elasticloadbalancing:DescribeTargetHealth'] ?? 0} (target health comes from HealthyHostCount/UnHealthyHostCount)`);
    console.log(`  all calls, cold: ${JSON.stringify(cold)}`);

    // 2. Service page loads: the overview's telemetry is warm (shared cache), each range is a cache miss for the charts.
    console.log('\nservice page loads (codeflow-cluster/codeflow-service):');
    for (const range of ['1h', '3h', '12h', '24h', '7d']) {
      await resetCalls();
      await page.goto(`${base}/services/codeflow-cluster/codeflow-service?range=${range}`);
      await page.locator('[data-testid="metrics-chart"][data-metric="latency"]').waitFor();
      await sleep(500);
      const seen = await calls();
      const metrics = (await (await page.request.get(`${base}/api/metrics/services/codeflow-cluster/codeflow-service?range=${range}`)).json()) as { queryCount: number; callCount: number };
      const series = metrics.queryCount;
      const other = Object.entries(seen).filter(([op]) => op !== 'monitoring:GetMetricData').map(([op, n]) => `${op.split(':')[1]} ${n}`).join(', ');
      console.log(`  ${range.padEnd(3)} GetMetricData ${ratio(seen['monitoring:GetMetricData'] ?? 0, Math.ceil(series / MAX_QUERIES))} for ${series} series; other calls: ${other}`);
    }

    // 3. Live tail: PutLogEvents into /ecs/codeflow → the line on screen.
    await page.goto(`${base}/logs?group=${encodeURIComponent('/ecs/codeflow')}`);
    await page.getByTestId('tail-status').filter({ hasText: /live/i }).waitFor();
    const stream = `bench/tail/${Date.now()}`;
    await logsCall(sandbox, 'CreateLogStream', { logGroupName: '/ecs/codeflow', logStreamName: stream });
    let sequence = 0;
    const latencies: number[] = [];
    for (let i = 0; i < TAIL_SAMPLES; i++) {
      // Land at a random point of the tail's poll cycle.
      await sleep(300 + Math.random() * 1000);
      const marker = `bench-tail-${i}-${Math.random().toString(36).slice(2)}`;
      const state = await admin('state');
      const started = performance.now();
      await logsCall(sandbox, 'PutLogEvents', { logGroupName: '/ecs/codeflow', logStreamName: stream, logEvents: [{ timestamp: Date.parse(state.now), message: `{"level":"info","msg":"${marker}"}` }] });
      await waitForLine(page, marker);
      latencies.push(performance.now() - started);
      sequence++;
    }
    console.log(`\nlive tail, ${sequence} lines written with PutLogEvents until visible in Chromium:`);
    console.log(`  p50 ${(percentile(latencies, 50) / 1000).toFixed(2)} s, p95 ${(percentile(latencies, 95) / 1000).toFixed(2)} s, max ${(Math.max(...latencies) / 1000).toFixed(2)} s; goal ≤ 2 s: ${Math.max(...latencies) <= 2000 ? 'met' : 'MISSED'} (max/goal ${(Math.max(...latencies) / 2000).toFixed(2)})`);
    await context.close();
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
}

/** A CloudWatch Logs call in its wire format (awsJson 1.1), as the SDK sends it. */
async function logsCall(sandbox: string, operation: string, body: unknown): Promise<void> {
  const res = await fetch(sandbox, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `Logs_20140328.${operation}`,
      authorization: 'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=x',
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${operation}: ${res.status} ${await res.text()}`);
}

async function waitForLine(page: Page, marker: string): Promise<void> {
  await page.waitForFunction((m) => [...document.querySelectorAll('[data-testid="log-line"]')].some((el) => el.textContent?.includes(m)), marker, { polling: 'raf', timeout: 15_000 });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
