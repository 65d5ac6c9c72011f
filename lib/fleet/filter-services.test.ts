import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterServices } from './filter-services';
import { toServiceHealth } from './service-health';
import { makeDeployment, makeService } from './testing/builders';

const rows = [
  toServiceHealth('prod', makeService({ name: 'api' }), null),
  { ...toServiceHealth('prod', makeService({ name: 'worker', runningCount: 1, deployments: [makeDeployment({ runningCount: 1 })] }), null), image: 'ecr/worker:2.0' },
  toServiceHealth('staging', makeService({ name: 'api', runningCount: 0, deployments: [makeDeployment({ runningCount: 0 })] }), null),
];

describe('filterServices', () => {
  it('returns everything without a filter', () => {
    assert.equal(filterServices(rows, {}).length, 3);
  });

  it('filters by cluster and verdict (one or several)', () => {
    assert.deepEqual(filterServices(rows, { cluster: 'prod' }).map((s) => s.name), ['api', 'worker']);
    assert.deepEqual(filterServices(rows, { verdict: 'down' }).map((s) => s.cluster), ['staging']);
    assert.equal(filterServices(rows, { verdict: ['down', 'degraded'] }).length, 2);
    assert.equal(filterServices(rows, { cluster: 'prod', verdict: 'down' }).length, 0);
  });

  it('matches every word of q against name, cluster, image and reasons, ignoring case', () => {
    assert.deepEqual(filterServices(rows, { q: 'API' }).map((s) => s.cluster), ['prod', 'staging']);
    assert.deepEqual(filterServices(rows, { q: 'api staging' }).map((s) => s.verdict), ['down']);
    assert.deepEqual(filterServices(rows, { q: 'worker:2' }).map((s) => s.name), ['worker']);
    assert.deepEqual(filterServices(rows, { q: 'running 1 of' }).map((s) => s.name), ['worker']);
    assert.deepEqual(filterServices(rows, { q: '   ' }).length, 3);
    assert.deepEqual(filterServices(rows, { q: 'nothing-matches' }), []);
  });
});
