import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APP_ERROR_SUB_CODES, fieldIssuesOf, httpStatusOf, invalidField, subCodeOf } from './errors';

describe('error sub-codes and field issues', () => {
  it('approval_required is a sub-code clients can act on', () => {
    assert.ok(APP_ERROR_SUB_CODES.includes('approval_required'));
    assert.equal(subCodeOf('approval_required'), 'approval_required');
    assert.equal(subCodeOf('stale_plan'), 'stale_plan');
  });

  it('a sub-code this build does not know is ignored, not trusted', () => {
    assert.equal(subCodeOf('reboot_aws'), undefined);
    assert.equal(subCodeOf(undefined), undefined);
    assert.equal(subCodeOf(7), undefined);
  });

  it('keeps only well-formed field issues from a response', () => {
    assert.deepEqual(fieldIssuesOf([{ path: 'desiredCount', message: 'm', extra: 1 }, { path: 3, message: 'x' }, null, 'no']), [{ path: 'desiredCount', message: 'm' }]);
    assert.equal(fieldIssuesOf([{ path: 1 }]), undefined);
    assert.equal(fieldIssuesOf('desiredCount'), undefined);
  });

  it('invalidField is a 400 about one field, named in the message for people and in fields for clients', () => {
    const e = invalidField('desiredCount', '101 is above the limit of 100 tasks');
    assert.equal(httpStatusOf(e.code), 400);
    assert.equal(e.subCode, 'invalid');
    assert.equal(e.message, 'desiredCount: 101 is above the limit of 100 tasks');
    assert.deepEqual(e.fields, [{ path: 'desiredCount', message: '101 is above the limit of 100 tasks' }]);
  });
});
