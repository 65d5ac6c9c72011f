// `npm test`: unit, integration and contract tests (node's test runner), then Playwright browser
// journeys in Chromium against `next build && next start`. Ends with one line that counts them all.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { resolveChromium } from './chromium.mjs';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const IGNORED = new Set(['node_modules', '.next', '.git', '.codeflow', 'e2e', 'test-results']);

function findTests(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (IGNORED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) findTests(path, out);
    else if (/\.test\.tsx?$/.test(entry.name)) out.push(path.slice(root.length + 1));
  }
  return out.sort();
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs a command, echoing its output (each line after `prefix`, when two run side by side), and
 * returns its exit code and output for counting.
 */
function run(command, args, env = {}, prefix = '') {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const echo = (stream) => {
      let partial = '';
      return (chunk) => {
        output += chunk;
        if (!prefix) return stream.write(chunk);
        const lines = (partial + chunk).split('\n');
        partial = lines.pop();
        for (const line of lines) stream.write(`${prefix}${line}\n`);
      };
    };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const count = (output, pattern) => Number(output.match(pattern)?.[1] ?? 0);
const V8_JIT_ABORT = /Check failed: jit_page_->allocations_\.erase\(addr\) == 1/;

/** Test files listed among the failures as a whole file ("test failed": its process exited abnormally). */
function filesWhoseProcessDied(output, files) {
  const summary = output.slice(output.lastIndexOf('✖ failing tests:'));
  const died = new Set();
  for (const block of summary.split(/\n\s*\n/)) {
    const at = /^test at (.+?):1:1$/m.exec(block);
    if (at && /^\s*'test failed'$/m.test(block) && files.includes(at[1])) died.add(at[1]);
  }
  return [...died];
}
const results = [];

if (!only || only === 'unit') {
  const files = findTests(root);
  // The container, package and scale-out tests run the production build; built once here, so two of
  // them running side by side never build into the same .next at once.
  console.log('\n▶ production build (when the sources changed since the last one)\n');
  const build = await run(process.execPath, ['--import', 'tsx', join(root, 'cli', 'build.ts'), '--if-needed']);
  if (build.code !== 0) results.push({ name: 'build', code: build.code, passed: 0, failed: 1, skipped: 0 });
  // Type checking belongs here, not to starting: builds for `codeflow start` and for the tests skip
  // it (next.config.js). After the build, whose route types (.next/types) tsc checks too.
  console.log('\n▶ type check (tsc --noEmit: the app, lib, CLI, sandbox, tests and benches)\n');
  const typecheck = await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', root]);
  results.push({ name: 'typecheck', code: typecheck.code, passed: typecheck.code === 0 ? 1 : 0, failed: typecheck.code === 0 ? 0 : 1, skipped: 0 });
  console.log(`\n▶ unit, integration and contract tests (${files.length} files, two at a time)\n`);
  const nodeTests = (list) => run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...list]);
  const tally = (output) => ({
    passed: count(output, /^ℹ pass (\d+)/m),
    failed: count(output, /^ℹ fail (\d+)/m) + count(output, /^ℹ cancelled (\d+)/m),
    skipped: count(output, /^ℹ skipped (\d+)/m) + count(output, /^ℹ todo (\d+)/m),
  });
  const first = await nodeTests(files);
  const result = { name: 'node', code: first.code, ...tally(first.output) };
  // Node 24's V8 can abort a process as PGlite's WebAssembly is torn down ("Check failed:
  // jit_page_->allocations_.erase(addr) == 1", a V8 bug, not ours). Only when that abort is in the
  // output, the files whose process died (a file-level "test failed") run once more, said so here;
  // any other failure stands as it is.
  const died = first.code !== 0 && V8_JIT_ABORT.test(first.output) ? filesWhoseProcessDied(first.output, files) : [];
  if (died.length > 0) {
    console.log(`\n▶ V8 aborted while tearing down WebAssembly (a Node 24 bug); running again once: ${died.join(', ')}\n`);
    const again = await nodeTests(died);
    const second = tally(again.output);
    result.failed = result.failed - died.length + second.failed;
    result.passed += second.passed;
    result.skipped += second.skipped;
    result.code = result.failed === 0 && again.code === 0 ? 0 : first.code;
    result.name = `node (${died.length} file(s) run again after V8's abort)`;
  }
  results.push(result);
}

