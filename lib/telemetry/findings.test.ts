import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import type { Finding, SeverityLabel } from '../aws/findings-types';
import { testClients } from '../aws/testing/fixtures';
import { freePort } from '../aws/testing/moto';
import { createCache } from '../cache/cached';
import { compareFindings, createFindingsContext, filterKey, filtersToCriteria, getFindingsReport, sortFindings, summarizeByService, type FindingsContext } from './findings';

const SEVERITY: Record<SeverityLabel, number> = { LOW: 2, MEDIUM: 5, HIGH: 8, CRITICAL: 9.2 };

function finding(id: string, label: SeverityLabel, updatedAt: string, extra: Partial<Finding> = {}): Finding {
  return {
    id,
    arn: `arn:aws:guardduty:us-east-1:123456789012:detector/d/finding/${id}`,
    type: 'Execution:Runtime/ReverseShell',
    title: `finding ${id}`,
    description: '',
    severity: SEVERITY[label],
    severityLabel: label,
    createdAt: updatedAt,
    updatedAt,
    archived: false,
    count: 1,
    region: 'us-east-1',
    accountId: '123456789012',
    resource: { type: 'ECSCluster', cluster: 'prod', service: 'api' },
    ...extra,
  };
}

describe('sortFindings', () => {
  it('puts CRITICAL, then HIGH first, each newest first, then the lower bands', () => {
    const list = [
      finding('low-new', 'LOW', '2025-11-27T10:00:00.000Z'),
      finding('high-old', 'HIGH', '2025-11-20T10:00:00.000Z'),
      finding('medium', 'MEDIUM', '2025-11-27T09:00:00.000Z'),
      finding('critical', 'CRITICAL', '2025-11-01T10:00:00.000Z'),
      finding('high-new', 'HIGH', '2025-11-26T10:00:00.000Z'),
    ];
    assert.deepEqual(sortFindings(list).map((f) => f.id), ['critical', 'high-new', 'high-old', 'medium', 'low-new']);
  });

  it('breaks ties by severity, then id, so the order is stable between refreshes', () => {
    const at = '2025-11-27T10:00:00.000Z';
    const a = finding('a', 'HIGH', at, { severity: 7.1 });
    const b = finding('b', 'HIGH', at, { severity: 8.9 });
    const c = finding('c', 'HIGH', at, { severity: 8.9 });
    assert.deepEqual([a, c, b].sort(compareFindings).map((f) => f.id), ['b', 'c', 'a']);
  });
});

describe('filtersToCriteria', () => {
  const now = Date.parse('2025-11-27T00:00:00.000Z');

  it('shows open findings only unless archived ones are asked for', () => {
    assert.deepEqual(filtersToCriteria({}, now), { 'service.archived': { Eq: ['false'] } });
    assert.deepEqual(filtersToCriteria({ archived: true }, now), {});
  });

  it('turns every filter into a GuardDuty criterion', () => {
    assert.deepEqual(filtersToCriteria({ severity: 'HIGH', type: 'Impact:Runtime/CryptoMinerExecuted', cluster: 'prod', service: 'api', maxAgeDays: 7 }, now), {
      'service.archived': { Eq: ['false'] },
      severity: { Gte: 7 },
      type: { Eq: ['Impact:Runtime/CryptoMinerExecuted'] },
      'resource.ecsClusterDetails.name': { Eq: ['prod'] },
      'resource.ecsClusterDetails.taskDetails.group': { Eq: ['service:api'] },
      updatedAt: { Gte: Date.parse('2025-11-20T00:00:00.000Z') },
    });
  });

  it('leaves severity out for the counts, so each band is counted', () => {
    assert.deepEqual(filtersToCriteria({ severity: 'CRITICAL', archived: true }, now, { withSeverity: false }), {});
  });
});

describe('filterKey', () => {
  it('is the same for the same filters in any order, and differs otherwise', () => {
    assert.equal(filterKey({ cluster: 'prod', severity: 'HIGH' }), filterKey({ severity: 'HIGH', cluster: 'prod' }));
    assert.notEqual(filterKey({ archived: true }), filterKey({}));
    assert.notEqual(filterKey({ cluster: 'api' }), filterKey({ service: 'api' }));
  });
});

describe('summarizeByService', () => {
  it('counts open HIGH and CRITICAL findings per cluster/service with the worst band', () => {
    const at = '2025-11-27T10:00:00.000Z';
    const summary = summarizeByService([
      finding('1', 'HIGH', at),
      finding('2', 'CRITICAL', at),
      finding('3', 'HIGH', at, { resource: { type: 'ECSCluster', cluster: 'prod', service: 'worker' } }),
      finding('4', 'MEDIUM', at, { resource: { type: 'ECSCluster', cluster: 'prod', service: 'worker' } }),
      finding('5', 'CRITICAL', at, { archived: true, resource: { type: 'ECSCluster', cluster: 'prod', service: 'worker' } }),
      finding('6', 'HIGH', at, { resource: { type: 'AccessKey', principal: 'deployment-user' } }),
    ]);
    assert.deepEqual(Object.fromEntries(summary), {
      'prod/api': { highest: 'CRITICAL', count: 2 },
      'prod/worker': { highest: 'HIGH', count: 1 },
    });
  });
});

describe('getFindingsReport against the sandbox', { timeout: 60_000 }, () => {
  let running: RunningSandbox;
  let ctx: FindingsContext;
  let clock = Date.parse('2025-11-27T00:00:00.000Z');

  before(async () => {
    running = await startSandbox({ port: await freePort(), seed: 42, speed: 0 });
    ctx = createFindingsContext({ aws: testClients(running.url, { callDeadlineMs: 5000 }), cache: createCache({ now: () => clock }), ttlMs: 10_000 });
  });
  after(async () => {
    await running?.close();
  });

  it('lists open findings HIGH and CRITICAL first, with counts for every band', async () => {
    const report = await getFindingsReport({}, ctx);
    assert.ok(report.detectorId);
    assert.ok(report.findings && report.findings.length > 0);
    assert.deepEqual(report.findings, sortFindings(report.findings));
    assert.ok(report.findings.every((f) => !f.archived));
    assert.equal(report.counts?.total, report.findings.length);
    assert.deepEqual([report.stale, report.error], [false, null]);
  });

  it('keeps each panel on its own: throttled statistics leave the list fresh and the counts stale', async () => {
    const first = await getFindingsReport({ severity: 'HIGH' }, ctx);
    running.sandbox.faults = [{ service: 'guardduty', operation: 'GetFindingsStatistics', throttleRate: 1 }];
    try {
      clock += 11_000 + 20_000; // past the TTL and the stale-while-revalidate window
      const later = await getFindingsReport({ severity: 'HIGH' }, ctx);
      assert.equal(later.panels.findings.stale, false);
      assert.equal(later.panels.counts.stale, true);
      assert.match(later.panels.counts.error ?? '', /throttl|rate/i);
      assert.deepEqual(later.counts, first.counts, 'the last good counts are still shown');
      assert.equal(later.stale, true);
    } finally {
      running.sandbox.faults = [];
    }
  });

  it('reports a panel that has never loaded as unavailable rather than failing the page', async () => {
    running.sandbox.faults = [{ service: 'guardduty', operation: 'ListFindings', errorRate: 1 }];
    try {
      const report = await getFindingsReport({ cluster: 'nowhere' }, ctx);
      assert.equal(report.findings, null);
      assert.equal(report.panels.findings.fetchedAt, null);
      assert.ok(report.panels.findings.error);
      assert.ok(report.counts, 'the counts still load');
    } finally {
      running.sandbox.faults = [];
    }
  });
});
