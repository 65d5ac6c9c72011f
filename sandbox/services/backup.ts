import { createHash } from 'node:crypto';
import { AwsError } from '../protocol/errors';
import type { Operation, ServiceDefinition } from '../protocol/operations';
import { DEFAULT_ACCOUNT_ID, type World } from '../sim/world';
import type { Sandbox, SimulationPlugin } from '../state';
import { optionalNumber, optionalString, paginate } from './input';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export const BACKUP_VAULT_NAME = 'codeflow-backup-vault';
/** Hourly recovery points are kept this long, as a backup plan's lifecycle would. */
export const RETENTION_MS = 7 * DAY_MS;
/** The staging database's backups stopped this long before the sandbox's start: its RPO is breached from the first minute. */
export const STAGING_STOPPED_BEFORE_START_MS = 5 * HOUR_MS + 17 * MINUTE_MS;

const INVALID = 'InvalidParameterValueException';
const invalid = (message: string) => new AwsError(INVALID, message, 400, { Code: INVALID });
const notFound = (message: string) => new AwsError('ResourceNotFoundException', message, 400, { Code: 'ResourceNotFoundException' });

export interface SimRecoveryPoint {
  arn: string;
  resourceArn: string;
  resourceName: string;
  resourceType: string;
  vaultName: string;
  createdAt: number;
  completedAt: number;
  status: 'COMPLETED' | 'PARTIAL' | 'EXPIRED';
  statusMessage?: string;
  sizeBytes: number;
  backupPlanId: string;
}

interface ProtectedDb {
  name: string;
  /** Backups stop at this sim time (null: they keep coming every hour). */
  stoppedAt: number | null;
  sizeBytes: number;
}

/**
 * AWS Backup's state: one vault holding hourly RDS snapshots of the fleet's database
 * (`codeflow-db`, a new recovery point every whole simulated hour) and of a staging database
 * whose backup job began failing hours ago, so the DR panel shows both a met and a breached RPO.
 */
export class BackupSimulation implements SimulationPlugin {
  /** Newest last. */
  readonly points: SimRecoveryPoint[] = [];
  vaultCreatedAt = 0;
  private region = 'us-east-1';
  private accountId = DEFAULT_ACCOUNT_ID;
  private dbs: ProtectedDb[] = [];

  get vaultArn(): string {
    return `arn:aws:backup:${this.region}:${this.accountId}:backup-vault:${BACKUP_VAULT_NAME}`;
  }

  dbArn(name: string): string {
    return `arn:aws:rds:${this.region}:${this.accountId}:db:${name}`;
  }

  reset(world: World, startMs: number): void {
    this.region = world.region;
    this.accountId = world.accountId;
    this.points.length = 0;
    this.vaultCreatedAt = startMs - 400 * DAY_MS;
    // A world without the account's databases (a DR Region, another account) has an empty vault.
    this.dbs = world.extras.backups
      ? [
          { name: 'codeflow-db', stoppedAt: null, sizeBytes: 42 * 1024 ** 3 },
          { name: 'codeflow-staging-db', stoppedAt: startMs - STAGING_STOPPED_BEFORE_START_MS, sizeBytes: 9 * 1024 ** 3 },
        ]
      : [];
    const firstHour = Math.ceil((startMs - RETENTION_MS) / HOUR_MS) * HOUR_MS;
    for (let hour = firstHour; hour <= startMs; hour += HOUR_MS) this.backUp(hour);
    // The staging job's first failure after it stopped: a PARTIAL point, not restorable.
    const staging = this.dbs[1];
    if (!staging) return;
    const failedAt = Math.ceil(staging.stoppedAt! / HOUR_MS) * HOUR_MS;
    if (failedAt <= startMs) this.add(staging, failedAt, 'PARTIAL', 'Backup job failed: the DB instance codeflow-staging-db is in the storage-full state.');
  }

  onMinute(_world: World, minute: number): void {
    if (minute % HOUR_MS !== 0) return;
    this.backUp(minute);
    const oldest = minute - RETENTION_MS;
    while (this.points.length > 0 && this.points[0]!.createdAt < oldest) this.points.shift();
  }

  private backUp(hour: number): void {
    for (const db of this.dbs) if (db.stoppedAt === null || hour < db.stoppedAt) this.add(db, hour, 'COMPLETED');
  }

  private add(db: ProtectedDb, at: number, status: SimRecoveryPoint['status'], statusMessage?: string): void {
    const id = createHash('sha256').update(`${db.name}:${at}:${status}`).digest('hex');
    const job = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
    this.points.push({
      arn: `arn:aws:rds:${this.region}:${this.accountId}:snapshot:awsbackup:job-${job}`,
      resourceArn: this.dbArn(db.name),
      resourceName: db.name,
      resourceType: 'RDS',
      vaultName: BACKUP_VAULT_NAME,
      createdAt: at,
      completedAt: at + (3 + (parseInt(id.slice(32, 34), 16) % 5)) * MINUTE_MS,
      status,
      statusMessage,
      sizeBytes: status === 'COMPLETED' ? db.sizeBytes + (parseInt(id.slice(34, 40), 16) % (64 * 1024 ** 2)) : 0,
      backupPlanId: 'a1b2c3d4-0000-4000-8000-codeflowhrly',
    });
  }
}

/** restJson timestamps in a query string are ISO 8601; epoch seconds are accepted too. */
function timestampParam(input: Record<string, unknown>, name: string): number | undefined {
  const raw = optionalString(input, name, INVALID);
  if (raw === undefined) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
  if (Number.isNaN(ms)) throw invalid(`${name} must be a timestamp.`);
  return ms;
}

