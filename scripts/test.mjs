// `npm test`: unit, integration and contract tests (node's test runner), then Playwright browser
// journeys in Chromium against `next build && next start`. Ends with one line that counts them all.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
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

/** Runs a command, echoing its output, and returns its exit code and output for counting. */
function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const echo = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const count = (output, pattern) => Number(output.match(pattern)?.[1] ?? 0);
const results = [];

if (!only || only === 'unit') {
  const files = findTests(root);
  console.log(`\n▶ unit, integration and contract tests (${files.length} files)\n`);
  const { code, output } = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files]);
  results.push({
    name: 'node',
    code,
    passed: count(output, /^ℹ pass (\d+)/m),
    failed: count(output, /^ℹ fail (\d+)/m) + count(output, /^ℹ cancelled (\d+)/m),
    skipped: count(output, /^ℹ skipped (\d+)/m) + count(output, /^ℹ todo (\d+)/m),
  });
}

if (!only || only === 'e2e') {
  console.log('\n▶ browser tests (Playwright, Chromium)\n');
  const chromium = await resolveChromium();
  if (chromium === null) {
    console.error('No Chromium found: run `npx playwright install chromium`, or on Debian `sudo apt-get install chromium`.');
    results.push({ name: 'e2e', code: 1, passed: 0, failed: 1, skipped: 0 });
  } else {
    const env = { CHROMIUM_PATH: chromium, E2E_PORT: String(await freePort()), E2E_SANDBOX_PORT: String(await freePort()) };
    const playwright = join(root, 'node_modules', '@playwright', 'test', 'cli.js');
    const { code, output } = await run(process.execPath, [playwright, 'test'], env);
    results.push({
      name: 'e2e',
      code,
      passed: count(output, /^\s*(\d+) passed/m),
      failed: count(output, /^\s*(\d+) failed/m) + count(output, /^\s*(\d+) interrupted/m),
      skipped: count(output, /^\s*(\d+) skipped/m),
    });
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
