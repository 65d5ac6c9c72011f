import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../lib/aws/testing/moto';
import { createApiToken } from '../lib/auth/tokens';
import { openDb } from '../lib/db/client';
import { migrateUp } from '../lib/db/migrate';
import { users } from '../lib/db/schema';

/**
 * The guide's §3.1: the npm package holds only what a user needs, and once installed in an empty
 * project, `npx codeflow start` serves the console. This packs the package for real (`npm pack`,
 * whose prepack lays out the prebuilt console; the build is reused when current), installs the
 * tarball into an empty directory with npm, starts the installed CLI there, and reads the fleet
 * through the installed CLI with an API token — the server, its database and its AWS calls (to the
 * sandbox) all running from node_modules.
 */
const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'codeflow-package-'));

function run(command: string, args: string[], cwd: string, timeout: number) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' } });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function packTarball(): { tarball: string; files: string[] } {
  // prepack's own output (a build, when one is due) comes first; npm's JSON report is the last thing printed.
  const stdout = run('npm', ['pack', '--json', '--pack-destination', work], root, 10 * 60_000);
  const report = stdout.slice(stdout.search(/^\[\s*\{/m));
  const [pack] = JSON.parse(report) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(work, pack!.filename), files: pack!.files.map((f) => f.path).sort() };
}

/** Installing the tarball fetches its dependencies: without the npm registry that half cannot run, and says so. */
function registrySkip(): string | false {
  const ping = spawnSync('npm', ['ping', '--fetch-retries=0', '--fetch-timeout=10000'], { encoding: 'utf8', timeout: 30_000 });
  if (ping.status === 0) return false;
  const errors = ping.stderr.split('\n').filter((l) => l.startsWith('npm error')).map((l) => l.replace(/^npm error\s*/, ''));
  const why = ping.error?.message ?? (errors.find((l) => /request to|reason/.test(l)) ?? errors[0] ?? `exit ${ping.status}`);
  return `the npm registry is unreachable (npm ping: ${why}); installing the package needs it`;
}
const noRegistry = registrySkip();
if (noRegistry) console.log(`# skipped: ${noRegistry}`);

const CODE = /\.(ts|tsx|mjs|js)$/;
const RESOLVE = ['', '.ts', '.tsx', '.js', '.mjs', '/index.ts', '/index.tsx'];

/** The file an import specifier names, relative to the package root, or null for a package import. */
function resolveImport(from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith('@/')) base = specifier.slice(2);
  else if (specifier.startsWith('.')) base = normalize(join(dirname(from), specifier));
  else return null;
  for (const suffix of RESOLVE) {
    const candidate = base + suffix;
    if (existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile()) return candidate;
  }
  return base;
}

