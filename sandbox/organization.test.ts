/**
 * The sandbox as an AWS organisation (lib/sandbox/organization.ts): one world per account × Region,
 * reached as Codeflow reaches real accounts — its own keys for the production account, STS
 * AssumeRole (with the external id) for the others — with the real AWS SDK over the wire.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeServicesCommand, ECSClient, ListClustersCommand, ListServicesCommand } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SANDBOX_ACCOUNTS, SANDBOX_EXTERNAL_ID } from '../lib/sandbox/organization';
import { startSandbox, type RunningSandbox } from './server';
import { deleteWorld, storedWorldSize } from './sim/persistence';

const START = Date.parse('2026-11-27T00:00:00Z');
const PRODUCTION = '123456789012';
const STAGING = '210987654321';
const SECURITY = '555555555555';
const STAGING_READ = 'arn:aws:iam::210987654321:role/CodeflowReadOnly';
const SECURITY_READ = 'arn:aws:iam::555555555555:role/CodeflowReadOnly';
const BASE = { accessKeyId: 'AKIDCODEFLOWTEST', secretAccessKey: 'test' };

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const config = (url: string, region: string, credentials: Credentials) => ({ endpoint: url, region, credentials, maxAttempts: 1 });
const ecs = (url: string, region = 'us-east-1', credentials: Credentials = BASE) => new ECSClient(config(url, region, credentials));
const sts = (url: string, credentials: Credentials = BASE) => new STSClient(config(url, 'us-east-1', credentials));

/** `externalId` null: none sent. */
async function assume(url: string, roleArn: string, externalId: string | null = SANDBOX_EXTERNAL_ID, credentials: Credentials = BASE): Promise<Credentials> {
  const out = await sts(url, credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'codeflow-test', ExternalId: externalId ?? undefined }));
  return { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
}

