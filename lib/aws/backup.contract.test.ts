/**
 * The same lib/aws/backup calls against moto and the Codeflow sandbox: shapes and error codes,
 * never exact values. moto 5 models AWS Backup's vaults and plans but no recovery points.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { startSandbox } from '../../sandbox/server';
import { isAppError } from '../errors';
import { describeBackupVault, listRecoveryPointsByResource, listRecoveryPointsByVault, type RecoveryPoint } from './backup';
import type { AwsClients } from './client';
import { createBackupVault, testClients } from './testing/fixtures';
import { findMotoServer, startMoto } from './testing/moto';

interface BackupTarget {
  aws: AwsClients;
  vault: string;
  /** A resource with recovery points, unless the target has none to offer (then why). */
  resourceArn?: string;
  lacksRecoveryPoints?: string;
  close(): Promise<void>;
}

async function all(pages: AsyncGenerator<RecoveryPoint[]>): Promise<RecoveryPoint[]> {
  const out: RecoveryPoint[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

function contractSuite(name: string, setup: () => Promise<BackupTarget>): void {
  describe(`lib/aws/backup contract: ${name}`, { timeout: 120_000 }, () => {
    let target: BackupTarget;
    before(async () => {
      target = await setup();
    });
    after(() => target?.close());

    const needsPoints = (t: TestContext) => {
      if (target.lacksRecoveryPoints) t.skip(target.lacksRecoveryPoints);
      return !target.lacksRecoveryPoints;
    };

    it('describes a vault in domain shape', async () => {
      const vault = await describeBackupVault(target.aws, target.vault);
      assert.equal(vault.name, target.vault);
      assert.match(vault.arn, new RegExp(`^arn:aws:backup:us-east-1:\\d{12}:backup-vault:${target.vault}$`));
      assert.equal(typeof vault.recoveryPoints, 'number');
      assert.equal(typeof vault.locked, 'boolean');
      assert.ok(vault.createdAt === null || !Number.isNaN(Date.parse(vault.createdAt)));
    });

    it('an unknown vault is not_found, keeping the request id', async () => {
      await assert.rejects(describeBackupVault(target.aws, 'no-such-vault-42'), (e: unknown) => isAppError(e) && e.code === 'not_found' && typeof e.requestId === 'string');
    });

    it('lists recovery points by resource and by vault, the same points either way', async (t) => {
      if (!needsPoints(t)) return;
      const byResource = await all(listRecoveryPointsByResource(target.aws, target.resourceArn!));
      const byVault = await all(listRecoveryPointsByVault(target.aws, target.vault, { resourceArn: target.resourceArn }));
      assert.ok(byResource.length > 0);
      assert.deepEqual(new Set(byVault.map((p) => p.arn)), new Set(byResource.map((p) => p.arn)));
      for (const p of byVault) {
        assert.equal(p.resourceArn, target.resourceArn);
        assert.ok(!Number.isNaN(Date.parse(p.createdAt)));
        assert.ok(['COMPLETED', 'PARTIAL', 'DELETING', 'EXPIRED', 'CREATING', 'STOPPED', 'AVAILABLE'].includes(p.status));
      }
    });
  });
}

const motoBin = findMotoServer();
if (!motoBin) {
  describe('lib/aws/backup contract: moto', () => {
    it('moto_server is not on PATH: the moto AWS Backup contract suite was NOT run', (t) => t.skip('moto_server not found on PATH'));
  });
} else {
  contractSuite('moto', async () => {
    const moto = await startMoto(motoBin);
    const aws = testClients(moto.endpoint);
    await createBackupVault(aws, 'codeflow-contract-vault');
    return {
      aws,
      vault: 'codeflow-contract-vault',
      lacksRecoveryPoints: 'moto implements AWS Backup vaults, plans and report plans only: no recovery points (ListRecoveryPointsByResource, ListRecoveryPointsByBackupVault), and no way to create one',
      close: () => moto.stop(),
    };
  });
}

contractSuite('sandbox', async () => {
  const sandbox = await startSandbox({ seed: 42, speed: 0, startTime: Date.parse('2026-11-27T10:30:00Z') });
  return {
    aws: testClients(sandbox.url),
    vault: 'codeflow-backup-vault',
    resourceArn: 'arn:aws:rds:us-east-1:123456789012:db:codeflow-db',
    close: () => sandbox.close(),
  };
});
