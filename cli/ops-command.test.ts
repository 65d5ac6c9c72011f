import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inCliTerms } from './ops-command';
import { CliError, EXIT } from './remote/exit-codes';
import { multiPlaceFleet, PRODUCTION, runCli, STAGING, startStandIn, type StandIn } from './testing/cli-against-api';

describe('inCliTerms: a refusal from the API, in the words of the command line', () => {
  it('names each bad field by the flag that sets it', () => {
    const e = inCliTerms(
      new CliError('request.desiredCount: 101 is above the limit of 100 tasks; incidentId: no incident INC-9 exists', EXIT.usage, {
        subCode: 'invalid',
        fields: [
          { path: 'request.desiredCount', message: '101 is above the limit of 100 tasks' },
          { path: 'incidentId', message: 'no incident INC-9 exists' },
          { path: 'role', message: 'x' },
        ],
      }),
    ) as CliError;
    assert.equal(e.message, '--count: 101 is above the limit of 100 tasks; --incident: no incident INC-9 exists; role: x');
    assert.equal(e.code, EXIT.usage);
  });

  it('says what to do next by the sub-code, whatever the message says', () => {
    const stale = inCliTerms(new CliError('anything', EXIT.refused, { subCode: 'stale_plan' })) as CliError;
    assert.equal(stale.message, 'anything — run the command again to see the new plan');
    assert.match((inCliTerms(new CliError('held by Bob', EXIT.refused, { subCode: 'locked' })) as CliError).message, /Operations page/);
    const plain = new CliError('the service changed since you planned', EXIT.refused);
    assert.equal(inCliTerms(plain), plain, 'no sub-code, no guessing from the text');
    const waiting = new CliError('still awaits approval', EXIT.needsApproval, { subCode: 'approval_required' });
    assert.equal(inCliTerms(waiting), waiting);
  });

  it('leaves anything that is not an API refusal alone', () => {
    const e = new Error('boom');
    assert.equal(inCliTerms(e), e);
  });
});

describe('deploy in another account and Region', { timeout: 120_000 }, () => {
  let api: StandIn;
  before(async () => (api = await startStandIn(multiPlaceFleet())));
  after(() => api.close());
  const deploy = (...extra: string[]) => ['deploy', 'main/worker', '--image', 'v2', '--reason', 'test', '--yes', '--confirm', 'worker', ...extra];

  it('plans in the named place and submits to the place the plan was made in, saying where', async () => {
    api.requests.length = 0;
    const run = await runCli(api, deploy('--account', 'staging', '--region', 'us-east-1'));
    assert.equal(run.code, 0, run.stderr);
    const [plan, submit] = api.requests;
    assert.equal(plan?.path, '/api/services/main/worker/plan');
    assert.deepEqual(plan?.query, { account: 'staging', region: 'us-east-1' });
    assert.equal(submit?.path, '/api/operations');
    assert.deepEqual({ account: submit?.body?.account, region: submit?.body?.region, service: submit?.body?.service }, { account: STAGING, region: 'us-east-1', service: 'worker' });
    assert.match(run.stdout, new RegExp(`^Deploy worker: v1 → v2 in account ${STAGING} \\(staging\\), us-east-1`, 'm'));
    assert.match(run.stdout, new RegExp(`deploy of main/worker in account ${STAGING} \\(staging\\), us-east-1 succeeded`));
  });

  it('takes CODEFLOW_REGION as the default, and without any place asks for home', async () => {
    api.requests.length = 0;
    await runCli(api, deploy(), { CODEFLOW_REGION: 'us-west-2' });
    assert.deepEqual(api.requests[0]?.query, { region: 'us-west-2' });
    assert.equal(api.requests[1]?.body?.region, 'us-west-2');

    api.requests.length = 0;
    const home = await runCli(api, ['deploy', 'main/web', '--image', 'v2', '--reason', 'test', '--yes', '--confirm', 'web']);
    assert.equal(home.code, 0, home.stderr);
    assert.deepEqual(api.requests[0]?.query, {});
    assert.deepEqual([api.requests[1]?.body?.account, api.requests[1]?.body?.region], [PRODUCTION, 'us-east-1']);
    assert.doesNotMatch(home.stdout, /in account/);
  });

  it('refuses a malformed --region before planning', async () => {
    api.requests.length = 0;
    const run = await runCli(api, deploy('--region', 'us_east_1'));
    assert.equal(run.code, EXIT.usage);
    assert.match(run.stderr, /--region expects an AWS Region/);
    assert.equal(api.requests.length, 0);
  });
});