async function admin(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (e) {
    const error = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('sandbox organisation: routing by access key and Region', () => {
  let running: RunningSandbox;
  before(async () => {
    running = await startSandbox({ organization: SANDBOX_ACCOUNTS, seed: 42, speed: 0, startTime: START });
  });
  after(() => running?.close());

  it('base keys in us-east-1 reach the production account\'s home world, the same fleet as a single-account sandbox', async () => {
    const single = await startSandbox({ seed: 42, speed: 0, startTime: START });
    try {
      const [orgClusters, singleClusters] = await Promise.all([ecs(running.url).send(new ListClustersCommand({})), ecs(single.url).send(new ListClustersCommand({}))]);
      assert.deepEqual(orgClusters.clusterArns, singleClusters.clusterArns);
      assert.deepEqual(orgClusters.clusterArns?.sort(), ['arn:aws:ecs:us-east-1:123456789012:cluster/codeflow-cluster', 'arn:aws:ecs:us-east-1:123456789012:cluster/codeflow-staging']);
      const describe = (url: string) => ecs(url).send(new DescribeServicesCommand({ cluster: 'codeflow-cluster', services: ['codeflow-service'] }));
      const [org, alone] = await Promise.all([describe(running.url), describe(single.url)]);
      assert.equal(org.services![0]!.taskDefinition, alone.services![0]!.taskDefinition);
      assert.equal(org.services![0]!.deployments![0]!.id, alone.services![0]!.deployments![0]!.id, 'the same seed gives the same fleet');
      assert.equal(running.sandbox, running.organization!.world(PRODUCTION, 'us-east-1'));
    } finally {
      await single.close();
    }
  });

  it('base keys in us-west-2 reach the DR Region: codeflow-cluster with a one-task standby, ARNs in us-west-2', async () => {
    const west = ecs(running.url, 'us-west-2');
    const clusters = await west.send(new ListClustersCommand({}));
    assert.deepEqual(clusters.clusterArns, ['arn:aws:ecs:us-west-2:123456789012:cluster/codeflow-cluster']);
    const services = await west.send(new DescribeServicesCommand({ cluster: 'codeflow-cluster', services: ['codeflow-service', 'codeflow-worker'] }));
    assert.deepEqual(services.services!.map((s) => [s.serviceArn, s.desiredCount]), [
      ['arn:aws:ecs:us-west-2:123456789012:service/codeflow-cluster/codeflow-service', 1],
      ['arn:aws:ecs:us-west-2:123456789012:service/codeflow-cluster/codeflow-worker', 1],
    ]);
    assert.match(services.services![0]!.taskDefinition!, /^arn:aws:ecs:us-west-2:123456789012:task-definition\/codeflow:\d+$/);
  });

  it('assumed-role keys reach the staging account: its own codeflow-cluster, every ARN carrying 210987654321', async () => {
    const staging = ecs(running.url, 'us-east-1', await assume(running.url, STAGING_READ));
    const clusters = await staging.send(new ListClustersCommand({}));
    assert.deepEqual(clusters.clusterArns, ['arn:aws:ecs:us-east-1:210987654321:cluster/codeflow-cluster']);
    const list = await staging.send(new ListServicesCommand({ cluster: 'codeflow-cluster' }));
    assert.equal(list.serviceArns!.length, 3);
    const { services } = await staging.send(new DescribeServicesCommand({ cluster: 'codeflow-cluster', services: ['codeflow-service'] }));
    const service = services![0]!;
    assert.equal(service.serviceArn, 'arn:aws:ecs:us-east-1:210987654321:service/codeflow-cluster/codeflow-service');
    assert.equal(service.desiredCount, 2);
    assert.equal(service.roleArn, 'arn:aws:iam::210987654321:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS');
    const td = running.organization!.world(STAGING, 'us-east-1').world.taskDefinitionByRef(service.taskDefinition!)!;
    assert.match(td.containerDefinitions[0]!.image, /^210987654321\.dkr\.ecr\.us-east-1\.amazonaws\.com\/codeflow:v1\.5\.0-rc\.\d+$/);
    assert.equal(td.executionRoleArn, 'arn:aws:iam::210987654321:role/ecsTaskExecutionRole');
    // Production's codeflow-service is a different service with a different revision.
    const prod = await ecs(running.url).send(new DescribeServicesCommand({ cluster: 'codeflow-cluster', services: ['codeflow-service'] }));
    assert.equal(prod.services![0]!.desiredCount, 3);
    assert.notEqual(prod.services![0]!.taskDefinition, service.taskDefinition);
  });

  it('an empty Region answers empty lists, and not-found errors, as an unused Region does', async () => {
    const stagingWest = ecs(running.url, 'us-west-2', await assume(running.url, STAGING_READ));
    assert.deepEqual((await stagingWest.send(new ListClustersCommand({}))).clusterArns, []);
    const missing = await rejection(stagingWest.send(new ListServicesCommand({ cluster: 'codeflow-cluster' })));
    assert.equal(missing.name, 'ClusterNotFoundException');
    const security = ecs(running.url, 'us-east-1', await assume(running.url, SECURITY_READ));
    assert.deepEqual((await security.send(new ListClustersCommand({}))).clusterArns, []);
    // A Region no account lists is just as empty.
    assert.deepEqual((await ecs(running.url, 'eu-central-1').send(new ListClustersCommand({}))).clusterArns, []);
  });

  it('GetCallerIdentity names the base user, and the assumed role for sandbox-issued keys', async () => {
    const base = await sts(running.url).send(new GetCallerIdentityCommand({}));
    assert.equal(base.Account, PRODUCTION);
    assert.equal(base.Arn, 'arn:aws:iam::123456789012:user/codeflow');
    assert.match(base.UserId!, /^AIDA[A-Z0-9]{17}$/);
    const assumed = await sts(running.url, await assume(running.url, STAGING_READ)).send(new GetCallerIdentityCommand({}));
    assert.equal(assumed.Account, STAGING);
    assert.equal(assumed.Arn, 'arn:aws:sts::210987654321:assumed-role/CodeflowReadOnly/codeflow-test');
    assert.match(assumed.UserId!, /^AROA[A-Z0-9]{17}:codeflow-test$/);
  });

  it('AssumeRole issues ASIA keys with an hour-long default lifetime and the assumed-role user', async () => {
    const before = Date.now();
    const out = await sts(running.url).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::210987654321:role/CodeflowOperator', RoleSessionName: 'alice@example.com', ExternalId: SANDBOX_EXTERNAL_ID }));
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA[A-Z0-9]{16}$/);
    assert.ok(out.Credentials!.SecretAccessKey!.length >= 40);
    assert.ok(out.Credentials!.SessionToken!.length > 100);
    const lifetime = out.Credentials!.Expiration!.getTime() - before;
    assert.ok(lifetime > 3590_000 && lifetime <= 3601_000, `${lifetime} ms`);
    assert.equal(out.AssumedRoleUser!.Arn, 'arn:aws:sts::210987654321:assumed-role/CodeflowOperator/alice@example.com');
    const short = await sts(running.url).send(new AssumeRoleCommand({ RoleArn: STAGING_READ, RoleSessionName: 'short', ExternalId: SANDBOX_EXTERNAL_ID, DurationSeconds: 900 }));
    assert.ok(short.Credentials!.Expiration!.getTime() - Date.now() <= 900_000);
  });

  it('AssumeRole is denied without the external id, with a wrong one, for a role that does not exist, and for a caller the role does not trust', async () => {
    const denied = (message: string, role: string) => {
      assert.equal(message, `User: arn:aws:iam::123456789012:user/codeflow is not authorized to perform: sts:AssumeRole on resource: ${role}`);
    };
    for (const externalId of [null, 'not-the-id']) {
      const error = await rejection(assume(running.url, STAGING_READ, externalId));
      assert.equal(error.name, 'AccessDenied');
      assert.equal(error.status, 403);
      denied(error.message, STAGING_READ);
    }
    const noSuchRole = 'arn:aws:iam::210987654321:role/NoSuchRole';
    denied((await rejection(assume(running.url, noSuchRole))).message, noSuchRole);
    // The roles trust the production account's principals, not a session in another member account.
    const stagingKeys = await assume(running.url, STAGING_READ);
    const chained = await rejection(assume(running.url, SECURITY_READ, SANDBOX_EXTERNAL_ID, stagingKeys));
    assert.equal(chained.name, 'AccessDenied');
    assert.equal(chained.message, `User: arn:aws:sts::210987654321:assumed-role/CodeflowReadOnly/codeflow-test is not authorized to perform: sts:AssumeRole on resource: ${SECURITY_READ}`);
  });

  it('the trust switch makes an account\'s roles refuse AssumeRole until it is lifted', async () => {
    assert.equal((await admin(running.url, 'PUT', `/_sandbox/accounts/${SECURITY}/trust`, { deny: true })).status, 200);
    try {
      assert.equal((await rejection(assume(running.url, SECURITY_READ))).name, 'AccessDenied');
      await assume(running.url, STAGING_READ); // other accounts are unaffected
      const accounts = (await admin(running.url, 'GET', '/_sandbox/accounts')).body.accounts as { id: string; trust: string; roles: string[]; worlds: { region: string }[] }[];
      assert.deepEqual(accounts.map((a) => [a.id, a.trust]), [[PRODUCTION, 'allow'], [STAGING, 'allow'], [SECURITY, 'deny']]);
      assert.deepEqual(accounts[1]!.roles, [STAGING_READ, 'arn:aws:iam::210987654321:role/CodeflowOperator']);
      // Its listed Regions, then any other a request asked for (an earlier test's eu-central-1).
      assert.deepEqual(accounts[0]!.worlds.map((w) => w.region).slice(0, 2), ['us-east-1', 'us-west-2']);
      assert.deepEqual(accounts[2]!.worlds.map((w) => w.region), ['us-east-1']);
    } finally {
      await admin(running.url, 'PUT', `/_sandbox/accounts/${SECURITY}/trust`, { deny: false });
    }
    await assume(running.url, SECURITY_READ);
  });

  it('AssumeRole validates its parameters as STS does (ValidationError)', async () => {
    const send = (input: Partial<{ RoleSessionName: string; DurationSeconds: number }>) =>
      rejection(sts(running.url).send(new AssumeRoleCommand({ RoleArn: STAGING_READ, RoleSessionName: 'ok-name', ExternalId: SANDBOX_EXTERNAL_ID, ...input })));
    const spaces = await send({ RoleSessionName: 'has spaces' });
    assert.equal(spaces.name, 'ValidationError');
    assert.match(spaces.message, /Value 'has spaces' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern/);
    assert.match((await send({ RoleSessionName: 'x' })).message, /Member must have length greater than or equal to 2/);
    assert.match((await send({ RoleSessionName: 'x'.repeat(65) })).message, /Member must have length less than or equal to 64/);
    assert.match((await send({ DurationSeconds: 899 })).message, /'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900/);
    assert.match((await send({ DurationSeconds: 43201 })).message, /Member must have value less than or equal to 43200/);
  });

  it('a sandbox-issued key that has expired is refused with ExpiredTokenException (JSON) and ExpiredToken (query); an unknown ASIA key is invalid', async () => {
    const keys = await assume(running.url, STAGING_READ);
    await ecs(running.url, 'us-east-1', keys).send(new ListClustersCommand({}));
    assert.equal((await admin(running.url, 'POST', '/_sandbox/sts/expire', { accessKeyId: keys.accessKeyId })).body.expired, 1);
    const json = await rejection(ecs(running.url, 'us-east-1', keys).send(new ListClustersCommand({})));
    assert.equal(json.name, 'ExpiredTokenException');
    assert.equal(json.message, 'The security token included in the request is expired');
    const query = await rejection(sts(running.url, keys).send(new GetCallerIdentityCommand({})));
    assert.equal(query.name, 'ExpiredToken');
    const stranger = { accessKeyId: 'ASIAFROMANOTHERPROCS', secretAccessKey: 'x', sessionToken: 'y' };
    const unknown = await rejection(ecs(running.url, 'us-east-1', stranger).send(new ListClustersCommand({})));
    assert.equal(unknown.name, 'UnrecognizedClientException');
    assert.equal(unknown.message, 'The security token included in the request is invalid.');
    assert.equal((await rejection(sts(running.url, stranger).send(new GetCallerIdentityCommand({})))).name, 'InvalidClientTokenId');
  });

  it('counts STS calls in the caller\'s world, with the role they named', async () => {
    const since = running.sandbox.lastCallSeq;
    const before = running.sandbox.calls.get('sts:AssumeRole') ?? 0;
    await assume(running.url, SECURITY_READ);
    assert.equal(running.sandbox.calls.get('sts:AssumeRole'), before + 1);
    assert.deepEqual(running.sandbox.callsMentioning(SECURITY_READ, since).calls, { 'sts:AssumeRole': 1 });
    const calls = (await admin(running.url, 'GET', '/_sandbox/calls')).body.calls as Record<string, number>;
    assert.equal(calls['sts:AssumeRole'], before + 1);
  });

  it('a fault rule set on the staging account\'s world delays only that account', async () => {
    const staging = ecs(running.url, 'us-east-1', await assume(running.url, STAGING_READ));
    const set = await admin(running.url, 'PUT', `/_sandbox/faults?account=${STAGING}&region=us-east-1`, { rules: [{ service: 'ecs', latencyMs: 1500 }] });
    assert.equal(set.status, 200);
    try {
      assert.deepEqual((await admin(running.url, 'GET', '/_sandbox/faults')).body.rules, [], 'the primary world has no faults');
      const timed = async (client: ECSClient) => {
        const t0 = Date.now();
        await client.send(new ListClustersCommand({}));
        return Date.now() - t0;
      };
      assert.ok((await timed(staging)) >= 1400, 'staging is slow');
      assert.ok((await timed(ecs(running.url))) < 1000, 'production is not');
      assert.ok((await timed(ecs(running.url, 'us-west-2', await assume(running.url, STAGING_READ)))) < 1000, "staging's other Region is not");
    } finally {
      await admin(running.url, 'DELETE', `/_sandbox/faults?account=${STAGING}`);
    }
    assert.deepEqual(running.organization!.world(STAGING, 'us-east-1').faults, []);
  });

  it('the admin API addresses worlds by ?account&region, and the clock moves all worlds together', async () => {
    const state = await admin(running.url, 'GET', `/_sandbox/state?account=${STAGING}&region=us-east-1`);
    assert.equal(state.body.account, STAGING);
    assert.deepEqual(state.body.clusters, [{ name: 'codeflow-cluster', services: 3 }]);
    assert.equal((await admin(running.url, 'GET', '/_sandbox/state?account=999999999999')).status, 404);
    const advanced = await admin(running.url, 'POST', '/_sandbox/clock/advance', { seconds: 600 });
    const nows = running.organization!.list().map((w) => w.sandbox.now());
    assert.ok(nows.every((n) => n === Date.parse(advanced.body.now as string)), 'every world at the same sim time');
    assert.equal((await admin(running.url, 'POST', `/_sandbox/clock/advance?account=${STAGING}`, { seconds: 60 })).status, 400);
  });
});

describe('sandbox organisation: persistence', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('saves every world and the credentials STS issued, and restores them all', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'codeflow-sandbox-org-'));
    dirs.push(dataDir);
    const first = await startSandbox({ organization: SANDBOX_ACCOUNTS, dataDir, speed: 0, startTime: START });
    const keys = await assume(first.url, STAGING_READ);
    // A change in the staging account's world, to see it come back.
    const staging = first.organization!.world(STAGING, 'us-east-1');
    staging.world.clusters.get('codeflow-cluster')!.services.get('codeflow-worker')!.desiredCount = 4;
    await admin(first.url, 'PUT', `/_sandbox/accounts/${SECURITY}/trust`, { deny: true });
    const worldIds = first.organization!.list().map((w) => [w.accountId, w.region, w.sandbox.worldId]);
    await first.close();
    assert.ok(storedWorldSize(dataDir) > 0);

    const second = await startSandbox({ organization: SANDBOX_ACCOUNTS, dataDir, speed: 0 });
    try {
      assert.equal(second.restored, true);
      assert.deepEqual(second.organization!.list().map((w) => [w.accountId, w.region, w.sandbox.worldId]), worldIds);
      const client = ecs(second.url, 'us-east-1', keys);
      const { services } = await client.send(new DescribeServicesCommand({ cluster: 'codeflow-cluster', services: ['codeflow-worker'] }));
      assert.equal(services![0]!.desiredCount, 4, 'the staging world came back, reached with the keys issued before the restart');
      assert.equal(services![0]!.serviceArn, 'arn:aws:ecs:us-east-1:210987654321:service/codeflow-cluster/codeflow-worker');
      assert.equal((await rejection(assume(second.url, SECURITY_READ))).name, 'AccessDenied', 'the trust switch was kept');
    } finally {
      await second.close();
    }
    assert.ok(existsSync(join(dataDir, 'sandbox', 'worlds', '210987654321-us-east-1.json.gz')));
    // --reset: every world and the issued keys go.
    deleteWorld(dataDir);
    assert.equal(storedWorldSize(dataDir), 0);
    assert.equal(existsSync(join(dataDir, 'sandbox', 'worlds')), false);
    const third = await startSandbox({ organization: SANDBOX_ACCOUNTS, dataDir, speed: 0 });
    try {
      assert.equal(third.restored, false);
      assert.equal((await rejection(ecs(third.url, 'us-east-1', keys).send(new ListClustersCommand({})))).name, 'UnrecognizedClientException');
    } finally {
      await third.close();
    }
  });

  it('takes up a single-account data dir: the primary world restored, the other worlds new and at its time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'codeflow-sandbox-org-'));
    dirs.push(dataDir);
    const single = await startSandbox({ dataDir, speed: 0, startTime: START });
    await admin(single.url, 'POST', '/_sandbox/clock/advance', { seconds: 3600 });
    const worldId = single.sandbox.worldId;
    await single.close();
    const org = await startSandbox({ organization: SANDBOX_ACCOUNTS, dataDir, speed: 0 });
    try {
      assert.equal(org.sandbox.worldId, worldId);
      await org.caughtUp;
      for (const w of org.organization!.list()) assert.equal(w.sandbox.now(), START + 3600_000, `${w.accountId} ${w.region}`);
    } finally {
      await org.close();
    }
  });
});

