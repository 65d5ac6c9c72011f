import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Db } from '../db/client';
import { describeTargets } from '../db/test-targets';
import { AppError } from '../errors';
import { listAudit } from './list';
import type { Actor } from './types';
import { verifyAuditChain } from './verify';
import { withAudit } from './with-audit';

const bob: Actor = { issuer: 'https://idp.example', subject: 'bob', name: 'Bob', role: 'operator' };
const intent = { actor: bob, action: 'service.scale', target: 'prod/api', params: { from: 2, to: 4 }, reason: 'traffic', requestId: 'req-9' };

describeTargets('withAudit', (target) => {
  let db: Db;
  before(async () => {
    db = (await target.fresh({ migrated: true })).db;
  });

  it('writes the intent before fn runs and the success after, with AWS request ids', async () => {
    let seenIntentSeq: number | undefined;
    const result = await withAudit(db, intent, async ({ intent: written, addAwsRequestId }) => {
      seenIntentSeq = written.seq;
      const { entries } = await listAudit(db, { limit: 1 });
      assert.equal(entries[0]?.outcome, 'intent', 'the intent is in the log while fn runs');
      addAwsRequestId('aws-describe');
      return { desired: 4, awsRequestIds: ['aws-update', 'aws-describe'] };
    });
    assert.deepEqual(result, { desired: 4, awsRequestIds: ['aws-update', 'aws-describe'] });
    const [outcome, written] = (await listAudit(db, { limit: 2 })).entries;
    assert.equal(written?.seq, seenIntentSeq);
    assert.deepEqual(
      { outcome: outcome?.outcome, intentSeq: outcome?.intentSeq, aws: outcome?.awsRequestIds, target: outcome?.target },
      { outcome: 'success', intentSeq: seenIntentSeq, aws: ['aws-describe', 'aws-update'], target: 'prod/api' },
    );
  });

  it('records a failure with the AppError request id, then rethrows the original error', async () => {
    const failure = new AppError('rate_limited', 'AWS is throttling UpdateService', { requestId: 'aws-throttled' });
    await assert.rejects(
      withAudit(db, intent, async () => {
        throw failure;
      }),
      (e) => e === failure,
    );
    const [outcome] = (await listAudit(db, { limit: 1 })).entries;
    assert.equal(outcome?.outcome, 'failure');
    assert.deepEqual(outcome?.awsRequestIds, ['aws-throttled']);
    assert.deepEqual(outcome?.params, { error: { code: 'rate_limited', message: 'AWS is throttling UpdateService' } });
  });

  it('keeps the internals of unknown errors out of the log', async () => {
    await assert.rejects(withAudit(db, intent, async () => Promise.reject(new TypeError('secret at 10.0.0.1'))), TypeError);
    const [outcome] = (await listAudit(db, { limit: 1 })).entries;
    assert.deepEqual(outcome?.params, { error: { code: 'internal', message: 'TypeError' } });
    assert.equal((await verifyAuditChain(db)).ok, true);
  });

  it('never runs fn when the intent cannot be written', async () => {
    let ran = false;
    const fn = async () => {
      ran = true;
    };
    // A database without the audit table, an entry the database rejects, a closed connection.
    const unmigrated = await target.fresh();
    await assert.rejects(withAudit(unmigrated.db, intent, fn));
    await assert.rejects(withAudit(db, { ...intent, actor: { ...bob, role: 'superuser' as Actor['role'] } }, fn));
    const closed = await target.fresh({ migrated: true });
    await closed.close();
    await assert.rejects(withAudit(closed.db, intent, fn));
    assert.equal(ran, false);
  });
});
