import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Service } from '../aws/types';
import type { TargetGroupHealth } from '../fleet/types';
import { deploymentMarkers, periodFor, planQueries, resolveRange, MAX_POINTS } from './metrics';

const NOW = Date.parse('2026-11-27T02:00:30Z');

const service = {
  name: 'web',
  deployments: [
    { id: 'd1', status: 'PRIMARY', taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:2', createdAt: '2026-11-27T01:30:00.000Z' },
    { id: 'd0', status: 'ACTIVE', taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:1', createdAt: '2026-11-20T00:00:00.000Z' },
  ],
} as unknown as Service;

const group = (name: string): TargetGroupHealth =>
  ({
    targetGroup: { arn: `arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/${name}/abc`, name, loadBalancerArns: ['arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/lb/123'] },
    listeners: [],
    targets: [],
  }) as unknown as TargetGroupHealth;

describe('metrics read model', () => {
  it('chooses periods so no chart asks for more than MAX_POINTS', () => {
    for (const range of ['1h', '3h', '12h', '24h', '7d'] as const) {
      const r = resolveRange({ range }, NOW);
      assert.ok((Date.parse(r.to) - Date.parse(r.from)) / 1000 / r.periodSeconds <= MAX_POINTS, range);
    }
    assert.deepEqual(['1h', '3h', '12h', '24h', '7d'].map((range) => resolveRange({ range: range as '1h' }, NOW).periodSeconds), [60, 60, 300, 300, 3600]);
    assert.equal(periodFor(10 * 24 * 3600_000), 3600);
  });

  it('refuses reversed, future, too old and missing custom ranges, naming the allowed range', () => {
    const at = (iso: string) => new Date(Date.parse(iso)).toISOString();
    assert.throws(() => resolveRange({ range: 'custom', from: at('2026-11-27T01:00:00Z'), to: at('2026-11-27T00:00:00Z') }, NOW), { code: 'invalid', message: /reversed.*between/ });
    assert.throws(() => resolveRange({ range: 'custom', from: at('2026-11-27T01:00:00Z'), to: at('2026-11-28T00:00:00Z') }, NOW), { code: 'invalid', message: /future/ });
    assert.throws(() => resolveRange({ range: 'custom', from: at('2026-11-01T00:00:00Z'), to: at('2026-11-02T00:00:00Z') }, NOW), { code: 'invalid', message: /15 days/ });
    assert.throws(() => resolveRange({ range: 'custom' }, NOW), { code: 'invalid' });
    const ok = resolveRange({ range: 'custom', from: at('2026-11-26T00:00:00Z'), to: at('2026-11-27T00:00:00Z') }, NOW);
    assert.equal(ok.periodSeconds, 300);
  });

  it('plans every series in one batch, with the 5xx counts as unreturned inputs of the rate', () => {
    const plan = planQueries('c1', service, [group('web-blue'), group('web-green')], 60);
    assert.equal(plan.queries.length, 2 + 2 * 8);
    const rate = plan.queries.find((q) => q.id === 'e5xx0');
    assert.equal(rate?.expression, '100*FILL(m5xx0,0)/FILL(mreq0,1)');
    assert.equal(plan.queries.find((q) => q.id === 'm5xx0')?.returnData, false);
    assert.notEqual(plan.queries.find((q) => q.id === 'mreq0')?.returnData, false);
    assert.deepEqual(plan.queries.find((q) => q.id === 'p951')?.dimensions, { TargetGroup: 'targetgroup/web-green/abc', LoadBalancer: 'app/lb/123' });
    assert.deepEqual(plan.queries.find((q) => q.id === 'cpu')?.dimensions, { ClusterName: 'c1', ServiceName: 'web' });
  });

  it('marks deployments that began within the range', () => {
    const range = resolveRange({ range: '1h' }, NOW);
    assert.deepEqual(deploymentMarkers(service, range).map((d) => [d.id, d.taskDefinition]), [['d1', 'web:2']]);
  });
});