describe('sandbox organisation: accounts with a fleet size', () => {
  it('tops every world of such an account up to its size, the primary keeping the guide\'s fleet, the others generated workers in its two clusters', async () => {
    const accounts = [
      { ...SANDBOX_ACCOUNTS[0]!, fleetSize: 30 },
      { ...SANDBOX_ACCOUNTS[1]!, fleetSize: 12 },
      SANDBOX_ACCOUNTS[2]!,
    ];
    const org = await startSandbox({ organization: accounts, seed: 42, speed: 0, startTime: START });
    try {
      const size = (account: string, region: string) => [...org.organization!.world(account, region).world.clusters.values()].reduce((n, c) => n + c.services.size, 0);
      assert.equal(size(PRODUCTION, 'us-east-1'), 30);
      assert.ok(org.organization!.world(PRODUCTION, 'us-east-1').world.clusters.get('codeflow-cluster')!.services.has('codeflow-service'), 'the guide\'s fleet stays');
      assert.equal(size(PRODUCTION, 'us-west-2'), 30);
      assert.equal(size(STAGING, 'us-east-1'), 12);
      assert.equal(size(STAGING, 'us-west-2'), 12);
      assert.deepEqual([...org.organization!.world(STAGING, 'us-west-2').world.clusters.keys()], ['codeflow-cluster', 'codeflow-staging']);
      assert.equal(size(SECURITY, 'us-east-1'), 0, 'an account without a size keeps its layout');
      // The same through the wire, with the account's own role.
      const west = ecs(org.url, 'us-west-2', await assume(org.url, STAGING_READ));
      const listed = await west.send(new ListServicesCommand({ cluster: 'codeflow-cluster' }));
      assert.ok(listed.serviceArns!.every((arn) => arn.startsWith('arn:aws:ecs:us-west-2:210987654321:service/codeflow-cluster/')));
      // A reset keeps the sizes.
      org.organization!.reset({ seed: 7, startTime: START });
      assert.equal(size(STAGING, 'us-west-2'), 12);
      assert.equal(size(PRODUCTION, 'us-east-1'), 30);
    } finally {
      await org.close();
    }
  });
});

describe('sandbox without an organisation', () => {
  let running: RunningSandbox;
  before(async () => {
    running = await startSandbox({ seed: 42, speed: 0, startTime: START });
  });
  after(() => running?.close());

  it('answers every request from its one world whatever the keys or Region; STS names its one user and has no roles', async () => {
    const arns = (await ecs(running.url).send(new ListClustersCommand({}))).clusterArns;
    assert.deepEqual(await ecs(running.url, 'us-west-2', { accessKeyId: 'ASIASOMEONEELSE00000', secretAccessKey: 'x', sessionToken: 'y' }).send(new ListClustersCommand({})).then((o) => o.clusterArns), arns);
    assert.equal(running.organization, undefined);
    const me = await sts(running.url).send(new GetCallerIdentityCommand({}));
    assert.equal(me.Account, '123456789012');
    assert.equal(me.Arn, 'arn:aws:iam::123456789012:user/codeflow');
    assert.equal((await rejection(sts(running.url).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/Anything', RoleSessionName: 'x1' })))).name, 'AccessDenied');
    assert.equal((await admin(running.url, 'GET', '/_sandbox/accounts')).status, 404);
  });
});
