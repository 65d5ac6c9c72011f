import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../protocol/errors';
import { compileCriteria, severityLabel, sortFindings, valuesAt } from './findings-criteria';

const finding = (id: string, severity: number, extra: Record<string, unknown> = {}) => ({
  id,
  severity,
  type: 'Execution:Runtime/NewBinaryExecuted',
  updatedAt: '2026-11-20T10:00:00.000Z',
  service: { archived: false, count: 1 },
  resource: {
    resourceType: 'ECSCluster',
    ecsClusterDetails: {
      name: 'codeflow-cluster',
      taskDetails: { definitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/codeflow:1', containers: [{ name: 'codeflow', image: 'codeflow:v1' }, { name: 'envoy', image: 'envoy:1.30' }] },
    },
  },
  ...extra,
});

const low = finding('a', 2.3);
const medium = finding('b', 5);
const high = finding('c', 8.1, { type: 'Execution:Runtime/ReverseShell', updatedAt: '2026-11-25T10:00:00.000Z' });
const critical = finding('d', 9.4, { service: { archived: true, count: 3 } });
const iam = { id: 'e', severity: 8, type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', updatedAt: '2026-11-21T00:00:00.000Z', service: { archived: false }, resource: { resourceType: 'AccessKey', accessKeyDetails: { accessKeyId: 'ASIA1' } } };
const all = [low, medium, high, critical, iam];

const ids = (criteria: unknown) => all.filter(compileCriteria(criteria)).map((f) => f.id);
const rejects = (criteria: unknown, message: RegExp) =>
  assert.throws(() => compileCriteria(criteria), (e: unknown) => e instanceof AwsError && e.code === 'BadRequestException' && e.status === 400 && message.test(e.message));

describe('GuardDuty finding criteria', () => {
  it('bands severities as GuardDuty does', () => {
    assert.deepEqual([1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(severityLabel), ['LOW', 'LOW', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH', 'CRITICAL', 'CRITICAL']);
  });

  it('takes severity labels in Eq (the guide §6.4 criterion) and numbers in Gte', () => {
    assert.deepEqual(ids({ criterion: { severity: { eq: ['HIGH', 'CRITICAL'] } } }), ['c', 'd', 'e']);
    assert.deepEqual(ids({ criterion: { severity: { gte: 7 } } }), ['c', 'd', 'e']);
    assert.deepEqual(ids({ criterion: { severity: { greaterThanOrEqual: 4, lessThan: 7 } } }), ['b']);
    assert.deepEqual(ids({ criterion: { severity: { neq: ['low', 'medium'] } } }), ['c', 'd', 'e']);
    assert.deepEqual(ids({ criterion: { severity: { eq: ['5'] } } }), ['b'], 'a number in Eq is an exact severity');
  });

  it('matches strings, booleans, times and list members', () => {
    assert.deepEqual(ids({ criterion: { type: { equals: ['Execution:Runtime/ReverseShell'] } } }), ['c']);
    assert.deepEqual(ids({ criterion: { 'service.archived': { eq: ['false'] } } }), ['a', 'b', 'c', 'e']);
    assert.deepEqual(ids({ criterion: { 'resource.ecsClusterDetails.name': { eq: ['codeflow-cluster'] }, 'service.archived': { eq: ['true'] } } }), ['d']);
    assert.deepEqual(ids({ criterion: { 'resource.ecsClusterDetails.name': { notEquals: ['codeflow-cluster'] } } }), ['e'], 'a finding without the attribute is not equal to it');
    assert.deepEqual(ids({ criterion: { updatedAt: { gte: Date.parse('2026-11-21T00:00:00Z') } } }), ['c', 'e']);
    assert.deepEqual(ids({ criterion: { 'resource.ecsClusterDetails.taskDetails.containers.image': { eq: ['envoy:1.30'] } } }).length, 4);
    assert.deepEqual(ids({ criterion: { 'resource.ecsClusterDetails.taskDetails.definitionArn': { matches: ['*task-definition/codeflow:*'] } } }).length, 4);
    assert.deepEqual(ids({ criterion: { type: { notMatches: ['Execution:*'] } } }), ['e']);
    assert.deepEqual(ids(undefined).length, 5);
    assert.deepEqual(ids({}).length, 5);
  });

  it('rejects what GuardDuty rejects with BadRequestException', () => {
    rejects({ criterion: { 'no.such.field': { eq: ['x'] } } }, /not a supported filter attribute/);
    rejects({ criterion: { severity: { eq: ['SEVERE'] } } }, /not a severity/);
    rejects({ criterion: { type: { gte: 3 } } }, /cannot be compared/);
    rejects({ criterion: { severity: { gte: '7' } } }, /must be a number/);
    rejects({ criterion: { severity: { eq: [] } } }, /non-empty list/);
    rejects({ criterion: { severity: { Eq: ['HIGH'] } } }, /not a valid comparator/);
    rejects({ criterion: { severity: {} } }, /no comparator/);
    rejects({ criterion: [] }, /map of conditions/);
  });

  it('sorts by any attribute, missing values last, ties by id', () => {
    assert.deepEqual(sortFindings(all, { attributeName: 'severity', orderBy: 'DESC' }).map((f) => f.id), ['d', 'c', 'e', 'b', 'a']);
    assert.deepEqual(sortFindings(all, { attributeName: 'severity', orderBy: 'ASC' }).map((f) => f.id), ['a', 'b', 'e', 'c', 'd']);
    assert.deepEqual(sortFindings(all, undefined).map((f) => f.id), ['c', 'e', 'a', 'b', 'd'], 'newest update first by default');
    assert.deepEqual(sortFindings(all, { attributeName: 'resource.ecsClusterDetails.name', orderBy: 'ASC' }).at(-1)?.id, 'e');
    assert.throws(() => sortFindings(all, { attributeName: 'nope' }), AwsError);
    assert.throws(() => sortFindings(all, { attributeName: 'severity', orderBy: 'UP' }), AwsError);
  });

  it('reads values through nested lists', () => {
    assert.deepEqual(valuesAt(low, 'resource.ecsClusterDetails.taskDetails.containers.name'), ['codeflow', 'envoy']);
    assert.deepEqual(valuesAt(iam, 'resource.ecsClusterDetails.name'), []);
  });
});
