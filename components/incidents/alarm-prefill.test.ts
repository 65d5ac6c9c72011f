import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prefillFromAlarm, prefillFromFinding } from './alarm-prefill';

test('an alarm prefills its name, its services and the alarm as the source', () => {
  const p = prefillFromAlarm({ name: 'Codeflow-HighCPU', reason: 'x', services: [{ cluster: 'codeflow-cluster', service: 'codeflow-service' }] });
  assert.equal(p.title, 'Codeflow-HighCPU in ALARM on codeflow-service');
  assert.equal(p.severity, 'P2');
  assert.deepEqual(p.services, [{ cluster: 'codeflow-cluster', service: 'codeflow-service' }]);
  assert.deepEqual(p.source, { kind: 'alarm', ref: 'Codeflow-HighCPU', label: 'Codeflow-HighCPU' });
  assert.equal(prefillFromAlarm({ name: 'A', reason: '', services: [] }).title, 'A in ALARM');
});

test('a finding maps GuardDuty severity to P0–P3 and names its service only when it has one', () => {
  const base = { id: 'f1', title: 'Reverse shell', type: 'Execution:Runtime/ReverseShell', resource: { type: 'ECSCluster', cluster: 'c', service: 's' } };
  assert.equal(prefillFromFinding({ ...base, severityLabel: 'CRITICAL' }).severity, 'P0');
  assert.equal(prefillFromFinding({ ...base, severityLabel: 'HIGH' }).severity, 'P1');
  assert.equal(prefillFromFinding({ ...base, severityLabel: 'LOW' }).severity, 'P3');
  assert.deepEqual(prefillFromFinding({ ...base, severityLabel: 'HIGH' }).services, [{ cluster: 'c', service: 's' }]);
  assert.deepEqual(prefillFromFinding({ ...base, severityLabel: 'HIGH', resource: { type: 'AccessKey' } }).services, []);
  assert.deepEqual(prefillFromFinding({ ...base, severityLabel: 'HIGH' }).source, { kind: 'finding', ref: 'f1', label: 'Execution:Runtime/ReverseShell' });
});
