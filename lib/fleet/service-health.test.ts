import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskDefinition } from '../aws/types';
import { mainImageOf, toServiceHealth } from './service-health';
import { makeDeployment, makeService } from './testing/builders';

const container = (name: string, image: string, essential: boolean) => ({
  name,
  image,
  essential,
  cpu: null,
  memory: null,
  portMappings: [],
  environmentNames: [],
  secretNames: [],
  logGroup: null,
});

const td: TaskDefinition = {
  arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:5',
  family: 'web',
  revision: 5,
  status: 'ACTIVE',
  cpu: '256',
  memory: '512',
  networkMode: 'awsvpc',
  taskRoleArn: null,
  executionRoleArn: null,
  registeredAt: null,
  containers: [container('log-router', 'fluent-bit:2', false), container('app', '123.dkr.ecr.us-east-1.amazonaws.com/web:v1.4.2', true)],
};

describe('toServiceHealth', () => {
  it('builds the overview row', () => {
    const service = makeService({
      deployments: [
        makeDeployment({ id: 'new', rolloutState: 'IN_PROGRESS', runningCount: 1, failedTasks: 1, createdAt: '2025-01-03T00:00:00.000Z' }),
        makeDeployment({ id: 'old', status: 'ACTIVE', runningCount: 2, createdAt: '2025-01-01T00:00:00.000Z' }),
      ],
    });
    const h = toServiceHealth('arn:aws:ecs:us-east-1:123456789012:cluster/prod', service, td);
    assert.equal(h.cluster, 'prod');
    assert.equal(h.verdict, 'deploying');
    assert.deepEqual(h.rollout, { state: 'IN_PROGRESS', reason: 'ECS deployment ecs-svc/1 completed.', running: 1, desired: 3, failedTasks: 1, deployments: 2 });
    assert.deepEqual(h.taskDefinition, { family: 'web', revision: 5 });
    assert.equal(h.image, '123.dkr.ecr.us-east-1.amazonaws.com/web:v1.4.2');
    assert.equal(h.imageTag, 'v1.4.2');
    assert.equal(h.lastDeploymentAt, '2025-01-03T00:00:00.000Z');
  });

  it('leaves image empty when the task definition is unknown', () => {
    const h = toServiceHealth('prod', makeService({ deployments: [] }), null);
    assert.equal(h.image, null);
    assert.equal(h.imageTag, null);
    assert.equal(h.lastDeploymentAt, null);
    assert.equal(h.rollout.deployments, 0);
  });
});

describe('mainImageOf', () => {
  it('takes the first essential container, else the first one', () => {
    assert.equal(mainImageOf(td), '123.dkr.ecr.us-east-1.amazonaws.com/web:v1.4.2');
    assert.equal(mainImageOf({ ...td, containers: [container('a', 'a:1', false)] }), 'a:1');
    assert.equal(mainImageOf({ ...td, containers: [] }), null);
  });
});
