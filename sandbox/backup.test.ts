import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeBackupVault, listRecoveryPointsByResource, listRecoveryPointsByVault, type RecoveryPoint } from '../lib/aws/backup';
import { testClients } from '../lib/aws/testing/fixtures';
import { isAppError } from '../lib/errors';
import { observeRecoveryPoints } from '../lib/dr/observe';
import { parseDrConfig } from '../lib/dr/config';
import { assessDr } from '../lib/dr/status';
import { startSandbox, type RunningSandbox } from './server';
import { BACKUP_VAULT_NAME, RETENTION_MS } from './services/backup';

const START = Date.parse('2026-11-27T10:30:00Z');
const DB = 'arn:aws:rds:us-east-1:123456789012:db:codeflow-db';
const STAGING = 'arn:aws:rds:us-east-1:123456789012:db:codeflow-staging-db';

async function all(pages: AsyncGenerator<RecoveryPoint[]>): Promise<RecoveryPoint[]> {
  const out: RecoveryPoint[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

/** The sandbox's AWS Backup through the AWS SDK (lib/aws/backup), with the simulation clock frozen and stepped. */
describe('sandbox AWS Backup', () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startSandbox({ seed: 42, speed: 0, startTime: START });
  });
  after(() => sandbox?.close());

  it('holds a week of hourly recovery points for codeflow-db, newest on the last whole hour', async () => {
    const aws = testClients(sandbox.url);
    const points = await all(listRecoveryPointsByResource(aws, DB));
    assert.ok(points.length >= 168 && points.length <= 169, `${points.length} points`);
    assert.ok(points.length > 100, 'more than one page was followed');
    const newest = points.map((p) => p.createdAt).sort().at(-1);
    assert.equal(newest, '2026-11-27T10:00:00.000Z');
    for (const p of points) {
      assert.equal(p.status, 'COMPLETED');
      assert.equal(p.vaultName, BACKUP_VAULT_NAME);
      assert.equal(p.resourceName, 'codeflow-db');
      assert.match(p.arn, /^arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-[0-9a-f-]{36}$/);
      assert.ok((p.sizeBytes ?? 0) > 40 * 1024 ** 3);
    }
    assert.equal(new Set(points.map((p) => p.arn)).size, points.length, 'ARNs are unique');
  });

  it('the simulation clock adds a point every whole hour and drops points past retention', async () => {
    const aws = testClients(sandbox.url);
    const before = await all(listRecoveryPointsByResource(aws, DB));
    sandbox.sandbox.advance(29 * 60);
    assert.equal((await all(listRecoveryPointsByResource(aws, DB))).length, before.length, 'nothing before the hour');
    sandbox.sandbox.advance(60);
    const later = await all(listRecoveryPointsByResource(aws, DB));
    assert.ok(later.some((p) => p.createdAt === '2026-11-27T11:00:00.000Z'));
    const oldest = Math.min(...later.map((p) => Date.parse(p.createdAt)));
    assert.ok(oldest >= Date.parse('2026-11-27T11:00:00Z') - RETENTION_MS, 'nothing older than the retention');
  });

  it("the staging database's backups stopped: its newest point is a failed (PARTIAL) one and its last good one is hours old", async () => {
    const aws = testClients(sandbox.url);
    const points = await all(listRecoveryPointsByVault(aws, BACKUP_VAULT_NAME, { resourceArn: STAGING, createdAfter: new Date('2026-11-27T00:00:00Z') }));
    assert.deepEqual(
      points.map((p) => [p.createdAt, p.status]).slice(0, 2),
      [
        ['2026-11-27T06:00:00.000Z', 'PARTIAL'],
        ['2026-11-27T05:00:00.000Z', 'COMPLETED'],
      ],
    );
    assert.ok(points.every((p) => p.resourceArn === STAGING && p.resourceType === 'RDS' && p.completedAt! > p.createdAt));
    assert.ok(points.every((p) => p.createdAt >= '2026-11-27T00:00:00.000Z'), 'ByCreatedAfter filters');
  });

  it('DescribeBackupVault counts the points; an unknown vault and a malformed ARN fail as AWS does', async () => {
    const aws = testClients(sandbox.url);
    const vault = await describeBackupVault(aws, BACKUP_VAULT_NAME);
    assert.equal(vault.arn, `arn:aws:backup:us-east-1:123456789012:backup-vault:${BACKUP_VAULT_NAME}`);
    assert.ok(vault.recoveryPoints > 300);
    await assert.rejects(describeBackupVault(aws, 'no-such-vault'), (e: unknown) => isAppError(e) && e.code === 'not_found' && /AWS Backup/.test(e.message));
    await assert.rejects(all(listRecoveryPointsByResource(aws, 'codeflow-db')), (e: unknown) => isAppError(e) && e.code === 'invalid');
    assert.deepEqual(await all(listRecoveryPointsByResource(aws, 'arn:aws:rds:us-east-1:123456789012:db:unknown-db')), []);
  });

  it('the DR read model: codeflow-db within the 1 h RPO, staging breached, by resource and by vault alike', async () => {
    const aws = testClients(sandbox.url);
    const now = new Date(sandbox.sandbox.now());
    for (const section of [{}, { backupVaultName: BACKUP_VAULT_NAME }]) {
      const config = parseDrConfig(section, true);
      const observed = await observeRecoveryPoints(aws, config);
      const status = assessDr(config, { ...observed, fetchedAt: now }, now);
      assert.deepEqual(status.databases.map((d) => [d.name, d.state]), [['codeflow-staging-db', 'breached'], ['codeflow-db', 'ok']], JSON.stringify(section));
      const staging = status.databases[0]!;
      assert.equal(staging.latest?.createdAt, '2026-11-27T05:00:00.000Z');
      assert.equal(staging.newerIncomplete?.status, 'PARTIAL');
      assert.equal(status.databases[1]!.ageSeconds, (now.getTime() - Date.parse('2026-11-27T11:00:00Z')) / 1000);
    }
    // Only the vault configured: every resource in it, named after the resource.
    const vaultOnly = parseDrConfig({ backupVaultName: BACKUP_VAULT_NAME });
    const observed = await observeRecoveryPoints(aws, vaultOnly);
    assert.deepEqual(observed.observations.map((o) => o.name).sort(), ['codeflow-db', 'codeflow-staging-db']);
    const missing = await observeRecoveryPoints(aws, parseDrConfig({ backupVaultName: 'gone-vault' }));
    assert.match(missing.error ?? '', /^Backup vault gone-vault: AWS Backup could not find/);
  });

  it('throttling reaches lib/aws as rate_limited, per database in the DR read model', async () => {
    const aws = testClients(sandbox.url);
    sandbox.sandbox.faults = [{ service: 'backup', throttleRate: 1 }];
    try {
      const observed = await observeRecoveryPoints(aws, parseDrConfig({}, true));
      assert.ok(observed.observations.every((o) => /throttled/.test(o.error ?? '')), JSON.stringify(observed.observations.map((o) => o.error)));
    } finally {
      sandbox.sandbox.faults = [];
    }
  });
});
