/**
 * Local mode (`codeflow start --local`) against moto standing in for "the real account": the
 * shell's credentials, no identity provider, the OS user signed in through the one-time link the
 * start printed, as a viewer unless --role says otherwise; and the refusals — production, a
 * non-loopback address, a wrong link, no link at all.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCluster, createServices, registerAppTaskDefinition, testClients } from '../lib/aws/testing/fixtures';
import { findMotoServer, freePort, startMoto, type MotoServer } from '../lib/aws/testing/moto';

const cli = join(import.meta.dirname, 'codeflow.mjs');
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

describe('codeflow start --local: refusals before anything starts', () => {
  const refuse = (env: Record<string, string>, ...args: string[]) =>
    spawnSync(process.execPath, [cli, 'start', '--local', '--port', '1', ...args], { env: { ...baseEnv, AWS_PROFILE: 'dev', ...env } as unknown as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 });

  it('refuses with NODE_ENV=production', () => {
    const result = refuse({ NODE_ENV: 'production' });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /never runs with NODE_ENV=production/);
    assert.doesNotMatch(result.stdout, /building the console/);
  });

  for (const address of ['0.0.0.0', '192.168.1.20', '::']) {
    it(`refuses to serve on ${address}`, () => {
      const result = refuse({}, '--hostname', address);
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assert.match(result.stderr, new RegExp(`loopback only .* not on ${address.replace(/\./g, '\\.')}`));
    });
  }

  it('refuses HOSTNAME=0.0.0.0 (a container\u2019s usual setting) rather than serving everyone', () => {
    const result = refuse({ HOSTNAME: '0.0.0.0' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /loopback only/);
  });

  it('names the roles when --role is not one', () => {
    const result = refuse({}, '--role', 'king');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--role expects one of viewer, responder, operator, admin/);
  });
});

describe('codeflow start: AWS credentials in the shell without SSO', () => {
  it('explains both ways forward in its first lines', () => {
    const result = spawnSync(process.execPath, [cli, 'start', '--port', '1'], { env: { ...baseEnv, AWS_PROFILE: 'dev' } as unknown as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 1);
    const first = result.stderr.split('\n').slice(0, 12).join('\n');
    assert.match(first, /AWS credentials found in your shell \(AWS_PROFILE is set\), but no single sign-on is configured/);
    assert.match(first, /CODEFLOW_MODE=sandbox npm start/);
    assert.match(first, /npm start -- --local .*codeflow start --local/);
    assert.match(first, new RegExp(`signed in as ${userInfo().username}`));
    assert.doesNotMatch(result.stdout, /building the console/);
  });
});

const motoBin = findMotoServer();
describe('codeflow start --local against moto', { timeout: 900_000 }, () => {
  let moto: MotoServer | undefined;
  let child: ChildProcess | undefined;
  let output = '';
  let base = '';
  let link = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'codeflow-local-'));

  before(async () => {
    if (!motoBin) return;
    moto = await startMoto(motoBin);
    // "The real account": a cluster and a service in it, made with the shell's credentials.
    const aws = testClients(moto.endpoint);
    await createCluster(aws, 'local-cluster');
    const td = await registerAppTaskDefinition(aws, 'local-app');
    await createServices(aws, 'local-cluster', ['local-api'], td);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [cli, 'start', '--local', '--port', String(port)], {
      env: {
        ...baseEnv,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: moto.endpoint,
        CODEFLOW_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        CI: 'true',
      } as unknown as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => (output += c));
    child.stderr!.on('data', (c: Buffer) => (output += c));
    const deadline = Date.now() + 600_000;
    while (!/\/api\/local-session\?code=\S+/.test(output)) {
      if (child.exitCode !== null) throw new Error(`codeflow start --local exited (${child.exitCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`no sign-in link:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    link = /(http:\/\/\S+\/api\/local-session\?code=\S+)/.exec(output)![1]!;
  });

  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await moto?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the real account to the OS user, a viewer, after the printed link', async (t) => {
    if (!motoBin) return t.skip('moto_server is not on PATH: local mode was NOT tested');
    assert.match(output, /local mode: --local/);
    assert.match(output, /on 127\.0\.0\.1 only/);
    assert.doesNotMatch(output, /Sandbox/);
    assert.ok(link.startsWith(`${base}/`), link);

    // Nobody is signed in until the link is opened.
    assert.equal((await fetch(`${base}/api/me`)).status, 401);
    const wrong = await fetch(`${base}/api/local-session?code=not-the-code`, { redirect: 'manual' });
    assert.equal(wrong.status, 401);
    assert.doesNotMatch(await wrong.text(), /at .*\.ts:\d+/, 'no stack trace');

    const signIn = await fetch(link, { redirect: 'manual' });
    assert.equal(signIn.status, 303);
    assert.equal(new URL(signIn.headers.get('location')!).pathname, '/');
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    assert.match(cookie, /next-auth\.session-token=/);
    assert.match(signIn.headers.getSetCookie().join(';'), /HttpOnly/i);

    const me = (await (await fetch(`${base}/api/me`, { headers: { cookie } })).json()) as { name: string; role: string; issuer: string; can: Record<string, boolean> };
    assert.equal(me.name, userInfo().username);
    assert.equal(me.issuer, 'codeflow-local');
    assert.equal(me.role, 'viewer', 'viewer unless --role says otherwise');

    // The fleet is read in the background (lib/fleet/feed.ts): until its first read lands the
    // snapshot says "loading", so ask until it has (a minute at most, on a busy machine).
    let body = '';
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      const fleet = await fetch(`${base}/api/fleet`, { headers: { cookie } });
      assert.equal(fleet.status, 200);
      const snapshot = (await fleet.json()) as { loading: boolean };
      body = JSON.stringify(snapshot);
      if (!snapshot.loading) break;
    }
    assert.match(body, /local-cluster/, 'the account the shell’s credentials reach');
    assert.match(body, /local-api/);

    // A page elsewhere that rebinds its name to 127.0.0.1 does not get a session.
    // (node:http, because fetch sets Host itself.)
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(link, { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(rebound, 403);
  });
});
