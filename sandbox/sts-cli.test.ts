/**
 * The sandbox's STS and its accounts through the real AWS CLI, as a person at a terminal reaches
 * them: their own keys for the production account, and a profile that assumes the staging
 * account's role (role_arn + source_profile + external_id), the CLI's STS pointed at the sandbox
 * by AWS_ENDPOINT_URL like every other service.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_ACCOUNTS, SANDBOX_EXTERNAL_ID } from '../lib/sandbox/organization';
import { startSandbox, type RunningSandbox } from './server';
import { AWS_CLI_MISSING, awsCli, awsCliAvailable } from './testing/aws-cli';

const exec = promisify(execFile);
const available = await awsCliAvailable();
const STAGING_READ = 'arn:aws:iam::210987654321:role/CodeflowReadOnly';

describe('AWS CLI STS against the sandbox organisation', { skip: available ? false : AWS_CLI_MISSING }, () => {
  let running: RunningSandbox;
  let cli: ReturnType<typeof awsCli>;
  let dir: string;

  before(async () => {
    running = await startSandbox({ organization: SANDBOX_ACCOUNTS, seed: 42, speed: 0, startTime: Date.parse('2026-11-27T10:30:00Z') });
    cli = awsCli(running.url);
    dir = mkdtempSync(join(tmpdir(), 'codeflow-sts-cli-'));
  });
  after(async () => {
    await running?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sts get-caller-identity names the production account\'s user for static keys', async () => {
    const out = await cli.aws('sts', 'get-caller-identity');
    assert.equal(out.Account, '123456789012');
    assert.equal(out.Arn, 'arn:aws:iam::123456789012:user/codeflow');
  });

  it('sts assume-role issues keys for the staging account; the role refuses without the external id', async () => {
    const out = await cli.aws('sts', 'assume-role', '--role-arn', STAGING_READ, '--role-session-name', 'cli-test', '--external-id', SANDBOX_EXTERNAL_ID, '--duration-seconds', '900');
    assert.match(out.Credentials.AccessKeyId, /^ASIA[A-Z0-9]{16}$/);
    assert.ok(out.Credentials.SessionToken.length > 100);
    assert.ok(Date.parse(out.Credentials.Expiration) - Date.now() <= 900_000);
    assert.equal(out.AssumedRoleUser.Arn, 'arn:aws:sts::210987654321:assumed-role/CodeflowReadOnly/cli-test');
    const refused = await cli.awsFails('sts', 'assume-role', '--role-arn', STAGING_READ, '--role-session-name', 'cli-test');
    assert.match(refused, /AccessDenied/);
    assert.match(refused, /User: arn:aws:iam::123456789012:user\/codeflow is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role\/CodeflowReadOnly/);
  });

  it('a profile with role_arn, source_profile and external_id lists the staging account\'s cluster', async () => {
    const config = join(dir, 'config');
    const credentials = join(dir, 'credentials');
    // The CLI caches assumed-role keys in ~/.aws/cli/cache by profile settings; keys another sandbox
    // issued are invalid here (as AWS's are after a reset), so the session name is this run's own.
    const session = `cli-${process.pid}-${Date.now()}`;
    writeFileSync(config, ['[default]', 'region = us-east-1', '', '[profile staging]', `role_arn = ${STAGING_READ}`, 'source_profile = default', `external_id = ${SANDBOX_EXTERNAL_ID}`, `role_session_name = ${session}`, 'region = us-east-1', ''].join('\n'));
    writeFileSync(credentials, ['[default]', 'aws_access_key_id = AKIDSANDBOXCLITEST', 'aws_secret_access_key = test', ''].join('\n'));
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_ENDPOINT_URL: running.url, AWS_PAGER: '', AWS_MAX_ATTEMPTS: '1' };
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) delete env[name];
    const aws = async (...args: string[]) => JSON.parse((await exec('aws', ['--output', 'json', ...args], { env })).stdout) as Record<string, any>;

    const before = running.sandbox.calls.get('sts:AssumeRole') ?? 0;
    const staging = await aws('--profile', 'staging', 'ecs', 'list-clusters');
    assert.deepEqual(staging.clusterArns, ['arn:aws:ecs:us-east-1:210987654321:cluster/codeflow-cluster']);
    assert.equal(running.sandbox.calls.get('sts:AssumeRole'), before + 1, 'the CLI assumed the role through the sandbox');
    const identity = await aws('--profile', 'staging', 'sts', 'get-caller-identity');
    assert.equal(identity.Account, '210987654321');
    assert.equal(identity.Arn, `arn:aws:sts::210987654321:assumed-role/CodeflowReadOnly/${session}`);
    // The same CLI without the profile is the production account.
    const production = await aws('ecs', 'list-clusters');
    assert.ok(production.clusterArns.includes('arn:aws:ecs:us-east-1:123456789012:cluster/codeflow-staging'));
  });
});
