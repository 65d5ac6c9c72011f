import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding as SdkFinding } from '@aws-sdk/client-guardduty';
import { allOf, inCluster, isArchived, ofTypes, reshapeFinding, severityAtLeast, severityIn, severityLabelOf, updatedSince } from './guardduty';

const runtimeFinding: SdkFinding = {
  AccountId: '123456789012',
  Arn: 'arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0/finding/0f1e',
  Id: '0f1e',
  Region: 'us-east-1',
  SchemaVersion: '2.0',
  Type: 'Execution:Runtime/ReverseShell',
  Title: 'A reverse shell was opened in a container.',
  Description: 'A shell has its input and output redirected.',
  Severity: 8.4,
  CreatedAt: '2026-11-26T10:00:00Z',
  UpdatedAt: '2026-11-26T11:30:00.5Z',
  Resource: {
    ResourceType: 'ECSCluster',
    EcsClusterDetails: {
      Name: 'codeflow-cluster',
      Arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/codeflow-cluster',
      TaskDetails: {
        Arn: 'arn:aws:ecs:us-east-1:123456789012:task/codeflow-cluster/abc',
        DefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/codeflow:3',
        Group: 'service:codeflow-service',
        Containers: [{ Name: 'codeflow', Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.4.2' }],
      },
    },
  },
  Service: { ServiceName: 'guardduty', Archived: true, Count: 4 },
};

describe('reshapeFinding', () => {
  it('summarises a runtime finding with its cluster, service, task and image', () => {
    assert.deepEqual(reshapeFinding(runtimeFinding), {
      id: '0f1e',
      arn: runtimeFinding.Arn,
      type: 'Execution:Runtime/ReverseShell',
      title: 'A reverse shell was opened in a container.',
      description: 'A shell has its input and output redirected.',
      severity: 8.4,
      severityLabel: 'HIGH',
      createdAt: '2026-11-26T10:00:00.000Z',
      updatedAt: '2026-11-26T11:30:00.500Z',
      archived: true,
      count: 4,
      region: 'us-east-1',
      accountId: '123456789012',
      resource: {
        type: 'ECSCluster',
        cluster: 'codeflow-cluster',
        service: 'codeflow-service',
        taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/codeflow-cluster/abc',
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/codeflow:3',
        image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.4.2',
      },
    });
  });

  it('falls back to the task definition family when the task has no service group', () => {
    const standalone = structuredClone(runtimeFinding);
    standalone.Resource!.EcsClusterDetails!.TaskDetails!.Group = 'family:codeflow';
    assert.equal(reshapeFinding(standalone).resource.service, 'codeflow');
  });

  it('summarises an access-key finding without ECS fields', () => {
    const f = reshapeFinding({
      ...runtimeFinding,
      Id: 'k1',
      Severity: 2,
      Type: 'Policy:IAMUser/RootCredentialUsage',
      Resource: { ResourceType: 'AccessKey', AccessKeyDetails: { AccessKeyId: 'ASIAEXAMPLE', UserName: 'Root', UserType: 'Root' } },
      Service: { Archived: false },
    });
    assert.deepEqual(f.resource, { type: 'AccessKey', accessKeyId: 'ASIAEXAMPLE', principal: 'Root' });
    assert.equal(f.severityLabel, 'LOW');
    assert.equal(f.count, 1);
  });
});

describe('finding criteria builders', () => {
  it('labels severities by GuardDuty band', () => {
    assert.deepEqual([1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(severityLabelOf), ['LOW', 'LOW', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH', 'CRITICAL', 'CRITICAL']);
  });

  it('builds the common filters and merges them', () => {
    assert.deepEqual(severityIn(['HIGH', 'CRITICAL']), { severity: { Eq: ['HIGH', 'CRITICAL'] } });
    assert.deepEqual(
      allOf(severityAtLeast('HIGH'), ofTypes(['Execution:Runtime/ReverseShell']), inCluster('arn:aws:ecs:us-east-1:123456789012:cluster/codeflow-cluster'), isArchived(false), updatedSince('2026-11-01T00:00:00Z'), { severity: { Lt: 9 } }),
      {
        severity: { Gte: 7, Lt: 9 },
        type: { Eq: ['Execution:Runtime/ReverseShell'] },
        'resource.ecsClusterDetails.name': { Eq: ['codeflow-cluster'] },
        'service.archived': { Eq: ['false'] },
        updatedAt: { Gte: Date.parse('2026-11-01T00:00:00Z') },
      },
    );
  });
});