/** A fresh database on the PostgreSQL server in TEST_DATABASE_URL, or null (with why) when there is none. */
async function freshPostgresDatabase() {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return { skip: 'TEST_DATABASE_URL is not set' };
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (e) {
    return { skip: `PostgreSQL at TEST_DATABASE_URL is unreachable (${e.message})` };
  }
  const name = `codeflow_e2e_${process.pid}_${Date.now()}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    url: dbUrl.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

if (!only || only === 'e2e') {
  const chromium = await resolveChromium();
  if (chromium === null) {
    console.error('No Chromium found: run `npx playwright install chromium`, or on Debian `sudo apt-get install chromium`.');
    results.push({ name: 'e2e', code: 1, passed: 0, failed: 1, skipped: 0 });
  } else {
    // Pass 1: every journey on embedded PGlite with proxy.ts on, as `npm start` runs. Pass 2: the
    // journeys whose correctness rests on the server's own guards or on the database (authorization,
    // roles, the action guards, exactly-once escalation) again, on PostgreSQL with proxy.ts off. The
    // rollout journeys (operations.spec, operations-bluegreen) run once: their database side — locks,
    // idempotency, 20 racing rollbacks — is tested on PostgreSQL in lib/ops and the scale-out test.
    const postgres = await freshPostgresDatabase();
    const guardSpecs = ['e2e/security', 'e2e/roles', 'e2e/operations-guards', 'e2e/incidents', 'e2e/maintenance'];
    // The terminal journeys (the real `codeflow` binary against the server), the incident opened
    // from an operation and the organisation (its own console, on its own embedded database) run in
    // the second pass only: they hold nothing the proxy decides, and the two passes then take about
    // as long as each other (they run side by side).
    const secondPassOnly = ['cli.spec.ts', 'cli-ops.spec.ts', 'incident-from-operation.spec.ts', 'accounts.spec.ts'];
    // Playwright reads each as a pattern over the file path: one file exactly.
    const onlyFile = (f) => `e2e/${f.replace(/\./g, '\\.')}$`;
    const firstPassSpecs = readdirSync(join(root, 'e2e'))
      .filter((f) => f.endsWith('.spec.ts') && !secondPassOnly.includes(f))
      .map(onlyFile);
    const secondPassSpecs = [...guardSpecs, ...secondPassOnly.map(onlyFile)];
    const passes = [
      { name: 'e2e (PGlite, proxy on)', tag: 'pglite', env: { E2E_PROXY: 'on' }, specs: firstPassSpecs },
      postgres.url
        ? { name: 'e2e (PostgreSQL, proxy off)', tag: 'postgres', env: { E2E_PROXY: 'off', E2E_DATABASE_URL: postgres.url }, specs: secondPassSpecs }
        : { name: 'e2e (PGlite, proxy off)', tag: 'proxy-off', env: { E2E_PROXY: 'off' }, specs: secondPassSpecs },
    ];
    if (postgres.skip) console.log(`\nnote: the browser suites run on PGlite only — ${postgres.skip}.`);
    const playwright = join(root, 'node_modules', '@playwright', 'test', 'cli.js');
    // Built once before both passes start (each pass's `codeflow start` would otherwise build into the same .next).
    if (only === 'e2e') await run(process.execPath, ['--import', 'tsx', join(root, 'cli', 'build.ts'), '--if-needed']);
    // The two passes run side by side — each its own console, sandbox, database and output directory —
    // since a browser journey spends most of its time waiting; their lines are prefixed to tell them apart.
    const outcomes = await Promise.all(
      passes.map(async (pass, i) => {
        const prefix = passes.length > 1 ? `[${pass.tag}] ` : '';
        console.log(`\n▶ browser tests: ${pass.name} — ${pass.specs.map((f) => f.replace(/\\|\$/g, '')).join(', ')} (Playwright, Chromium)${prefix ? `, lines marked ${prefix.trim()}` : ''}\n`);
        const env = {
          ...pass.env,
          CHROMIUM_PATH: chromium,
          E2E_PORT: String(await freePort()),
          E2E_SANDBOX_PORT: String(await freePort()),
          E2E_DATA_DIR: mkdtempSync(join(tmpdir(), 'codeflow-e2e-')),
          E2E_OUTPUT_DIR: join(root, 'test-results', pass.tag),
        };
        // The second pass starts a little later, so the two consoles do not start on the same cores at once.
        if (i > 0) await new Promise((r) => setTimeout(r, 20_000));
        return { pass, ...(await run(process.execPath, [playwright, 'test', ...pass.specs], env, prefix)) };
      }),
    );
    for (const { pass, code, output } of outcomes) {
      results.push({
        name: pass.name,
        code,
        passed: count(output, /^\s*(\d+) passed/m),
        failed: count(output, /^\s*(\d+) failed/m) + count(output, /^\s*(\d+) interrupted/m),
        skipped: count(output, /^\s*(\d+) skipped/m),
      });
    }
    await postgres.drop?.().catch((e) => console.error(`could not drop the e2e database: ${e.message}`));
  }
}

const total = (key) => results.reduce((n, r) => n + r[key], 0);
const failedSuites = results.filter((r) => r.code !== 0).map((r) => r.name);
console.log('');
for (const r of results) console.log(`${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (exit ${r.code})`);
console.log(`tests: ${total('passed')} passed, ${total('failed')} failed, ${total('skipped')} skipped`);
if (failedSuites.length > 0) {
  console.log(`failing suites: ${failedSuites.join(', ')}`);
  process.exit(1);
}
