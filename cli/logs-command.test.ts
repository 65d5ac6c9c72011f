import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseDuration } from './logs-command';
import { EXIT } from './remote/exit-codes';
import { multiPlaceFleet, PRODUCTION, runCli, startStandIn, type StandIn } from './testing/cli-against-api';

it('parseDuration reads 30s, 10m, 2h, 1d and refuses anything else', () => {
  assert.deepEqual(['30s', '10m', '2h', '1d'].map((d) => parseDuration(d, 0)), [30_000, 600_000, 7_200_000, 86_400_000]);
  assert.equal(parseDuration(undefined, 5), 5);
  for (const bad of ['10', 'm', '1w', '-5m', true] as const) assert.throws(() => parseDuration(bad, 0), /--since expects a duration/);
});

describe('logs of a service in several accounts and Regions', { timeout: 120_000 }, () => {
  let api: StandIn;
  before(async () => (api = await startStandIn(multiPlaceFleet())));
  after(() => api.close());

  it('refuses a name that runs in several places, listing them and how to choose', async () => {
    for (const target of ['web', 'main/web']) {
      const run = await runCli(api, ['logs', target]);
      assert.equal(run.code, EXIT.usage, run.stderr);
      assert.match(run.stderr, new RegExp(`"${target}" runs in several accounts/Regions; name one with --account/--region: production \\(${PRODUCTION}\\) us-east-1 main/web, production \\(${PRODUCTION}\\) us-west-2 main/web`));
    }
  });

  it('reads the one in the named place', async () => {
    api.requests.length = 0;
    const run = await runCli(api, ['logs', 'web', '--region', 'us-east-1']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.requests.find((r) => r.path === '/api/services/main/web')?.query, { account: PRODUCTION, region: 'us-east-1' });
    assert.match(run.stdout, /a line from \/ecs\/web-us-east-1/);
  });

  it('reads a service outside the console’s home in its own account and Region', async () => {
    api.requests.length = 0;
    const run = await runCli(api, ['logs', 'worker'], { CODEFLOW_ACCOUNT: 'staging' });
    assert.equal(run.code, 0, run.stderr);
    const events = api.requests.find((r) => r.path === '/api/logs/events');
    assert.equal(events?.query.account, '210987654321');
    assert.equal(events?.query.region, 'us-east-1');
    const unknown = await runCli(api, ['logs', 'worker', '--account', 'production']);
    assert.equal(unknown.code, EXIT.usage);
    assert.match(unknown.stderr, /no service named "worker" in account production/);
  });

  it('reads a /log/group in the account and Region named', async () => {
    api.requests.length = 0;
    const run = await runCli(api, ['logs', '/ecs/anything', '--account', 'staging', '--region', 'us-west-2']);
    assert.equal(run.code, 0, run.stderr);
    const events = api.requests.find((r) => r.path === '/api/logs/events');
    assert.deepEqual([events?.query.group, events?.query.account, events?.query.region], ['/ecs/anything', 'staging', 'us-west-2']);
  });
});
