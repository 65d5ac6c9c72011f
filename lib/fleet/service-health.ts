import { imageTagOf, nameFromArn, parseTaskDefinitionArn } from '../aws/arn';
import type { Service, TaskDefinition } from '../aws/types';
import type { ServiceHealth } from './types';
import { activeDeploymentCount, assessService, primaryOf } from './verdict';

/** The overview row for one service. `taskDefinition` is the service's current one, when known. */
export function toServiceHealth(cluster: string, service: Service, taskDefinition: TaskDefinition | null): ServiceHealth {
  const { verdict, reasons } = assessService(service);
  const primary = primaryOf(service);
  const image = taskDefinition ? mainImageOf(taskDefinition) : null;
  return {
    cluster: nameFromArn(cluster),
    name: service.name,
    arn: service.arn,
    verdict,
    reasons,
    desiredCount: service.desiredCount,
    runningCount: service.runningCount,
    pendingCount: service.pendingCount,
    rollout: {
      state: primary?.rolloutState ?? null,
      reason: primary?.rolloutStateReason ?? null,
      running: primary?.runningCount ?? service.runningCount,
      desired: primary?.desiredCount ?? service.desiredCount,
      failedTasks: primary?.failedTasks ?? 0,
      deployments: activeDeploymentCount(service),
    },
    taskDefinition: parseTaskDefinitionArn(service.taskDefinitionArn),
    image,
    imageTag: image ? imageTagOf(image) : null,
    lastDeploymentAt: newestDeploymentAt(service),
  };
}

/** The first essential container is the application; sidecars (envoy, log routers) come after it or are not essential. */
export function mainImageOf(td: TaskDefinition): string | null {
  return (td.containers.find((c) => c.essential) ?? td.containers[0])?.image ?? null;
}

function newestDeploymentAt(service: Service): string | null {
  let newest: string | null = null;
  for (const d of service.deployments) {
    if (d.createdAt && (newest === null || Date.parse(d.createdAt) > Date.parse(newest))) newest = d.createdAt;
  }
  return newest;
}
