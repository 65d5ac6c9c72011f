import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const cli = join(import.meta.dirname, 'codeflow.mjs');

function start(env: Record<string, string>) {
  // Only PATH and HOME from the test's environment: no AWS credentials or SSO settings leak in.
  return spawnSync(process.execPath, [cli, 'start', '--port', '1'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } as unknown as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('codeflow start against real AWS', () => {
  it('refuses a deployed (NODE_ENV=production) start without its settings, naming each, before building anything', () => {
    const result = start({ CODEFLOW_MODE: 'aws', NODE_ENV: 'production', DATABASE_URL: 'mysql://root:hunter2@db/x' });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /refusing to start: the production configuration is incomplete \(9 problems/);
    for (const name of ['NEXTAUTH_SECRET', 'OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'DATABASE_URL', 'REDIS_URL', 'NEXTAUTH_URL', 'AWS_REGION', 'CODEFLOW_AUDIT_KEY']) {
      assert.match(result.stderr, new RegExp(`^  - ${name} `, 'm'), `${name} not named`);
    }
    assert.doesNotMatch(result.stderr + result.stdout, /hunter2/);
    assert.doesNotMatch(result.stdout, /building the console/);
  });

  it('asks only for SSO and the session secret on a workstation', () => {
    const result = start({ CODEFLOW_MODE: 'aws' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /the configuration is incomplete \(4 problems/);
    assert.doesNotMatch(result.stderr, /DATABASE_URL|REDIS_URL/);
  });
});

describe('the Node version note', () => {
  it('says an old Node is unsupported, and nothing on Node 22 or later', async () => {
    const { nodeVersionNote } = await import('./start-command');
    assert.match(nodeVersionNote('20.20.2') ?? '', /Node 20\.20\.2 is past its end of life.*Node 22 or later/);
    assert.equal(nodeVersionNote('22.0.0'), null);
    assert.equal(nodeVersionNote('24.21.0'), null);
  });
});
