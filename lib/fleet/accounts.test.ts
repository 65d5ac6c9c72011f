/**
 * The fleet across accounts and Regions, the way the server reads it: the accounts configuration
 * (CODEFLOW_ACCOUNTS), clients per account × Region from lib/aws/default-clients (assumed-role
 * credentials for member accounts), and the fleet feed — against the sandbox playing the
 * organisation over the wire, STS included.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSandbox } from '../../sandbox/server';
import { startSandboxOrganization, type SandboxOrganization } from '../accounts/testing/organization';
import type { FleetOverview } from './types';

const PRODUCTION = '123456789012';
const STAGING = '210987654321';
const SECURITY = '555555555555';

let running: RunningSandbox;
let modules: {
  getConfig: typeof import('../config').getConfig;
  getFleetContext: typeof import('./context').getFleetContext;
  FleetFeed: typeof import('./feed').FleetFeed;
  assumeRoleCalls: typeof import('../aws/default-clients').assumeRoleCalls;
  getAwsWriteClients: typeof import('../aws/default-clients').getAwsWriteClients;
};

let admin: SandboxOrganization['admin'];

async function until<T>(what: string, fn: () => T | undefined | null | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const overviewOf = (feed: InstanceType<typeof modules.FleetFeed>) => JSON.parse(feed.latest().json.toString()) as FleetOverview;

describe('the fleet across accounts and Regions', () => {
  before(async () => {
    ({ running, admin } = await startSandboxOrganization());
    const [config, context, feed, clients] = await Promise.all([import('../config'), import('./context'), import('./feed'), import('../aws/default-clients')]);
    modules = { getConfig: config.getConfig, getFleetContext: context.getFleetContext, FleetFeed: feed.FleetFeed, assumeRoleCalls: clients.assumeRoleCalls, getAwsWriteClients: clients.getAwsWriteClients };
  });
  after(() => running?.close());

  const contexts = () => modules.getConfig().places.map((p) => ({ ...modules.getFleetContext(p), snapshotTtlMs: 300, telemetryWaitMs: 200 }));

  it('reads every account and Region, each service stamped with where it runs, with one AssumeRole per member role', async () => {
    const before = modules.assumeRoleCalls();
    const feed = new modules.FleetFeed(contexts(), { tickMs: 20 });
    try {
      const o = await until('every place read', () => {
        const o = overviewOf(feed);
        return o.places?.every((p) => !p.loading) && o;
      });
      assert.deepEqual(
        o.places!.map((p) => [p.accountName, p.region, p.error]),
        [
          ['production', 'us-east-1', null],
          ['production', 'us-west-2', null],
          ['staging', 'us-east-1', null],
          ['staging', 'us-west-2', null],
          ['security', 'us-east-1', null],
        ],
      );
      const where = (account: string, region: string) => o.services.filter((s) => s.account === account && s.region === region);
      // The same names in three places, told apart by account and Region; every ARN says where.
      for (const [account, region] of [[PRODUCTION, 'us-east-1'], [PRODUCTION, 'us-west-2'], [STAGING, 'us-east-1']] as const) {
        const services = where(account, region);
        assert.ok(services.some((s) => s.cluster === 'codeflow-cluster' && s.name === 'codeflow-service'), `codeflow-service in ${account} ${region}`);
        assert.ok(services.every((s) => s.arn.includes(`:${region}:${account}:`)), `ARNs of ${account} ${region}`);
      }
      assert.equal(where(STAGING, 'us-west-2').length, 0, 'an empty Region');
      assert.equal(where(SECURITY, 'us-east-1').length, 0, 'no ECS in the security account');
      assert.equal(new Set(o.services.map((s) => `${s.account}/${s.region}/${s.cluster}/${s.name}`)).size, o.services.length, 'no service twice');

      // Several refreshes later, still one AssumeRole per member account's read role (staging, security).
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(modules.assumeRoleCalls() - before, 2);
    } finally {
      feed.close();
    }
  });

  it('an account whose role refuses, and one that answers in 10 s, hold up no other account', async () => {
    await admin('PUT', `/_sandbox/accounts/${SECURITY}/trust`, { deny: true });
    await admin('PUT', `/_sandbox/faults?account=${STAGING}&region=us-east-1`, { rules: [{ latencyMs: 10_000 }] });
    // Fresh contexts (no cached credentials or snapshots), as after a restart.
    for (const key of Object.getOwnPropertySymbols(globalThis).filter((s) => s.description?.startsWith('codeflow.perPlace.') || s.description === 'codeflow.awsClients')) {
      delete (globalThis as Record<symbol, unknown>)[key];
    }
    const feed = new modules.FleetFeed(contexts(), { tickMs: 20 });
    try {
      const started = Date.now();
      const o = await until('production read', () => {
        const o = overviewOf(feed);
        return o.services.some((s) => s.account === PRODUCTION && s.region === 'us-west-2') && o.services.some((s) => s.account === PRODUCTION && s.region === 'us-east-1') && o;
      });
      const waited = Date.now() - started;
      // The slow account is still on its first call: production did not wait for it.
      assert.ok(waited < 5000, `production took ${waited} ms with a 10 s account beside it`);
      assert.equal(o.loading, false);
      const staging = o.places!.find((p) => p.account === STAGING && p.region === 'us-east-1')!;
      assert.equal(staging.loading, true, 'the slow account is still loading');
      const security = await until('the denied account reported', () => overviewOf(feed).places!.find((p) => p.account === SECURITY && p.error !== null));
      assert.match(security.error!, /^security \(555555555555\): AccessDenied on sts:AssumeRole for arn:aws:iam::555555555555:role\/CodeflowReadOnly; check the role's trust policy/);
      // …and named in the discovery error by account and Region.
      assert.match(overviewOf(feed).discoveryError ?? '', /security \(555555555555\) us-east-1: .*AccessDenied/);
    } finally {
      feed.close();
      await admin('PUT', `/_sandbox/accounts/${SECURITY}/trust`, { deny: false });
      await admin('DELETE', `/_sandbox/faults?account=${STAGING}&region=us-east-1`);
    }
  });

  it('credentials AWS rejects before their expiry (revoked, expired early) are assumed again, and the call sent once more', async () => {
    const { getAwsClients } = await import('../aws/default-clients');
    const { listClusterArns } = await import('../aws/ecs');
    const clients = getAwsClients({ accountId: STAGING, region: 'us-east-1' });
    const list = async () => {
      const arns: string[] = [];
      for await (const arn of listClusterArns(clients)) arns.push(arn);
      return arns;
    };
    assert.deepEqual(await list(), [`arn:aws:ecs:us-east-1:${STAGING}:cluster/codeflow-cluster`]);
    const calls = modules.assumeRoleCalls();
    await admin('POST', '/_sandbox/sts/expire', {});
    // AWS refused the request before acting on it: the call is sent again with fresh credentials, so nobody sees the error.
    assert.deepEqual(await list(), [`arn:aws:ecs:us-east-1:${STAGING}:cluster/codeflow-cluster`], 'the call assumes the role again');
    assert.equal(modules.assumeRoleCalls(), calls + 1);
    assert.deepEqual(await list(), [`arn:aws:ecs:us-east-1:${STAGING}:cluster/codeflow-cluster`]);
    assert.equal(modules.assumeRoleCalls(), calls + 1, 'and keeps the new credentials');
  });

  it('writes in a member account go through its operator role, the person in the session name', async () => {
    const before = running.organization!.world(STAGING, 'us-east-1');
    assert.ok(before);
    const clients = modules.getAwsWriteClients({ accountId: STAGING, region: 'us-east-1' }, 'olga@example.com');
    const identity = await clients.ecs.config.credentials();
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const who = await new STSClient({ endpoint: running.url, region: 'us-east-1', credentials: identity }).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Account, STAGING);
    assert.equal(who.Arn, `arn:aws:sts::${STAGING}:assumed-role/CodeflowOperator/codeflow-olga@example.com`);
    // The same person again: the same clients, no new AssumeRole.
    const calls = modules.assumeRoleCalls();
    assert.equal(modules.getAwsWriteClients({ accountId: STAGING, region: 'us-east-1' }, 'olga@example.com'), clients);
    await clients.ecs.config.credentials();
    assert.equal(modules.assumeRoleCalls(), calls);
  });

  it('at start each account is asked who Codeflow is there; a refused role is named, the others answer', async () => {
    const { checkAccounts } = await import('../aws/default-clients');
    await admin('PUT', `/_sandbox/accounts/${SECURITY}/trust`, { deny: true });
    for (const key of Object.getOwnPropertySymbols(globalThis).filter((s) => s.description === 'codeflow.awsClients')) delete (globalThis as Record<symbol, unknown>)[key];
    try {
      const checks = await checkAccounts();
      assert.deepEqual(
        checks.map((c) => [c.accountName, c.error === null]),
        [
          ['production', true],
          ['staging', true],
          ['security', false],
        ],
      );
      assert.match(checks[1]!.arn!, /^arn:aws:sts::210987654321:assumed-role\/CodeflowReadOnly\/codeflow-read$/);
      assert.match(checks[2]!.error!, /^security \(555555555555\): AccessDenied on sts:AssumeRole for arn:aws:iam::555555555555:role\/CodeflowReadOnly/);
    } finally {
      await admin('PUT', `/_sandbox/accounts/${SECURITY}/trust`, { deny: false });
    }
  });
});
