import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  type Action as SdkAction,
  type Listener as SdkListener,
  type LoadBalancer as SdkLoadBalancer,
  type TargetGroup as SdkTargetGroup,
  type TargetHealthDescription as SdkTargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AppError } from '../errors';
import { nameFromArn } from './arn';
import { chunk } from './batch';
import { send, type AwsClients } from './client';
import type { Listener, ListenerForward, LoadBalancer, TargetGroup, TargetHealth } from './types';

/** Describe* calls accept at most 20 ARNs, and page with Marker when listing everything. */
const ARNS_PER_CALL = 20;

export async function describeLoadBalancers(aws: AwsClients, arns?: readonly string[]): Promise<LoadBalancer[]> {
  const out: LoadBalancer[] = [];
  for (const LoadBalancerArns of arns ? chunk(arns, ARNS_PER_CALL) : [undefined]) {
    let Marker: string | undefined;
    do {
      const page = await send(aws.elbv2, new DescribeLoadBalancersCommand({ LoadBalancerArns, Marker }), aws.deadlineMs, 'DescribeLoadBalancers');
      out.push(...(page.LoadBalancers ?? []).map(reshapeLoadBalancer));
      Marker = page.NextMarker;
    } while (Marker);
  }
  return out;
}

export async function describeListeners(aws: AwsClients, loadBalancerArn: string): Promise<Listener[]> {
  return pagedListeners(aws, { LoadBalancerArn: loadBalancerArn });
}

async function pagedListeners(aws: AwsClients, filter: { LoadBalancerArn?: string; ListenerArns?: string[] }): Promise<Listener[]> {
  const out: Listener[] = [];
  let Marker: string | undefined;
  do {
    const page = await send(aws.elbv2, new DescribeListenersCommand({ ...filter, Marker }), aws.deadlineMs, 'DescribeListeners');
    out.push(...(page.Listeners ?? []).map(reshapeListener));
    Marker = page.NextMarker;
  } while (Marker);
  return out;
}

export async function describeTargetGroups(aws: AwsClients, filter: { arns?: readonly string[]; loadBalancerArn?: string } = {}): Promise<TargetGroup[]> {
  const out: TargetGroup[] = [];
  for (const TargetGroupArns of filter.arns ? chunk(filter.arns, ARNS_PER_CALL) : [undefined]) {
    let Marker: string | undefined;
    do {
      const page = await send(
        aws.elbv2,
        new DescribeTargetGroupsCommand({ TargetGroupArns, LoadBalancerArn: filter.loadBalancerArn, Marker }),
        aws.deadlineMs,
        'DescribeTargetGroups',
      );
      out.push(...(page.TargetGroups ?? []).map(reshapeTargetGroup));
      Marker = page.NextMarker;
    } while (Marker);
  }
  return out;
}

export async function describeTargetHealth(aws: AwsClients, targetGroupArn: string): Promise<TargetHealth[]> {
  const out = await send(aws.elbv2, new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }), aws.deadlineMs, 'DescribeTargetHealth');
  return (out.TargetHealthDescriptions ?? []).map(reshapeTargetHealth);
}

/**
 * Points the listener's default forward action at `forwards` (blue/green weights). Other
 * default actions (authentication, their order) and stickiness are kept as they are.
 */
export async function modifyListenerForward(aws: AwsClients, listenerArn: string, forwards: readonly ListenerForward[]): Promise<Listener> {
  if (forwards.length === 0) throw new AppError('invalid', 'A listener must forward to at least one target group');
  const page = await send(aws.elbv2, new DescribeListenersCommand({ ListenerArns: [listenerArn] }), aws.deadlineMs, 'DescribeListeners');
  const current = page.Listeners?.[0];
  if (!current) throw new AppError('not_found', `Listener "${listenerArn}" was not found`);
  const actions = current.DefaultActions ?? [];
  if (!actions.some((a) => a.Type === 'forward')) {
    throw new AppError('invalid', 'The listener does not forward traffic by default, so there are no weights to change');
  }
  const DefaultActions = actions.map((a) => (a.Type === 'forward' ? toForwardAction(a, forwards) : a));
  const out = await send(aws.elbv2, new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions }), aws.deadlineMs, 'ModifyListener');
  const updated = out.Listeners?.[0];
  if (!updated) throw new AppError('upstream', 'ELB modified the listener but returned none');
  return reshapeListener(updated);
}

export function toForwardAction(existing: SdkAction, forwards: readonly ListenerForward[]): SdkAction {
  return {
    Type: 'forward',
    Order: existing.Order,
    ForwardConfig: {
      TargetGroups: forwards.map((f) => ({ TargetGroupArn: f.targetGroupArn, Weight: f.weight })),
      TargetGroupStickinessConfig: existing.ForwardConfig?.TargetGroupStickinessConfig,
    },
  };
}

export function reshapeLoadBalancer(lb: SdkLoadBalancer): LoadBalancer {
  return {
    arn: lb.LoadBalancerArn ?? '',
    name: lb.LoadBalancerName ?? '',
    dnsName: lb.DNSName ?? null,
    scheme: lb.Scheme ?? null,
    type: lb.Type ?? null,
    state: lb.State?.Code ?? null,
  };
}

export function reshapeListener(l: SdkListener): Listener {
  return {
    arn: l.ListenerArn ?? '',
    loadBalancerArn: l.LoadBalancerArn ?? '',
    port: l.Port ?? null,
    protocol: l.Protocol ?? null,
    forwards: forwardsOf(l.DefaultActions ?? []),
  };
}

/**
 * A forward is either the plain `TargetGroupArn` (all traffic, weight 1) or `ForwardConfig` with
 * weighted groups; AWS may fill in both for a single group, and ForwardConfig is the complete one.
 */
export function forwardsOf(actions: readonly SdkAction[]): ListenerForward[] {
  const forward = actions.find((a) => a.Type === 'forward');
  if (!forward) return [];
  const groups = forward.ForwardConfig?.TargetGroups ?? [];
  if (groups.length > 0) {
    return groups
      .filter((g) => g.TargetGroupArn)
      .map((g) => ({ targetGroupArn: g.TargetGroupArn as string, weight: g.Weight ?? 1 }));
  }
  return forward.TargetGroupArn ? [{ targetGroupArn: forward.TargetGroupArn, weight: 1 }] : [];
}

export function reshapeTargetGroup(tg: SdkTargetGroup): TargetGroup {
  const arn = tg.TargetGroupArn ?? '';
  return {
    arn,
    name: tg.TargetGroupName ?? nameFromArn(arn),
    port: tg.Port ?? null,
    protocol: tg.Protocol ?? null,
    targetType: tg.TargetType ?? null,
    healthCheckPath: tg.HealthCheckPath ?? null,
    loadBalancerArns: tg.LoadBalancerArns ?? [],
  };
}

export function reshapeTargetHealth(d: SdkTargetHealthDescription): TargetHealth {
  return {
    targetId: d.Target?.Id ?? '',
    port: d.Target?.Port ?? null,
    state: d.TargetHealth?.State ?? 'unavailable',
    reason: d.TargetHealth?.Reason ?? null,
    description: d.TargetHealth?.Description ?? null,
  };
}
