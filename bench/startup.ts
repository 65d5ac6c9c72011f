/**
 * How long `npm start` takes to a usable console: a signed-in overview with the fleet on screen,
 * in a real Chromium, signed in through the sandbox's OIDC issuer as a viewer.
 *
 *   cold: from a clean copy — .next and the data directory removed — so it builds the console,
 *         creates the sandbox's world and the database;
 *   warm: the same again once the first has stopped: nothing to build, the world restored.
 *
 * Prints, per run, the phases `codeflow start` reports (build, sandbox, server, warm-up), the time
 * to /api/health, to "Codeflow is running", and to the signed-in overview; and the CPU seconds the
 * start used (all its processes), a figure that does not grow when other programs share the CPU
 * the way wall time does. The load average is printed too: on a busy machine read the ratios.
 *
 *   npm run bench:startup            (cold then warm; --warm-only keeps .next and runs warm twice)
 *
 * It deletes this checkout's .next (the cold run), so the next `npm start` or `npm test` builds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { freePort } from '../lib/aws/testing/moto';

const root = join(import.meta.dirname, '..');
const TICK = 100; // USER_HZ on Linux

interface Run {
  name: string;
  phases: Record<string, number>;
  healthMs: number;
  readyMs: number;
  overviewMs: number;
  cpuSeconds: number;
  load: string;
}

/** utime+stime of a process and everything it waited for (cutime+cstime), plus its live descendants. */
function treeCpuSeconds(pid: number): number {
  const children = new Map<number, number[]>();
  const stats = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      stats.set(Number(entry), fields.slice(11, 15).map(Number));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  let ticks = 0;
  const visit = (p: number) => {
    const [utime = 0, stime = 0, cutime = 0, cstime = 0] = stats.get(p) ?? [];
    ticks += utime + stime + cutime + cstime;
    for (const child of children.get(p) ?? []) visit(child);
  };
  visit(pid);
  return ticks / TICK;
}

type StorageState = Awaited<ReturnType<import('@playwright/test').BrowserContext['storageState']>>;

/**
 * One start to a signed-in overview. `kept`: the browser's cookies from the previous run, as a
 * person's browser keeps them across a restart of the console — signed in still if the console
 * kept its sessions (the sandbox keeps its session secret in the data directory), else it signs in.
 */
async function startOnce(name: string, dataDir: string, kept?: StorageState): Promise<{ run: Run; server: ChildProcess; state: StorageState }> {
  const port = await freePort();
  // The person's browser is already open when they type `npm start`: launched before the clock starts.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const started = Date.now();
  const load = loadavg()[0]!.toFixed(1);
  const server = spawn(process.execPath, ['cli/codeflow.mjs', 'start', '--port', String(port)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CODEFLOW_MODE: 'sandbox', CODEFLOW_DATA_DIR: dataDir, LOG_LEVEL: 'warn', CI: 'true' },
  });
  const phases: Record<string, number> = {};
  let output = '';
  let readyMs = 0;
  server.stdout!.on('data', (chunk: Buffer) => {
    output += chunk;
    for (const m of chunk.toString().matchAll(/codeflow: (.+?) — done in ([\d.]+) s/g)) phases[m[1]!.replace(/ \(.*\)$/, '')] = Number(m[2]) * 1000;
    if (!readyMs && /Codeflow is running/.test(output)) readyMs = Date.now() - started;
  });
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk));

  let healthMs = 0;
  try {
    while (!healthMs) {
      if (server.exitCode !== null) throw new Error(`codeflow start exited (${server.exitCode}):\n${output}`);
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.status === 200 || r.status === 503, () => false);
      if (ok) healthMs = Date.now() - started;
      else await new Promise((r) => setTimeout(r, 100));
    }
    // The same origin on every run (the port changes): the kept cookies are localhost's.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, storageState: kept });
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    const mark = (step: string) => process.env.BENCH_STEPS && console.error(`${name}: ${step} at ${((Date.now() - started) / 1000).toFixed(1)} s`);
    mark('healthy');
    await page.goto(`http://localhost:${port}/`);
    const signInButton = page.getByTestId('signin-button');
    const rows = page.getByTestId('service-row').first();
    await Promise.race([signInButton.waitFor(), rows.waitFor()]);
    const signedInAlready = !(await signInButton.isVisible());
    if (!signedInAlready) {
      mark('sign-in page');
      await signInButton.click();
      await page.getByTestId('sandbox-user-viewer').waitFor();
      mark('issuer login page');
      await page.getByTestId('sandbox-user-viewer').click();
      await page.waitForURL(`http://localhost:${port}/`);
      mark('back at the console');
    }
    await rows.waitFor();
    mark(signedInAlready ? 'overview rows (still signed in from the previous run)' : 'overview rows');
    const overviewMs = Date.now() - started;
    while (!readyMs) await new Promise((r) => setTimeout(r, 50));
    const cpuSeconds = treeCpuSeconds(server.pid!);
    const state = await context.storageState();
    return { run: { name: signedInAlready ? `${name}*` : name, phases, healthMs, readyMs, overviewMs, cpuSeconds, load }, server, state };
  } finally {
    await browser.close();
  }
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}

async function main() {
  const warmOnly = process.argv.includes('--warm-only');
  const dataDir = mkdtempSync(join(tmpdir(), 'codeflow-bench-startup-'));
  const runs: Run[] = [];
  try {
    if (!warmOnly) rmSync(join(root, '.next'), { recursive: true, force: true });
    let kept: StorageState | undefined;
    for (const name of warmOnly ? ['warm (first world)', 'warm'] : ['cold', 'warm']) {
      const { run, server, state } = await startOnce(name, dataDir, kept);
      runs.push(run);
      kept = state;
      await stop(server);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const s = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
  console.log(`\nstartup (${cpus().length} CPUs; load average at each start shown: above ${cpus().length} means other programs competed for the CPU)\n`);
  console.log('run      load  build     sandbox   server    warm-up   health    running   overview  CPU');
  for (const r of runs) {
    const phase = (prefix: string) => Object.entries(r.phases).find(([k]) => k.startsWith(prefix))?.[1];
    console.log(
      [r.name.padEnd(8), r.load.padEnd(5), s(phase('building')).padEnd(9), s(phase('starting the sandbox')).padEnd(9), s(phase('starting the console')).padEnd(9), s(phase('loading pages')).padEnd(9), s(r.healthMs).padEnd(9), s(r.readyMs).padEnd(9), s(r.overviewMs).padEnd(9), `${r.cpuSeconds.toFixed(1)} s`].join(' '),
    );
  }
  const cold = runs.find((r) => r.name === 'cold');
  if (cold) {
    const build = Object.entries(cold.phases).find(([k]) => k.startsWith('building'))?.[1] ?? 0;
    console.log(`\ncold: the build is ${Math.round((100 * build) / cold.overviewMs)} % of the time to a signed-in overview`);
  }
  if (runs.some((r) => r.name.endsWith('*'))) console.log('* the browser was still signed in from the previous run (its cookies kept, as a person\'s browser keeps them)');
  console.log('goals (idle 2-core machine): cold < 40 s, warm < 5 s to a signed-in overview');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