describe('the npm package', { timeout: 20 * 60_000 }, () => {
  let files: string[];
  let tarball: string;

  before(() => {
    ({ tarball, files } = packTarball());
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('holds the CLI, the prebuilt console, the sandbox and the migrations', () => {
    for (const required of ['package.json', 'README.md', '.env.example', 'tsconfig.json', 'cli/codeflow.mjs', 'cli/main.ts', 'cli/start-command.ts', 'cli/packaged-console.ts', 'sandbox/server.ts', 'dist/console/server.js', 'dist/console/externals.json', 'dist/console/healthcheck.mjs', 'dist/console/.next/BUILD_ID', 'dist/console/.next/required-server-files.json']) {
      assert.ok(files.includes(required), `${required} is not in the package`);
    }
    assert.ok(files.some((f) => f.startsWith('dist/console/.next/static/')), 'the client assets');
    assert.ok(files.some((f) => /^dist\/console\/lib\/db\/migrations\/\d{4}_.+\.up\.sql$/.test(f)), 'the migrations the server reads');
    assert.ok(files.some((f) => /^lib\/db\/migrations\/\d{4}_.+\.up\.sql$/.test(f)), 'the migrations `codeflow db` reads');
    const bin = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin.codeflow;
    assert.ok(bin && files.includes(bin), 'the bin script');
  });

  it('holds no sources the prebuilt console replaces, tests, local data, docs, infrastructure, secrets or node_modules', () => {
    const unwanted = files.filter((f) =>
      /^app\/|^components\/|^proxy\.ts$|^instrumentation\.ts$|^next\.config\.js$|\.test\.tsx?$|(^|\/)testing\/|^lib\/db\/test-targets\.ts$|(^|\/)\.codeflow\/|^\.next\/|\/\.next\/cache\/|^test-results\/|^playwright-report\/|^e2e\/|^docs\/|^bench\/|^infrastructure\/|^\.ci\/|(^|\/)\.env$|(^|\/)\.env\.(?!example$)|\.png$|\.tsbuildinfo$|(^|\/)node_modules\/|^playwright\.config\.ts$|^codeflow\.config\.json$/.test(f),
    );
    assert.deepEqual(unwanted, []);
  });

  it('ships every file that a shipped source imports', () => {
    const shipped = new Set(files);
    const missing: string[] = [];
    for (const file of files.filter((f) => CODE.test(f) && !f.startsWith('dist/'))) {
      const source = readFileSync(join(root, file), 'utf8');
      for (const m of source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
        const target = resolveImport(file, m[1]!);
        if (target !== null && !shipped.has(target)) missing.push(`${file} → ${m[1]}`);
      }
    }
    assert.deepEqual(missing, [], 'imported but left out of package.json "files"');
  });

  describe('installed with npm in an empty project', { skip: noRegistry }, () => {
    const project = join(work, 'project');
    let server: { child: ChildProcess; output: () => string; exited: Promise<number | null> } | undefined;
    let url: string;
    let token: string;
    const bin = () => realpathSync(join(project, 'node_modules', '.bin', 'codeflow'));
    // A user's shell: PATH and HOME, no AWS or SSO settings from the test's environment.
    const userEnv = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...extra }) as unknown as NodeJS.ProcessEnv;

    before(async () => {
      mkdirSync(project);
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'ops-workstation', private: true }));
      run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project, 10 * 60_000);

      // A viewer's API token in the database the console will open (the project's .codeflow).
      const handle = await openDb({ dataDir: join(project, '.codeflow') });
      try {
        await migrateUp(handle.db);
        const now = new Date();
        const [user] = await handle.db.insert(users).values({ issuer: 'https://package-test.invalid', subject: 'viewer', name: 'Package Viewer', idpRole: 'viewer', lastSignInAt: now, roleCheckedAt: now }).returning();
        token = (await createApiToken({ id: user!.id, role: 'viewer' }, { name: 'package-test', role: 'viewer', expiresInDays: 1 }, handle.db)).secret;
      } finally {
        await handle.close();
      }
    });

    after(async () => {
      if (server && server.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    });

    it('puts `codeflow` on the project\'s PATH: --version names the packed version', () => {
      const result = spawnSync(process.execPath, [bin(), '--version'], { cwd: project, env: userEnv(), encoding: 'utf8', timeout: 30_000 });
      const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
      assert.equal(result.stdout.trim(), `codeflow ${version}`, result.stderr);
    });

    it('runs `codeflow start` from node_modules: the prebuilt console on the sandbox, data in the project directory', async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      const child = spawn(process.execPath, [bin(), 'start', '--port', String(port)], { cwd: project, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      server = { child, output: () => out, exited: new Promise((resolve) => child.once('exit', resolve)) };

      const deadline = Date.now() + 120_000;
      while (!/Codeflow is running at/.test(out)) {
        assert.equal(child.exitCode, null, `codeflow start exited:\n${out}`);
        assert.ok(Date.now() < deadline, `codeflow start did not come up in 120 s:\n${out}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.doesNotMatch(out, /building the console/, 'the installed package runs the prebuilt console');
      assert.match(out, /sandbox mode: no AWS configuration found/);
      assert.ok(out.includes(`Database: embedded, in ${join(realpathSync(project), '.codeflow')}`) || out.includes(`Database: embedded, in ${join(project, '.codeflow')}`), out);
      const health = (await (await fetch(`${url}/api/health`)).json()) as { status: string; checks: { aws: string } };
      assert.equal(health.status, 'healthy');
      assert.equal(health.checks.aws, 'ok');
      assert.ok(existsSync(join(project, '.codeflow')), 'the embedded database lives in the project directory');
      const consoleDir = join(project, 'node_modules', 'codeflow', 'dist', 'console');
      assert.ok(!existsSync(join(project, 'node_modules', 'codeflow', '.codeflow')), 'and not inside node_modules');
      const externals = JSON.parse(readFileSync(join(consoleDir, 'externals.json'), 'utf8')) as Record<string, string>;
      for (const [alias, name] of Object.entries(externals)) {
        const linked = realpathSync(join(consoleDir, '.next', 'node_modules', alias));
        assert.ok(linked.startsWith(join(realpathSync(project), 'node_modules')), `${alias} links into the project's node_modules, not ${linked}`);
        assert.equal(JSON.parse(readFileSync(join(linked, 'package.json'), 'utf8')).name, name, `${alias} links to ${name}`);
      }
    });

    it('serves the fleet to the installed CLI with an API token: database, auth and AWS calls work from the package', () => {
      assert.ok(url, 'the console is running');
      const result = spawnSync(process.execPath, [bin(), 'status', '--json'], { cwd: project, env: userEnv({ CODEFLOW_URL: url, CODEFLOW_TOKEN: token }), encoding: 'utf8', timeout: 60_000 });
      assert.equal(result.status, 0, result.stdout + result.stderr);
      const fleet = JSON.stringify(JSON.parse(result.stdout));
      assert.match(fleet, /codeflow-cluster/);
      assert.match(fleet, /codeflow-service/);
    });

    it('stops on SIGTERM, taking the sandbox with it', async () => {
      assert.ok(server, 'the console is running');
      server.child.kill('SIGTERM');
      const code = await server.exited;
      assert.ok(code === 0 || code === 143 || code === null, `exit ${code}:\n${server.output()}`);
      await assert.rejects(fetch(`${url}/api/health`), 'the console stopped');
      const sandboxUrl = /Sandbox AWS endpoint: (\S+)/.exec(server.output())?.[1];
      assert.ok(sandboxUrl, 'start printed the sandbox endpoint');
      await assert.rejects(fetch(sandboxUrl), 'the sandbox stopped');
    });
  });
});
