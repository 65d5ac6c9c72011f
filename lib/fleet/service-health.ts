import { imageTagOf, nameFromArn, parseTaskDefinitionArn } from '../aws/arn';
import type { Service, TaskDefinition } from '../aws/types';
import type { PlaceRef } from '../accounts/places';
import type { ServiceHealth, ServiceTelemetry } from './types';
import { activeDeploymentCount, assessService, primaryOf, telemetrySignals, withSignals, type TelemetryInput } from './verdict';

/**
 * The overview row for one service. `taskDefinition` is the service's current one, when known;
 * `place` is where it was read (its ARN's account and Region when not given).
 */
export function toServiceHealth(cluster: string, service: Service, taskDefinition: TaskDefinition | null, place?: PlaceRef): ServiceHealth {
  const { verdict, reasons } = assessService(service);
  const primary = primaryOf(service);
  const image = taskDefinition ? mainImageOf(taskDefinition) : null;
  const [, , , arnRegion = '', arnAccount = ''] = service.arn.split(':');
  return {
    account: place?.accountId ?? arnAccount,
    region: place?.region ?? arnRegion,
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
    targetGroupArns: [...new Set(service.loadBalancers.map((lb) => lb.targetGroupArn))],
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

/**
 * The row with its telemetry folded into the verdict and reasons. `health` must be the ECS-only
 * row as the snapshot computed it (its `telemetry` unset).
 */
export function withTelemetry(health: ServiceHealth, input: Omit<TelemetryInput, 'hasTargets' | 'desiredCount'> & { alarms: ServiceTelemetry['alarms'] }): ServiceHealth {
  const ecs = { verdict: health.verdict, reasons: health.reasons };
  const signals = telemetrySignals({ ...input, hasTargets: health.targetGroupArns.length > 0, desiredCount: health.desiredCount });
  const { verdict, reasons } = withSignals(ecs, signals);
  return {
    ...health,
    verdict,
    reasons,
    telemetry: {
      ecsVerdict: ecs.verdict,
      metrics: input.metrics,
      metricsError: input.metricsError ?? null,
      alarms: input.alarms,
      alarmsError: input.alarmsError ?? null,
      findings: input.findings,
      findingsError: input.findingsError ?? null,
      signals,
    },
  };
}
