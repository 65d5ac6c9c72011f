import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Service as SdkService, TaskDefinition as SdkTaskDefinition } from '@aws-sdk/client-ecs';
import { reshapeService, reshapeServiceDeployment, reshapeServiceDeploymentBrief, reshapeTask, reshapeTaskDefinition, toRegisterInput } from './ecs';

const created = new Date('2025-01-02T03:04:05.000Z');

const sdkTaskDefinition: SdkTaskDefinition = {
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/codeflow-app:7',
  family: 'codeflow-app',
  revision: 7,
  status: 'ACTIVE',
  cpu: '256',
  memory: '512',
  networkMode: 'awsvpc',
  executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
  registeredAt: created,
  requiresCompatibilities: ['FARGATE'],
  containerDefinitions: [
    {
      name: 'app',
      image: 'codeflow:1.0.0',
      essential: true,
      portMappings: [{ containerPort: 3000, protocol: 'tcp' }],
      environment: [{ name: 'DATABASE_URL', value: 'postgres://user:hunter2@db/prod' }],
      secrets: [{ name: 'API_KEY', valueFrom: 'arn:aws:secretsmanager:us-east-1:1:secret:key' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/codeflow' } },
    },
    { name: 'sidecar', image: 'envoy:1.30' },
  ],
};

describe('reshapeTaskDefinition', () => {
  it('maps fields and converts dates to ISO strings', () => {
    const td = reshapeTaskDefinition(sdkTaskDefinition);
    assert.equal(td.family, 'codeflow-app');
    assert.equal(td.revision, 7);
    assert.equal(td.registeredAt, '2025-01-02T03:04:05.000Z');
    assert.equal(td.taskRoleArn, null);
    assert.deepEqual(td.containers[0], {
      name: 'app',
      image: 'codeflow:1.0.0',
      cpu: null,
      memory: null,
      essential: true,
      portMappings: [{ containerPort: 3000, protocol: 'tcp' }],
      environmentNames: ['DATABASE_URL'],
      secretNames: ['API_KEY'],
      logGroup: '/ecs/codeflow',
    });
    assert.equal(td.containers[1]?.essential, true, 'ECS defaults essential to true');
  });

  it('never copies environment or secret values', () => {
    const json = JSON.stringify(reshapeTaskDefinition(sdkTaskDefinition));
    assert.doesNotMatch(json, /hunter2/);
    assert.doesNotMatch(json, /secretsmanager/);
  });
});

describe('toRegisterInput', () => {
  it('copies the base definition, swapping only the named image', () => {
    const input = toRegisterInput(sdkTaskDefinition, { app: 'codeflow:1.1.0' });
    assert.equal(input.family, 'codeflow-app');
    assert.equal(input.containerDefinitions?.[0]?.image, 'codeflow:1.1.0');
    assert.equal(input.containerDefinitions?.[1]?.image, 'envoy:1.30');
    assert.deepEqual(input.containerDefinitions?.[0]?.environment, sdkTaskDefinition.containerDefinitions?.[0]?.environment);
    assert.deepEqual(input.requiresCompatibilities, ['FARGATE']);
    assert.ok(!('revision' in input) && !('status' in input) && !('taskDefinitionArn' in input));
  });
});

describe('reshapeService', () => {
  const sdkService: SdkService = {
    serviceArn: 'arn:aws:ecs:us-east-1:1:service/codeflow-cluster/codeflow-service',
    serviceName: 'codeflow-service',
    clusterArn: 'arn:aws:ecs:us-east-1:1:cluster/codeflow-cluster',
    status: 'ACTIVE',
    desiredCount: 3,
    runningCount: 2,
    pendingCount: 1,
    launchType: 'FARGATE',
    taskDefinition: sdkTaskDefinition.taskDefinitionArn,
    createdAt: created,
    deploymentController: { type: 'ECS' },
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    loadBalancers: [{ targetGroupArn: 'arn:tg/blue', containerName: 'app', containerPort: 3000 }, { loadBalancerName: 'classic-elb' }],
    deployments: [
      {
        id: 'ecs-svc/1',
        status: 'PRIMARY',
        taskDefinition: sdkTaskDefinition.taskDefinitionArn,
        desiredCount: 3,
        runningCount: 2,
        pendingCount: 1,
        failedTasks: 1,
        createdAt: created,
        updatedAt: created,
        rolloutState: 'IN_PROGRESS',
        rolloutStateReason: 'ECS deployment ecs-svc/1 in progress.',
      },
    ],
    events: [{ id: 'e1', createdAt: created, message: '(service codeflow-service) has started 1 tasks.' }],
  };

  it('maps the service, its deployments and events', () => {
    const s = reshapeService(sdkService);
    assert.equal(s.name, 'codeflow-service');
    assert.equal(s.taskDefinitionArn, sdkTaskDefinition.taskDefinitionArn);
    assert.deepEqual(s.circuitBreaker, { enabled: true, rollback: true });
    assert.deepEqual(s.loadBalancers, [{ targetGroupArn: 'arn:tg/blue', containerName: 'app', containerPort: 3000 }]);
    assert.equal(s.deployments[0]?.rolloutState, 'IN_PROGRESS');
    assert.equal(s.deployments[0]?.failedTasks, 1);
    assert.equal(s.deployments[0]?.createdAt, '2025-01-02T03:04:05.000Z');
    assert.deepEqual(s.events[0], { id: 'e1', createdAt: '2025-01-02T03:04:05.000Z', message: '(service codeflow-service) has started 1 tasks.' });
  });

  it('fills safe defaults for an almost empty service', () => {
    const s = reshapeService({ serviceArn: 'arn:aws:ecs:us-east-1:1:service/c/only-arn' });
    assert.equal(s.name, 'only-arn');
    assert.equal(s.deploymentController, 'ECS');
    assert.equal(s.circuitBreaker, null);
    assert.deepEqual(s.deployments, []);
    assert.equal(s.createdAt, null);
  });
});

describe('reshapeTask', () => {
  it('maps a stopped task with its container exit codes', () => {
    const t = reshapeTask({
      taskArn: 'arn:aws:ecs:us-east-1:1:task/codeflow-cluster/abc123',
      clusterArn: 'arn:aws:ecs:us-east-1:1:cluster/codeflow-cluster',
      taskDefinitionArn: 'td:1',
      startedBy: 'ecs-svc/1',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      stoppedAt: created,
      containers: [{ name: 'app', image: 'codeflow:bad', lastStatus: 'STOPPED', exitCode: 1, reason: 'CannotPullContainerError' }],
    });
    assert.equal(t.id, 'abc123');
    assert.equal(t.stoppedAt, '2025-01-02T03:04:05.000Z');
    assert.equal(t.startedAt, null);
    assert.deepEqual(t.containers[0], { name: 'app', image: 'codeflow:bad', lastStatus: 'STOPPED', exitCode: 1, reason: 'CannotPullContainerError', healthStatus: null });
  });
});

describe('service deployment records', () => {
  it('maps the brief list record', () => {
    const r = reshapeServiceDeploymentBrief({
      serviceDeploymentArn: 'arn:sd/1',
      serviceArn: 'arn:svc',
      status: 'SUCCESSFUL',
      targetServiceRevisionArn: 'arn:rev/2',
      createdAt: created,
    });
    assert.equal(r.targetRevisionArn, 'arn:rev/2');
    assert.equal(r.rollback, null);
    assert.equal(r.createdAt, '2025-01-02T03:04:05.000Z');
  });

  it('maps rollback and circuit breaker details', () => {
    const r = reshapeServiceDeployment({
      serviceDeploymentArn: 'arn:sd/2',
      status: 'ROLLBACK_SUCCESSFUL',
      targetServiceRevision: { arn: 'arn:rev/3' },
      rollback: { reason: 'circuit breaker', startedAt: created, serviceRevisionArn: 'arn:rev/2' },
      deploymentCircuitBreaker: { status: 'TRIGGERED', failureCount: 3, threshold: 3 },
    });
    assert.deepEqual(r.rollback, { reason: 'circuit breaker', startedAt: '2025-01-02T03:04:05.000Z', serviceRevisionArn: 'arn:rev/2' });
    assert.deepEqual(r.circuitBreaker, { status: 'TRIGGERED', failureCount: 3, threshold: 3 });
    assert.equal(r.targetRevisionArn, 'arn:rev/3');
  });
});

describe('guarded-action shapes', () => {
  it('maps lifecycle stage, hooks and pausedAtHook of a blue/green deployment', () => {
    const r = reshapeServiceDeployment({
      serviceDeploymentArn: 'arn:sd/4',
      status: 'IN_PROGRESS',
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      sourceServiceRevisions: [{ arn: 'arn:rev/1' }],
      targetServiceRevision: { arn: 'arn:rev/2' },
      lifecycleHookDetails: [
        { hookId: 'ecs-hook-a', targetType: 'AWS_LAMBDA', targetArn: 'arn:aws:lambda:us-east-1:1:function:smoke', status: 'SUCCEEDED' },
        { hookId: 'ecs-pause-b', targetType: 'PAUSE', status: 'AWAITING_ACTION', expiresAt: created },
      ],
    });
    assert.equal(r.lifecycleStage, 'POST_TEST_TRAFFIC_SHIFT');
    assert.equal(r.pausedAtHook, true);
    assert.deepEqual(r.sourceServiceRevisionArns, ['arn:rev/1']);
    assert.equal(r.targetServiceRevisionArn, 'arn:rev/2');
    assert.equal(r.lifecycleHooks[1]!.expiresAt, '2025-01-02T03:04:05.000Z');
    const continued = reshapeServiceDeployment({ status: 'IN_PROGRESS', lifecycleHookDetails: [{ hookId: 'x', status: 'SUCCEEDED' }] });
    assert.equal(continued.pausedAtHook, false);
    assert.equal(reshapeServiceDeploymentBrief({ status: 'IN_PROGRESS' }).pausedAtHook, false, 'brief records cannot tell');
  });

  it('reads the deployment strategy, bake time and hooks of a service (ROLLING when unset)', () => {
    const bg = reshapeService({
      serviceName: 'checkout-api',
      deploymentConfiguration: {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 2,
        lifecycleHooks: [{ hookTargetArn: 'arn:aws:lambda:us-east-1:1:function:pause-me', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
      },
    });
    assert.equal(bg.deploymentStrategy, 'BLUE_GREEN');
    assert.equal(bg.bakeTimeInMinutes, 2);
    assert.deepEqual(bg.lifecycleHooks, [{ targetType: 'AWS_LAMBDA', hookTargetArn: 'arn:aws:lambda:us-east-1:1:function:pause-me', roleArn: null, lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }]);
    const rolling = reshapeService({ serviceName: 'x' });
    assert.equal(rolling.deploymentStrategy, 'ROLLING');
    assert.equal(rolling.bakeTimeInMinutes, null);
  });
});
