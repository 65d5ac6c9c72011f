import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_POLICY } from './policy-config';
import { DEFAULT_HARD_MAX_DESIRED_COUNT, desiredCountIssue, MAX_DESIRED_COUNT, planRequestSchema } from './contract';

describe('desired count messages: one wording, with the numbers', () => {
  it('says which limit a count breaks and by how much', () => {
    assert.equal(desiredCountIssue(101, 100), '101 is above the limit of 100 tasks');
    assert.equal(desiredCountIssue(-1, 100), '-1 is below the minimum of 0 tasks');
    assert.equal(desiredCountIssue(1.5, 100), '1.5 is not a whole number of tasks');
    assert.equal(desiredCountIssue(100, 100), null);
    assert.equal(desiredCountIssue(0, 100), null);
    assert.equal(desiredCountIssue(1, { min: 2, max: 50 }), '1 is below the minimum of 2 tasks');
    assert.equal(desiredCountIssue(60, { min: 2, max: 50 }), '60 is above the limit of 50 tasks');
    assert.equal(desiredCountIssue(MAX_DESIRED_COUNT + 1), `${MAX_DESIRED_COUNT + 1} is above the limit of ${MAX_DESIRED_COUNT} tasks`, "the API's ceiling by default");
  });

  it("the policy's default limit is the contract's", () => {
    assert.equal(DEFAULT_POLICY.hardMaxDesiredCount, DEFAULT_HARD_MAX_DESIRED_COUNT);
  });

  it('the request schema refuses with the same words, on the desiredCount path', () => {
    for (const desiredCount of [MAX_DESIRED_COUNT + 1, -3, 2.5]) {
      const parsed = planRequestSchema.safeParse({ kind: 'scale', desiredCount });
      assert.equal(parsed.success, false);
      assert.deepEqual(
        parsed.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        [{ path: 'desiredCount', message: desiredCountIssue(desiredCount) }],
      );
    }
    assert.equal(planRequestSchema.safeParse({ kind: 'scale', desiredCount: DEFAULT_HARD_MAX_DESIRED_COUNT + 1 }).success, true, "the policy's lower limit is the planner's to apply (it is configurable)");
  });
});
