import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FleetOverview } from '../lib/fleet/types';
import { EXIT } from './remote/exit-codes';
import { firstRead } from './status-command';
import { multiPlaceFleet, PRODUCTION, runCli, singlePlaceFleet, STAGING, startStandIn, type StandIn } from './testing/cli-against-api';

const fleet = (loading: boolean) => ({ version: 1, generatedAt: '', loading, discoveryError: null, clusters: [], services: [] }) as unknown as FleetOverview;

it('status waits out a console still on its first read of AWS, and gives up after its limit', async () => {
  let reads = 0;
  const loaded = await firstRead(async () => fleet(++reads < 3), 10_000);
  assert.equal(loaded.loading, false);
  assert.equal(reads, 3);

  reads = 0;
  const stillLoading = await firstRead(async () => (reads++, fleet(true)), 1500);
  assert.equal(stillLoading.loading, true);
  assert.ok(reads >= 2 && reads <= 3, `${reads} reads`);
});

describe('status and service with several accounts and Regions', { timeout: 180_000 }, () => {
  let api: StandIn;
  before(async () => (api = await startStandIn(multiPlaceFleet())));
  after(() => api.close());
  const rowsOf = (stdout: string) => stdout.split('\n').filter((l) => /\bmain\b/.test(l) && !/:/.test(l));

  it('names each row’s account and Region, and prints the error of a place that could not be read', async () => {
    const run = await runCli(api, ['status']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^ACCOUNT\s+REGION\s+CLUSTER\s+SERVICE/m);
    assert.deepEqual(rowsOf(run.stdout).map((l) => l.split(/\s+/).slice(0, 4).join(' ')).sort(), ['production us-east-1 main web', 'production us-west-2 main web', 'staging us-east-1 main worker']);
    assert.match(run.stdout, new RegExp(`^staging \\(${STAGING}\\) eu-west-1: staging \\(${STAGING}\\): AccessDenied on sts:AssumeRole$`, 'm'));
  });

  it('filters by account name (any case) or id, and by Region; CODEFLOW_ACCOUNT is the default', async () => {
    const byName = await runCli(api, ['status', '--account', 'STAGING']);
    assert.equal(byName.code, 0, byName.stderr);
    assert.deepEqual(rowsOf(byName.stdout).map((l) => l.split(/\s+/)[3]), ['worker']);
    assert.match(byName.stdout, /eu-west-1: .*AccessDenied/, 'the filtered place’s error is still said');

    const byRegion = await runCli(api, ['status', '--region', 'us-west-2']);
    assert.deepEqual(rowsOf(byRegion.stdout).map((l) => l.split(/\s+/).slice(0, 2).join(' ')), ['production us-west-2']);
    assert.doesNotMatch(byRegion.stdout, /AccessDenied/);

    const fromEnv = await runCli(api, ['status', '--json'], { CODEFLOW_ACCOUNT: PRODUCTION, CODEFLOW_REGION: 'us-east-1' });
    const json = JSON.parse(fromEnv.stdout) as FleetOverview;
    assert.deepEqual(json.services.map((s) => `${s.account} ${s.region} ${s.name}`), [`${PRODUCTION} us-east-1 web`]);
    assert.deepEqual(json.places?.map((p) => p.region), ['us-east-1']);
  });

  it('refuses an account or Region the fleet does not hold, naming what it holds', async () => {
    const account = await runCli(api, ['status', '--account', 'qa']);
    assert.equal(account.code, EXIT.usage);
    assert.match(account.stderr, new RegExp(`no account "qa".*production \\(${PRODUCTION}\\), staging \\(${STAGING}\\)`));
    const region = await runCli(api, ['status', '--account', 'staging', '--region', 'us-west-2']);
    assert.equal(region.code, EXIT.usage);
    assert.match(region.stderr, /no Region us-west-2 in account staging; the Regions watched there are us-east-1, eu-west-1/);
  });

  it('refuses a malformed --account, --region or CODEFLOW_REGION before any request', async () => {
    const before = api.requests.length;
    for (const [args, env, said] of [
      [['status', '--region', 'useast1'], {}, /--region expects an AWS Region such as us-east-1, got "useast1"/],
      [['status', '--account', 'a/b'], {}, /--account expects a 12-digit account id or an account name/],
      [['status', '--account'], {}, /--account needs a value/],
      [['service', 'main/web'], { CODEFLOW_REGION: 'Mars' }, /CODEFLOW_REGION expects an AWS Region/],
    ] as const) {
      const run = await runCli(api, [...args], env);
      assert.equal(run.code, EXIT.usage, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, said);
    }
    assert.equal(api.requests.length, before, 'no request was made');
  });

  it('service asks for the named place', async () => {
    const run = await runCli(api, ['service', 'main/web', '--account', 'production', '--region', 'us-west-2']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^main\/web\s+DEGRADED\s+123456789012 us-west-2$/m);
    assert.deepEqual(api.requests.at(-1)?.query, { account: 'production', region: 'us-west-2' });
  });

  it('one place: no ACCOUNT or REGION columns', async () => {
    const single = await startStandIn(singlePlaceFleet());
    try {
      const run = await runCli(single, ['status']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^CLUSTER\s+SERVICE/m);
    } finally {
      await single.close();
    }
  });
});
