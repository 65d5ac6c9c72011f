import { AwsError } from '../protocol/errors';
import type { ServiceDefinition } from '../protocol/operations';
import type { ListenerRecord, TargetGroupRecord, World } from '../sim/world';
import type { Sandbox } from '../state';
import { optionalNumber, optionalString, paginate, pageSize, requiredString } from './input';

const ERR = 'ValidationError';

const list = (input: Record<string, unknown>, name: string): string[] | undefined => {
  const value = input[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new AwsError(ERR, `${name} must be a list of strings.`);
  return value as string[];
};

function loadBalancerOut(world: World, arn: string) {
  const lb = world.loadBalancers.get(arn)!;
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
    CreatedTime: new Date(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: 'active' },
    Type: 'application',
    AvailabilityZones: lb.availabilityZones.map((zone, i) => ({ ZoneName: zone, SubnetId: `subnet-0a1b2c3d4e5f6000${i + 1}` })),
    SecurityGroups: ['sg-0c0de0f10w0000002'],
    IpAddressType: 'ipv4',
  };
}

function listenerOut(world: World, listener: ListenerRecord) {
  const action =
    listener.forwards.length === 1
      ? { Type: 'forward', Order: 1, TargetGroupArn: listener.forwards[0]!.targetGroupArn, ForwardConfig: { TargetGroups: [{ TargetGroupArn: listener.forwards[0]!.targetGroupArn, Weight: listener.forwards[0]!.weight }], TargetGroupStickinessConfig: { Enabled: false } } }
      : { Type: 'forward', Order: 1, ForwardConfig: { TargetGroups: listener.forwards.map((f) => ({ TargetGroupArn: f.targetGroupArn, Weight: f.weight })), TargetGroupStickinessConfig: { Enabled: false } } };
  return {
    ListenerArn: listener.arn,
    LoadBalancerArn: listener.loadBalancerArn,
    Port: listener.port,
    Protocol: listener.protocol,
    Certificates: listener.protocol === 'HTTPS' ? [{ CertificateArn: world.arn('acm', 'certificate/0c0de0f1-0000-4000-8000-000000000001') }] : undefined,
    SslPolicy: listener.protocol === 'HTTPS' ? 'ELBSecurityPolicy-TLS13-1-2-2021-06' : undefined,
    DefaultActions: [action],
  };
}

function targetGroupOut(group: TargetGroupRecord) {
  return {
    TargetGroupArn: group.arn,
    TargetGroupName: group.name,
    Protocol: group.protocol,
    Port: group.port,
    VpcId: group.vpcId,
    HealthCheckProtocol: 'HTTP',
    HealthCheckPort: 'traffic-port',
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: 5,
    HealthCheckTimeoutSeconds: 4,
    HealthyThresholdCount: 3,
    UnhealthyThresholdCount: 2,
    HealthCheckPath: group.healthCheckPath,
    Matcher: { HttpCode: '200' },
    LoadBalancerArns: group.loadBalancerArns,
    TargetType: 'ip',
    ProtocolVersion: 'HTTP1',
    IpAddressType: 'ipv4',
  };
}

