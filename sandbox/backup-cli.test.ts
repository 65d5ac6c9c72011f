import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from './server';
import { BACKUP_VAULT_NAME } from './services/backup';
import { AWS_CLI_MISSING, awsCli, awsCliAvailable } from './testing/aws-cli';

const available = await awsCliAvailable();
const DB = 'arn:aws:rds:us-east-1:123456789012:db:codeflow-db';

/** Guide §6.6's recovery points, read with the real AWS CLI from the sandbox. */
describe('AWS CLI AWS Backup against the sandbox (guide §6.6)', { skip: available ? false : AWS_CLI_MISSING }, () => {
  let running: RunningSandbox;
  let cli: ReturnType<typeof awsCli>;

  before(async () => {
    running = await startSandbox({ seed: 42, speed: 0, startTime: Date.parse('2026-11-27T10:30:00Z') });
    cli = awsCli(running.url);
  });
  after(() => running?.close());

  it('list-recovery-points-by-resource pages through every point of codeflow-db', async () => {
    const out = await cli.aws('backup', 'list-recovery-points-by-resource', '--resource-arn', DB, '--page-size', '50');
    assert.ok(out.RecoveryPoints.length >= 168, `${out.RecoveryPoints.length} points`);
    // CLI v1 prints timestamps as received (epoch seconds); v2 as ISO 8601.
    const ms = (t: string | number) => (typeof t === 'number' ? t * 1000 : Date.parse(t));
    const newest = Math.max(...out.RecoveryPoints.map((p: { CreationDate: string | number }) => ms(p.CreationDate)));
    assert.equal(new Date(newest).toISOString(), '2026-11-27T10:00:00.000Z');
    assert.ok(out.RecoveryPoints.every((p: { Status: string; BackupVaultName: string }) => p.Status === 'COMPLETED' && p.BackupVaultName === BACKUP_VAULT_NAME));
  });

  it('describe-backup-vault and list-recovery-points-by-backup-vault with --by-resource-arn', async () => {
    const vault = await cli.aws('backup', 'describe-backup-vault', '--backup-vault-name', BACKUP_VAULT_NAME);
    assert.equal(vault.BackupVaultName, BACKUP_VAULT_NAME);
    assert.ok(vault.NumberOfRecoveryPoints > 300);
    const staging = await cli.aws(
      'backup', 'list-recovery-points-by-backup-vault',
      '--backup-vault-name', BACKUP_VAULT_NAME,
      '--by-resource-arn', 'arn:aws:rds:us-east-1:123456789012:db:codeflow-staging-db',
      '--by-created-after', '2026-11-27T00:00:00Z',
    );
    assert.deepEqual(staging.RecoveryPoints.map((p: { Status: string }) => p.Status).slice(0, 2), ['PARTIAL', 'COMPLETED']);
    const vaults = await cli.aws('backup', 'list-backup-vaults');
    assert.deepEqual(vaults.BackupVaultList.map((v: { BackupVaultName: string }) => v.BackupVaultName), [BACKUP_VAULT_NAME]);
  });

  it('an unknown vault fails with ResourceNotFoundException', async () => {
    const stderr = await cli.awsFails('backup', 'describe-backup-vault', '--backup-vault-name', 'no-such-vault');
    assert.match(stderr, /ResourceNotFoundException/);
  });
});
