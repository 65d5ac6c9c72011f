import {
  DescribeBackupVaultCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRecoveryPointsByResourceCommand,
  type RecoveryPointByBackupVault,
  type RecoveryPointByResource,
} from '@aws-sdk/client-backup';
import { send, type AwsClients } from './client';

/** AWS Backup's recovery point states; only COMPLETED ones can be restored in full. */
export type RecoveryPointStatus = 'COMPLETED' | 'PARTIAL' | 'DELETING' | 'EXPIRED' | 'CREATING' | 'STOPPED' | 'AVAILABLE' | 'UNKNOWN';

export interface RecoveryPoint {
  arn: string;
  /** The protected resource (the database). */
  resourceArn: string;
  resourceName: string | null;
  resourceType: string | null;
  vaultName: string | null;
  /** When the backup was taken: the point in time a restore returns to. */
  createdAt: string;
  completedAt: string | null;
  status: RecoveryPointStatus;
  statusMessage: string | null;
  sizeBytes: number | null;
}

export interface BackupVault {
  name: string;
  arn: string;
  recoveryPoints: number;
  createdAt: string | null;
  locked: boolean;
}

/** The most AWS returns per page. */
const PAGE_SIZE = 100;

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);
const statusOf = (s: string | undefined): RecoveryPointStatus => (s as RecoveryPointStatus | undefined) ?? 'UNKNOWN';

function fromByResource(p: RecoveryPointByResource, resourceArn: string): RecoveryPoint {
  return {
    arn: p.RecoveryPointArn ?? '',
    resourceArn,
    resourceName: p.ResourceName ?? null,
    resourceType: null,
    vaultName: p.BackupVaultName ?? null,
    createdAt: iso(p.CreationDate) ?? new Date(0).toISOString(),
    completedAt: null,
    status: statusOf(p.Status),
    statusMessage: p.StatusMessage ?? null,
    sizeBytes: p.BackupSizeBytes ?? null,
  };
}

function fromByVault(p: RecoveryPointByBackupVault): RecoveryPoint {
  return {
    arn: p.RecoveryPointArn ?? '',
    resourceArn: p.ResourceArn ?? '',
    resourceName: p.ResourceName ?? null,
    resourceType: p.ResourceType ?? null,
    vaultName: p.BackupVaultName ?? null,
    createdAt: iso(p.CreationDate) ?? new Date(0).toISOString(),
    completedAt: iso(p.CompletionDate),
    status: statusOf(p.Status),
    statusMessage: p.StatusMessage ?? null,
    sizeBytes: p.BackupSizeInBytes ?? null,
  };
}

/** Every recovery point of one resource, in every vault (ListRecoveryPointsByResource), page by page. */
export async function* listRecoveryPointsByResource(aws: AwsClients, resourceArn: string): AsyncGenerator<RecoveryPoint[]> {
  let nextToken: string | undefined;
  do {
    const page = await send(
      aws.backup,
      new ListRecoveryPointsByResourceCommand({ ResourceArn: resourceArn, MaxResults: PAGE_SIZE, NextToken: nextToken }),
      aws.deadlineMs,
      'ListRecoveryPointsByResource',
    );
    yield (page.RecoveryPoints ?? []).map((p) => fromByResource(p, resourceArn));
    nextToken = page.NextToken;
  } while (nextToken);
}

export interface VaultFilter {
  resourceArn?: string;
  createdAfter?: Date;
}

/** A vault's recovery points (ListRecoveryPointsByBackupVault), optionally of one resource or since a time, page by page. */
export async function* listRecoveryPointsByVault(aws: AwsClients, vaultName: string, filter: VaultFilter = {}): AsyncGenerator<RecoveryPoint[]> {
  let nextToken: string | undefined;
  do {
    const page = await send(
      aws.backup,
      new ListRecoveryPointsByBackupVaultCommand({
        BackupVaultName: vaultName,
        ByResourceArn: filter.resourceArn,
        ByCreatedAfter: filter.createdAfter,
        MaxResults: PAGE_SIZE,
        NextToken: nextToken,
      }),
      aws.deadlineMs,
      'ListRecoveryPointsByBackupVault',
    );
    yield (page.RecoveryPoints ?? []).map(fromByVault);
    nextToken = page.NextToken;
  } while (nextToken);
}

export async function describeBackupVault(aws: AwsClients, vaultName: string): Promise<BackupVault> {
  const out = await send(aws.backup, new DescribeBackupVaultCommand({ BackupVaultName: vaultName }), aws.deadlineMs, 'DescribeBackupVault');
  return {
    name: out.BackupVaultName ?? vaultName,
    arn: out.BackupVaultArn ?? '',
    recoveryPoints: out.NumberOfRecoveryPoints ?? 0,
    createdAt: iso(out.CreationDate),
    locked: out.Locked ?? false,
  };
}
