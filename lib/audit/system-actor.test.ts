import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isSystemActor, SYSTEM_ISSUER, systemActor } from './system-actor';

it('names background actors "system: …" with the role they act for, under an issuer no IdP can have', () => {
  assert.deepEqual(systemActor('escalation worker', 'responder'), { issuer: SYSTEM_ISSUER, subject: 'system:escalation-worker', name: 'system: escalation worker', role: 'responder' });
  assert.deepEqual(systemActor('operation runner', 'operator'), { issuer: SYSTEM_ISSUER, subject: 'system:operation-runner', name: 'system: operation runner', role: 'operator' });
  assert.equal(isSystemActor(systemActor('x', 'viewer')), true);
  assert.equal(isSystemActor({ issuer: 'https://idp.example', subject: 'system:escalation-worker', name: 'system: escalation worker', role: 'admin' }), false, 'a person cannot pass as the system by name');
  assert.equal(isSystemActor(null), false);
  assert.throws(() => systemActor('  ', 'viewer'), /needs a name/);
});