const healthReason: Record<string, { Reason?: string; Description?: string }> = {
  initial: { Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' },
  healthy: {},
  unhealthy: { Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' },
  draining: { Reason: 'Target.DeregistrationInProgress', Description: 'Target deregistration is in progress' },
};

/** `DefaultActions` as the query protocol delivers them, to the listener's forward list. */
function parseForwards(world: World, raw: unknown): { targetGroupArn: string; weight: number }[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new AwsError(ERR, 'DefaultActions must contain at least one action.');
  const action = raw[0] as Record<string, unknown>;
  if (action.Type !== 'forward') throw new AwsError(ERR, `Action type '${String(action.Type)}' is not supported by the sandbox; use 'forward'.`);
  const forwardConfig = action.ForwardConfig as { TargetGroups?: { TargetGroupArn?: string; Weight?: string | number }[] } | undefined;
  const forwards = forwardConfig?.TargetGroups?.length
    ? forwardConfig.TargetGroups.map((tg) => ({ targetGroupArn: String(tg.TargetGroupArn ?? ''), weight: tg.Weight === undefined ? 1 : Number(tg.Weight) }))
    : [{ targetGroupArn: String(action.TargetGroupArn ?? ''), weight: 1 }];
  if (typeof action.TargetGroupArn === 'string' && forwardConfig?.TargetGroups?.length && !forwards.some((f) => f.targetGroupArn === action.TargetGroupArn)) {
    throw new AwsError(ERR, 'TargetGroupArn and ForwardConfig must name the same target group.');
  }
  for (const f of forwards) {
    if (!f.targetGroupArn) throw new AwsError(ERR, 'A forward action must specify a target group.');
    if (!world.targetGroups.has(f.targetGroupArn)) throw new AwsError('TargetGroupNotFound', `Target group '${f.targetGroupArn}' not found`);
    if (!Number.isInteger(f.weight) || f.weight < 0 || f.weight > 999) throw new AwsError(ERR, 'Target group weights must be integers between 0 and 999.');
  }
  return forwards;
}

export function elbv2Service(sandbox: Sandbox): ServiceDefinition {
  return {
    signingName: 'elasticloadbalancing',
    protocols: ['awsQuery'],
    xmlNamespace: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
    operations: {
      DescribeLoadBalancers(input) {
        const { world } = sandbox;
        const arns = list(input, 'LoadBalancerArns');
        const names = list(input, 'Names');
        let items = [...world.loadBalancers.values()];
        if (arns) {
          const missing = arns.filter((a) => !world.loadBalancers.has(a));
          if (missing.length) throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
          items = items.filter((lb) => arns.includes(lb.arn));
        }
        if (names) {
          if (names.some((n) => !items.some((lb) => lb.name === n))) throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
          items = items.filter((lb) => names.includes(lb.name));
        }
        const { page, next } = paginate(items.map((lb) => lb.arn), optionalString(input, 'Marker'), pageSize(input, 'PageSize', 400, 400, ERR), ERR);
        return { LoadBalancers: page.map((arn) => loadBalancerOut(world, arn)), NextMarker: next };
      },

      DescribeListeners(input) {
        const { world } = sandbox;
        const lbArn = optionalString(input, 'LoadBalancerArn', ERR);
        const arns = list(input, 'ListenerArns');
        if (!lbArn && !arns) throw new AwsError(ERR, 'You must specify either listener ARNs or a load balancer ARN');
        if (lbArn && !world.loadBalancers.has(lbArn)) throw new AwsError('LoadBalancerNotFound', `Load balancer '${lbArn}' not found`);
        if (arns?.some((a) => !world.listeners.has(a))) throw new AwsError('ListenerNotFound', 'One or more listeners not found');
        const items = [...world.listeners.values()].filter((l) => (!lbArn || l.loadBalancerArn === lbArn) && (!arns || arns.includes(l.arn)));
        const { page, next } = paginate(items, optionalString(input, 'Marker'), pageSize(input, 'PageSize', 400, 400, ERR), ERR);
        return { Listeners: page.map((l) => listenerOut(world, l)), NextMarker: next };
      },

      DescribeTargetGroups(input) {
        const { world } = sandbox;
        const lbArn = optionalString(input, 'LoadBalancerArn', ERR);
        const arns = list(input, 'TargetGroupArns');
        const names = list(input, 'Names');
        if (lbArn && !world.loadBalancers.has(lbArn)) throw new AwsError('LoadBalancerNotFound', `Load balancer '${lbArn}' not found`);
        if (arns?.some((a) => !world.targetGroups.has(a))) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
        let items = [...world.targetGroups.values()].filter((g) => (!lbArn || g.loadBalancerArns.includes(lbArn)) && (!arns || arns.includes(g.arn)));
        if (names) {
          if (names.some((n) => !items.some((g) => g.name === n))) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
          items = items.filter((g) => names.includes(g.name));
        }
        const { page, next } = paginate(items, optionalString(input, 'Marker'), pageSize(input, 'PageSize', 400, 400, ERR), ERR);
        return { TargetGroups: page.map(targetGroupOut), NextMarker: next };
      },

      DescribeTargetHealth(input) {
        const { world } = sandbox;
        const arn = requiredString(input, 'TargetGroupArn', ERR);
        const group = world.targetGroups.get(arn);
        if (!group) throw new AwsError('TargetGroupNotFound', `Target groups '${arn}' not found`);
        const wanted = input.Targets as { Id?: string; Port?: string }[] | undefined;
        const targets = wanted ? group.targets.filter((t) => wanted.some((w) => w.Id === t.id && (w.Port === undefined || Number(w.Port) === t.port))) : group.targets;
        return {
          TargetHealthDescriptions: targets.map((t) => ({
            Target: { Id: t.id, Port: t.port, AvailabilityZone: t.availabilityZone },
            HealthCheckPort: String(t.port),
            TargetHealth: { State: t.state, ...healthReason[t.state] },
          })),
        };
      },

      ModifyListener(input) {
        const { world } = sandbox;
        const arn = requiredString(input, 'ListenerArn', ERR);
        const listener = world.listeners.get(arn);
        if (!listener) throw new AwsError('ListenerNotFound', `Listener '${arn}' not found`);
        const port = optionalNumber(input, 'Port', ERR);
        if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new AwsError(ERR, 'Port must be between 1 and 65535.');
        const forwards = input.DefaultActions === undefined ? undefined : parseForwards(world, input.DefaultActions);
        for (const f of forwards ?? []) {
          const group = world.targetGroups.get(f.targetGroupArn)!;
          if (!group.loadBalancerArns.includes(listener.loadBalancerArn)) {
            throw new AwsError(ERR, `Target group '${group.arn}' is not associated with this listener's load balancer.`);
          }
        }
        if (port !== undefined) listener.port = port;
        const protocol = optionalString(input, 'Protocol', ERR);
        if (protocol) listener.protocol = protocol;
        if (forwards) listener.forwards = forwards;
        return { Listeners: [listenerOut(world, listener)] };
      },
    },
  };
}
