import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inCliTerms } from './ops-command';
import { CliError, EXIT } from './remote/exit-codes';

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