function maxResultsOf(input: Record<string, unknown>): number {
  const value = optionalNumber(input, 'maxResults', INVALID);
  if (value === undefined) return 1000;
  if (!Number.isInteger(value) || value < 1 || value > 1000) throw invalid('maxResults must be between 1 and 1000.');
  return value;
}

/** AWS Backup (restJson1): the vault and recovery points of BackupSimulation. */
export function backupService(sandbox: Sandbox): ServiceDefinition {
  const sim = new BackupSimulation();
  sandbox.addPlugin(sim);

  const newestFirst = (points: SimRecoveryPoint[]) => [...points].sort((a, b) => b.createdAt - a.createdAt || a.arn.localeCompare(b.arn));

  function vaultOf(input: Record<string, unknown>): string {
    const name = optionalString(input, 'BackupVaultName', INVALID) ?? '';
    if (name !== BACKUP_VAULT_NAME) throw notFound(`Backup vault ${name} does not exist in this account and region.`);
    return name;
  }

  const describeVault = () => ({
    BackupVaultName: BACKUP_VAULT_NAME,
    BackupVaultArn: sim.vaultArn,
    VaultType: 'BACKUP_VAULT',
    VaultState: 'AVAILABLE',
    EncryptionKeyArn: `arn:aws:kms:${sandbox.region}:${sandbox.accountId}:key/0a1b2c3d-4e5f-4a6b-8c7d-codeflowbkp1`,
    CreationDate: new Date(sim.vaultCreatedAt),
    CreatorRequestId: 'codeflow-sandbox',
    NumberOfRecoveryPoints: sim.points.length,
    Locked: false,
  });

  const operations: Record<string, Operation> = {
    ListBackupVaults: (input) => {
      const { page, next } = paginate([describeVault()], optionalString(input, 'nextToken', INVALID), maxResultsOf(input), INVALID);
      return { BackupVaultList: page, NextToken: next };
    },
    DescribeBackupVault: (input) => {
      vaultOf(input);
      return describeVault();
    },
    ListRecoveryPointsByResource: (input) => {
      const arn = optionalString(input, 'ResourceArn', INVALID) ?? '';
      if (!/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+/.test(arn)) throw invalid(`Invalid ARN: ${arn}`);
      const matching = newestFirst(sim.points.filter((p) => p.resourceArn === arn));
      const { page, next } = paginate(matching, optionalString(input, 'nextToken', INVALID), maxResultsOf(input), INVALID);
      return {
        RecoveryPoints: page.map((p) => ({
          RecoveryPointArn: p.arn,
          CreationDate: new Date(p.createdAt),
          Status: p.status,
          StatusMessage: p.statusMessage,
          EncryptionKeyArn: describeVault().EncryptionKeyArn,
          BackupSizeBytes: p.sizeBytes,
          BackupVaultName: p.vaultName,
          IsParent: false,
          ResourceName: p.resourceName,
          VaultType: 'BACKUP_VAULT',
        })),
        NextToken: next,
      };
    },
    ListRecoveryPointsByBackupVault: (input) => {
      vaultOf(input);
      const resourceArn = optionalString(input, 'resourceArn', INVALID);
      const resourceType = optionalString(input, 'resourceType', INVALID);
      const after = timestampParam(input, 'createdAfter');
      const before = timestampParam(input, 'createdBefore');
      const matching = newestFirst(
        sim.points.filter(
          (p) =>
            (resourceArn === undefined || p.resourceArn === resourceArn) &&
            (resourceType === undefined || p.resourceType === resourceType) &&
            (after === undefined || p.createdAt >= after) &&
            (before === undefined || p.createdAt <= before),
        ),
      );
      const { page, next } = paginate(matching, optionalString(input, 'nextToken', INVALID), maxResultsOf(input), INVALID);
      return {
        RecoveryPoints: page.map((p) => ({
          RecoveryPointArn: p.arn,
          BackupVaultName: p.vaultName,
          BackupVaultArn: sim.vaultArn,
          ResourceArn: p.resourceArn,
          ResourceType: p.resourceType,
          ResourceName: p.resourceName,
          CreatedBy: { BackupPlanId: p.backupPlanId, BackupPlanArn: `arn:aws:backup:${sandbox.region}:${sandbox.accountId}:backup-plan:${p.backupPlanId}`, BackupRuleId: 'hourly' },
          IamRoleArn: `arn:aws:iam::${sandbox.accountId}:role/service-role/AWSBackupDefaultServiceRole`,
          Status: p.status,
          StatusMessage: p.statusMessage,
          CreationDate: new Date(p.createdAt),
          CompletionDate: new Date(p.completedAt),
          BackupSizeInBytes: p.sizeBytes,
          Lifecycle: { DeleteAfterDays: RETENTION_MS / DAY_MS },
          EncryptionKeyArn: describeVault().EncryptionKeyArn,
          IsEncrypted: true,
          VaultType: 'BACKUP_VAULT',
        })),
        NextToken: next,
      };
    },
  };

  // Some clients (older CLI models) send these paths with a trailing slash.
  const routes = (method: string, path: string, operation: string) => [
    { method, path, operation },
    { method, path: `${path}/`, operation },
  ];
  return {
    signingName: 'backup',
    protocols: ['restJson1'],
    restRoutes: [
      ...routes('GET', '/backup-vaults', 'ListBackupVaults'),
      ...routes('GET', '/backup-vaults/{BackupVaultName}', 'DescribeBackupVault'),
      ...routes('GET', '/backup-vaults/{BackupVaultName}/recovery-points', 'ListRecoveryPointsByBackupVault'),
      ...routes('GET', '/resources/{ResourceArn}/recovery-points', 'ListRecoveryPointsByResource'),
    ],
    operations,
  };
}
