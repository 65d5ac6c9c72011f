import { loadBalancerDimension, targetGroupDimension } from '@/lib/aws/arn';
import type { PlaceRef } from '@/lib/accounts/places';
import type { ServiceDetail } from '@/lib/fleet/types';
import type { ServiceActionContext } from '@/components/ops/action-dialog-state';

/**
 * What the action dialogs need from the service page's data. Switch traffic (and a deploy by
 * listener switch) applies to a listener that forwards to exactly two target groups — unless the
 * service uses ECS's native blue/green, where ECS moves the traffic itself and the server refuses
 * a switch (lib/ops/bluegreen.ts): then no target groups are offered, so neither is shown.
 */
export function actionContextOf(detail: ServiceDetail, maxDesiredCount?: number, place?: PlaceRef | null): ServiceActionContext {
  const names = new Map(detail.targetGroups.map((g) => [g.targetGroup.arn, g.targetGroup.name]));
  const listeners = detail.targetGroups.flatMap((g) => g.listeners.map((l) => l.listener));
  const pair = detail.service.deploymentStrategy === 'BLUE_GREEN' ? undefined : listeners.find((l) => l.forwards.length === 2);
  const total = pair ? pair.forwards.reduce((sum, f) => sum + f.weight, 0) : 0;
  return {
    place: place ?? null,
    cluster: detail.cluster,
    service: detail.service.name,
    containers: (detail.taskDefinition?.containers ?? []).map((c) => ({ name: c.name, image: c.image, essential: c.essential })),
    desiredCount: detail.service.desiredCount,
    ...(maxDesiredCount !== undefined ? { maxDesiredCount } : {}),
    targetGroups: pair
      ? pair.forwards.map((f) => ({
          arn: f.targetGroupArn,
          name: names.get(f.targetGroupArn) ?? f.targetGroupArn.split('/')[1] ?? f.targetGroupArn,
          weight: total > 0 ? Math.round((f.weight / total) * 100) : 0,
        }))
      : [],
  };
}

/** CloudWatch's LoadBalancer and TargetGroup dimensions of the group the service's tasks register in, or null without one. */
export function loadBalancerDimensionsOf(detail: ServiceDetail): { loadBalancer: string; targetGroup: string } | null {
  const bound = detail.service.loadBalancers[0]?.targetGroupArn;
  const group = detail.targetGroups.find((g) => g.targetGroup.arn === bound)?.targetGroup;
  const lbArn = group?.loadBalancerArns[0];
  if (!group || !lbArn) return null;
  return { loadBalancer: loadBalancerDimension(lbArn), targetGroup: targetGroupDimension(group.arn) };
}
