import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forwardsOf, reshapeListener, reshapeTargetGroup, reshapeTargetHealth, toForwardAction } from './elbv2';

describe('forwardsOf', () => {
  it('reads a plain TargetGroupArn forward as all traffic', () => {
    assert.deepEqual(forwardsOf([{ Type: 'forward', TargetGroupArn: 'tg-blue' }]), [{ targetGroupArn: 'tg-blue', weight: 1 }]);
  });

  it('reads weighted ForwardConfig groups (blue/green)', () => {
    const forwards = forwardsOf([
      { Type: 'authenticate-oidc', Order: 1 },
      {
        Type: 'forward',
        Order: 2,
        TargetGroupArn: 'tg-blue',
        ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'tg-blue', Weight: 90 }, { TargetGroupArn: 'tg-green', Weight: 10 }] },
      },
    ]);
    assert.deepEqual(forwards, [
      { targetGroupArn: 'tg-blue', weight: 90 },
      { targetGroupArn: 'tg-green', weight: 10 },
    ]);
  });

  it('is empty for non-forward default actions', () => {
    assert.deepEqual(forwardsOf([{ Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_301' } }]), []);
  });
});

describe('toForwardAction', () => {
  it('keeps order and stickiness, replaces the groups', () => {
    const action = toForwardAction(
      { Type: 'forward', Order: 2, TargetGroupArn: 'tg-blue', ForwardConfig: { TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 } } },
      [{ targetGroupArn: 'tg-blue', weight: 0 }, { targetGroupArn: 'tg-green', weight: 100 }],
    );
    assert.deepEqual(action, {
      Type: 'forward',
      Order: 2,
      ForwardConfig: {
        TargetGroups: [{ TargetGroupArn: 'tg-blue', Weight: 0 }, { TargetGroupArn: 'tg-green', Weight: 100 }],
        TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
      },
    });
  });
});

describe('reshapers', () => {
  it('maps a listener', () => {
    assert.deepEqual(
      reshapeListener({ ListenerArn: 'l', LoadBalancerArn: 'lb', Port: 80, Protocol: 'HTTP', DefaultActions: [{ Type: 'forward', TargetGroupArn: 'tg' }] }),
      { arn: 'l', loadBalancerArn: 'lb', port: 80, protocol: 'HTTP', forwards: [{ targetGroupArn: 'tg', weight: 1 }] },
    );
  });

  it('maps a target group and target health', () => {
    const tg = reshapeTargetGroup({ TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/blue/abc', TargetGroupName: 'blue', Port: 3000, Protocol: 'HTTP', TargetType: 'ip', HealthCheckPath: '/health' });
    assert.equal(tg.name, 'blue');
    assert.deepEqual(tg.loadBalancerArns, []);
    assert.deepEqual(
      reshapeTargetHealth({ Target: { Id: '10.0.0.1', Port: 3000 }, TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' } }),
      { targetId: '10.0.0.1', port: 3000, state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' },
    );
  });
});
