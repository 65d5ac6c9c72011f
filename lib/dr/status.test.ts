import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecoveryPoint } from '../aws/backup';
import { parseDrConfig } from './config';
import { assessDatabase, assessDr, observe } from './status';

const ARN = 'arn:aws:rds:us-east-1:123456789012:db:codeflow-db';
const point = (createdAt: string, status: RecoveryPoint['status'] = 'COMPLETED', extra: Partial<RecoveryPoint> = {}): RecoveryPoint => ({
  arn: `arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-${createdAt}`,
  resourceArn: ARN,
  resourceName: 'codeflow-db',
  resourceType: 'RDS',
  vaultName: 'vault',
  createdAt,
  completedAt: null,
  status,
  statusMessage: null,
  sizeBytes: 1,
  ...extra,
});

describe('assessDatabase (RPO with a controlled clock)', () => {
  const points = [point('2026-11-27T08:00:00.000Z'), point('2026-11-27T10:00:00.000Z'), point('2026-11-27T09:00:00.000Z')];

  it('ages the newest restorable point, whatever order AWS listed them in', () => {
    const s = assessDatabase(observe('codeflow-db', ARN, points), 1, new Date('2026-11-27T10:45:00Z'));
    assert.equal(s.state, 'ok');
    assert.equal(s.ageSeconds, 45 * 60);
    assert.equal(s.latest?.createdAt, '2026-11-27T10:00:00.000Z');
    assert.equal(s.pointsSeen, 3);
  });

  it('is ok at exactly the RPO and breached one second past it', () => {
    const obs = observe('codeflow-db', ARN, points);
    assert.equal(assessDatabase(obs, 1, new Date('2026-11-27T11:00:00Z')).state, 'ok');
    const late = assessDatabase(obs, 1, new Date('2026-11-27T11:00:01Z'));
    assert.equal(late.state, 'breached');
    assert.equal(late.ageSeconds, 3601);
    assert.equal(assessDatabase(obs, 4, new Date('2026-11-27T13:59:59Z')).state, 'ok');
  });

  it('ignores points that cannot be restored, and reports a newer failed one', () => {
    const obs = observe('codeflow-db', ARN, [...points, point('2026-11-27T11:00:00.000Z', 'PARTIAL', { statusMessage: 'storage full' }), point('2026-11-27T12:00:00.000Z', 'EXPIRED')]);
    const s = assessDatabase(obs, 1, new Date('2026-11-27T12:30:00Z'));
    assert.equal(s.state, 'breached');
    assert.equal(s.latest?.createdAt, '2026-11-27T10:00:00.000Z');
    assert.deepEqual(s.newerIncomplete, { createdAt: '2026-11-27T12:00:00.000Z', status: 'EXPIRED', statusMessage: null });
  });

  it('none when nothing restorable exists; unknown when AWS Backup could not be read', () => {
    assert.equal(assessDatabase(observe('x', ARN, []), 1, new Date()).state, 'none');
    assert.equal(assessDatabase(observe('x', ARN, [point('2026-11-27T10:00:00.000Z', 'PARTIAL')]), 1, new Date()).state, 'none');
    const failed = assessDatabase({ ...observe('x', ARN, points), error: 'AWS Backup refused' }, 1, new Date());
    assert.equal(failed.state, 'unknown');
    assert.equal(failed.error, 'AWS Backup refused');
  });

  it('a point stamped a little after our clock is fresh, not negative', () => {
    assert.equal(assessDatabase(observe('x', ARN, [point('2026-11-27T10:00:05.000Z')]), 1, new Date('2026-11-27T10:00:00Z')).ageSeconds, 0);
  });
});

describe('assessDr', () => {
  it('says "not configured" when no database or vault is given, outside the sandbox', () => {
    const s = assessDr(parseDrConfig({}), { observations: [], fetchedAt: null, error: null }, new Date('2026-11-27T00:00:00Z'));
    assert.equal(s.configured, false);
    assert.equal(s.rtoHours, 4);
    assert.equal(s.rpoHours, 1);
    assert.deepEqual(s.databases, []);
  });

  it('uses the sandbox databases when on the sandbox and nothing is configured; breached first', () => {
    const config = parseDrConfig({ rpoHours: 2 }, true, 'eu-west-1');
    assert.equal(config.sandboxDefaults, true);
    assert.deepEqual(config.databases.map((d) => d.resourceArn), ['arn:aws:rds:eu-west-1:123456789012:db:codeflow-db', 'arn:aws:rds:eu-west-1:123456789012:db:codeflow-staging-db']);
    const now = new Date('2026-11-27T12:00:00Z');
    const s = assessDr(config, { observations: [observe('a-fresh', ARN, [point('2026-11-27T11:00:00.000Z')]), observe('z-stale', ARN, [point('2026-11-27T07:00:00.000Z')])], fetchedAt: now, error: null }, now);
    assert.equal(s.configured, true);
    assert.deepEqual(s.databases.map((d) => [d.name, d.state]), [['z-stale', 'breached'], ['a-fresh', 'ok']]);
    assert.deepEqual(s.counts, { ok: 1, breached: 1, none: 0, unknown: 0 });
  });

  it('configured databases replace the sandbox defaults', () => {
    const config = parseDrConfig({ databases: [{ name: 'orders', resourceArn: 'arn:aws:dynamodb:us-east-1:111122223333:table/orders' }] }, true);
    assert.equal(config.sandboxDefaults, false);
    assert.equal(config.databases.length, 1);
  });
});
