import type { Deployment, Service } from '../../aws/types';

/** Builders for domain objects in unit tests: only what a test cares about is spelled out. */
export function makeDeployment(over: Partial<Deployment> = {}): Deployment {
  return {
    id: 'ecs-svc/1',
    status: 'PRIMARY',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:5',
    desiredCount: 3,
    runningCount: 3,
    pendingCount: 0,
    failedTasks: 0,
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:05:00.000Z',
    rolloutState: 'COMPLETED',
    rolloutStateReason: 'ECS deployment ecs-svc/1 completed.',
    ...over,
  };
}

export function makeService(over: Partial<Service> = {}): Service {
  return {
    arn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web',
    name: 'web',
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
    status: 'ACTIVE',
    desiredCount: 3,
    runningCount: 3,
    pendingCount: 0,
    launchType: 'FARGATE',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:5',
    deployments: [makeDeployment()],
    events: [],
    loadBalancers: [],
    deploymentController: 'ECS',
    circuitBreaker: { enabled: true, rollback: true },
    deploymentStrategy: 'ROLLING',
    bakeTimeInMinutes: null,
    lifecycleHooks: [],
    createdAt: '2024-12-01T00:00:00.000Z',
    ...over,
  };
}
