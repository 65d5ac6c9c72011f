import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTIONS, can } from './can';
import { ROLES, roleFromGroups, DEFAULT_ROLE_MAPPING, lowerOf } from './roles';

describe('can', () => {
  it('grants each action to its minimum role and everyone above, never below', () => {
    for (const [action, minimum] of Object.entries(ACTIONS)) {
      for (const role of ROLES) {
        const expected = ROLES.indexOf(role) >= ROLES.indexOf(minimum);
        assert.equal(can({ role }, action as keyof typeof ACTIONS), expected, `${role} ${action}`);
      }
    }
  });

  it('managers (viewers) read but never act; operators act but cannot revoke sessions', () => {
    assert.equal(can({ role: 'viewer' }, 'fleet.read'), true);
    assert.equal(can({ role: 'viewer' }, 'service.rollback'), false);
    assert.equal(can({ role: 'responder' }, 'incident.acknowledge'), true);
    assert.equal(can({ role: 'responder' }, 'service.scale'), false);
    assert.equal(can({ role: 'operator' }, 'traffic.switch'), true);
    assert.equal(can({ role: 'operator' }, 'sessions.revoke'), false);
    assert.equal(can({ role: 'admin' }, 'sessions.revoke'), true);
  });

  it('nobody signed in may do nothing', () => {
    assert.equal(can(null, 'fleet.read'), false);
    assert.equal(can(undefined, 'fleet.read'), false);
  });
});

describe('roleFromGroups', () => {
  it('takes the highest mapped group', () => {
    assert.equal(roleFromGroups(['codeflow-viewers', 'codeflow-operators'], DEFAULT_ROLE_MAPPING), 'operator');
  });

  it('gives viewer for no group or unknown groups', () => {
    assert.equal(roleFromGroups([], DEFAULT_ROLE_MAPPING), 'viewer');
    assert.equal(roleFromGroups(['Everyone', 'codeflow-admin'], DEFAULT_ROLE_MAPPING), 'viewer');
  });

  it('lowerOf caps a token at its creator’s role', () => {
    assert.equal(lowerOf('admin', 'operator'), 'operator');
    assert.equal(lowerOf('viewer', 'operator'), 'viewer');
  });
});
