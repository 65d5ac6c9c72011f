import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { buildIfNeeded, resolveNextBin, STANDALONE_DIR } from '../cli/build';
import { freePort } from '../lib/aws/testing/moto';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { parseDockerfile } from './dockerfile';

/**
 * No Docker engine runs here, so this runs what the image runs: the Dockerfile's final stage is
 * read (WORKDIR, ENV, CMD, HEALTHCHECK), .next/standalone stands in for its /app (the stage copies
 * exactly that directory there), and the CMD is started in it with the image's environment plus
 * the deployed configuration an ECS task gets. Builds first unless the last build is current.
 */
const root = join(import.meta.dirname, '..');
const dockerfile = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const { runtime } = dockerfile;
const app = join(root, STANDALONE_DIR);

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Like `docker run`: the image's ENV plus what is passed, and nothing of the test's own environment but PATH. */
function imageEnv(env: Record<string, string>, withImageEnv = true): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', ...(withImageEnv ? runtime.env : {}), ...env } as unknown as NodeJS.ProcessEnv;
}

/** Starts the image's CMD in the image's working directory with the image's ENV plus `env`. */
function runCmd(env: Record<string, string>): Running {
  const [command, ...args] = runtime.cmd;
  assert.equal(command, 'node', 'the CMD runs node directly (PID 1 gets the signals)');
  const child = spawn(process.execPath, args, { cwd: app, env: imageEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitForHealth(url: string, running: Running, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) throw new Error(`the server exited (${running.child.exitCode}):\n${running.output()}`);
    try {
      return await fetch(`${url}/api/health`);
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`no answer from ${url}/api/health within ${timeoutMs} ms:\n${running.output()}`);
}

describe('the container image, run as its CMD from the standalone output', { timeout: 20 * 60_000 }, () => {
  let sandbox: RunningSandbox;
  let database: { url: string; drop: () => Promise<void> } | { dataDir: string; why: string };
  const secret = randomBytes(32).toString('base64url');
  let port: number;

  before(async () => {
    buildIfNeeded(root, resolveNextBin());
    port = await freePort();
    sandbox = await startSandbox({
      oidc: { clients: [{ clientId: 'codeflow-image-test', clientSecret: secret, redirectUris: [`http://127.0.0.1:${port}/api/auth/callback/oidc`], postLogoutRedirectUris: [] }] },
    });
    const adminUrl = process.env.TEST_DATABASE_URL;
    const admin = adminUrl ? new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 }) : null;
    if (admin && (await admin.connect().then(() => true, () => false))) {
      const name = `codeflow_image_${process.pid}_${Date.now()}`;
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(adminUrl!);
      url.pathname = `/${name}`;
      database = {
        url: url.toString(),
        drop: async () => {
          const c = new pg.Client({ connectionString: adminUrl });
          await c.connect();
          await c.query(`drop database if exists ${name} with (force)`);
          await c.end();
        },
      };
    } else {
      database = { dataDir: mkdtempSync(join(tmpdir(), 'codeflow-image-')), why: adminUrl ? 'TEST_DATABASE_URL is unreachable' : 'TEST_DATABASE_URL is not set' };
    }
  });

  after(async () => {
    await sandbox?.close();
    if (database && 'drop' in database) await database.drop();
  });

  it('is a multi-stage build whose runtime stage holds only the standalone output, as a non-root user', () => {
    assert.ok(dockerfile.stages.length >= 3, 'deps, build and runtime stages');
    const major = Number(/node:(\d+)/.exec(runtime.from)?.[1]);
    assert.ok(major >= 22, `a Node LTS the AWS SDK supports past January 2027 (got ${runtime.from})`);
    assert.equal(runtime.workdir, '/app');
    assert.deepEqual(runtime.copies.map((c) => `${c.from}:${c.source}->${c.dest}`), ['build:/app/.next/standalone->./']);
    assert.ok(runtime.user && !['root', '0'].includes(runtime.user), `USER is ${runtime.user}`);
    assert.equal(runtime.env.NODE_ENV, 'production');
    assert.equal(runtime.env.HOSTNAME, '0.0.0.0');
    assert.deepEqual(runtime.cmd, ['node', 'server.js']);
    assert.deepEqual(runtime.healthcheck, ['node', 'healthcheck.mjs']);
    assert.match(readFileSync(join(root, 'Dockerfile'), 'utf8'), /RUN npm run build/, 'the image builds with the same code `codeflow start` uses');
  });

  it('ships no sources, tests, data or secrets: only the traced server, its assets and the database migrations', () => {
    const top = readdirSync(app).sort();
    for (const unwanted of ['.env', '.codeflow', 'e2e', 'docs', 'infrastructure', 'bench', 'sandbox', 'cli', 'app', 'components', 'test-results', 'Dockerfile']) {
      assert.ok(!top.includes(unwanted), `${unwanted} is in the image (${top.join(', ')})`);
    }
    assert.deepEqual(top.filter((f) => f.startsWith('.env')), [], 'no .env files (next build copies the ones it loaded)');
    assert.ok(existsSync(join(app, 'server.js')));
    assert.ok(existsSync(join(app, 'healthcheck.mjs')));
    assert.ok(existsSync(join(app, '.next', 'static')), 'client assets beside the server');
    assert.ok(readdirSync(join(app, 'lib', 'db', 'migrations')).some((f) => f.endsWith('.up.sql')), 'migrations are read at run time');
    assert.deepEqual(readdirSync(join(app, 'lib'), { recursive: true }).map(String).filter((f) => !f.startsWith(join('db', 'migrations'))), ['db'], 'no sources beside the migrations');
    for (const pkg of ['pg', '@electric-sql/pglite', '@aws-sdk/client-ecs', 'next']) {
      assert.ok(existsSync(join(app, 'node_modules', pkg, 'package.json')), `${pkg} is resolvable from the standalone output`);
    }
    for (const dev of ['typescript', '@playwright/test', 'tailwindcss', '@cdktf/hcl2json', 'autocannon']) {
      assert.ok(!existsSync(join(app, 'node_modules', dev)), `dev dependency ${dev} is in the image`);
    }
  });

  it('refuses to start without the production configuration, naming every missing variable', async () => {
    const running = runCmd({ PORT: String(await freePort()), HOSTNAME: '127.0.0.1' });
    const code = await Promise.race([running.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
    if (code === 'timeout') running.child.kill('SIGKILL');
    assert.equal(code, 1, running.output());
    for (const name of ['NEXTAUTH_SECRET', 'OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'DATABASE_URL', 'REDIS_URL', 'NEXTAUTH_URL', 'AWS_REGION', 'CODEFLOW_AUDIT_KEY']) {
      assert.match(running.output(), new RegExp(`- ${name} `), `${name} not named`);
    }
  });

  it('serves /api/health, sends a browser to sign-in, and passes its own HEALTHCHECK', async (t) => {
    const env: Record<string, string> = {
      // What the ECS task definition sets (infrastructure/aws-webapp/ecs.tf), on loopback here.
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      AWS_REGION: 'us-east-1',
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      OIDC_ISSUER: sandbox.oidcIssuer!,
      OIDC_CLIENT_ID: 'codeflow-image-test',
      OIDC_CLIENT_SECRET: secret,
      NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
      CODEFLOW_AUDIT_KEY: randomBytes(48).toString('base64'),
      REDIS_URL: 'redis://127.0.0.1:6379',
      // The sandbox stands in for AWS.
      AWS_ENDPOINT_URL: sandbox.url,
      AWS_ACCESS_KEY_ID: 'sandbox',
      AWS_SECRET_ACCESS_KEY: 'sandbox',
    };
    if ('url' in database) {
      env.DATABASE_URL = database.url;
    } else {
      // The deployed profile requires DATABASE_URL; without a PostgreSQL server the embedded
      // database stands in, and the configuration check is the one step skipped.
      t.diagnostic(`${database.why}: ran on the embedded database with the configuration check skipped`);
      Object.assign(env, { CODEFLOW_DATA_DIR: database.dataDir, CODEFLOW_STARTUP_CHECKED: '1' });
    }
    const running = runCmd(env);
    try {
      const url = `http://127.0.0.1:${port}`;
      const health = await waitForHealth(url, running);
      const body = (await health.json()) as { status: string; checks: { aws: string } };
      assert.equal(health.status, 200, JSON.stringify(body));
      assert.equal(body.status, 'healthy');
      assert.equal(body.checks.aws, 'ok');

      const page = await fetch(`${url}/`, { redirect: 'manual' });
      assert.ok([302, 303, 307, 308].includes(page.status), `GET / answered ${page.status}`);
      assert.match(page.headers.get('location') ?? '', /\/signin\?callbackUrl=%2F$/);
      const signin = await fetch(`${url}/signin`);
      assert.equal(signin.status, 200);
      assert.match(await signin.text(), /Sign in/i);

      const [hcCommand, ...hcArgs] = runtime.healthcheck;
      assert.equal(hcCommand, 'node');
      const check = spawnSync(process.execPath, hcArgs, { cwd: app, env: imageEnv({ PORT: String(port) }), encoding: 'utf8', timeout: 15_000 });
      assert.equal(check.status, 0, `HEALTHCHECK failed: ${check.stderr}`);
    } finally {
      running.child.kill('SIGTERM');
      const code = await Promise.race([running.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
      if (code === 'timeout') running.child.kill('SIGKILL');
    }
    // The health check fails when nothing answers.
    const dead = spawnSync(process.execPath, runtime.healthcheck.slice(1), { cwd: app, env: imageEnv({ PORT: String(port) }, false), encoding: 'utf8', timeout: 15_000 });
    assert.equal(dead.status, 1, 'HEALTHCHECK passes with no server');
  });
});
