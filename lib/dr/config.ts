import { z } from 'zod';

export interface DrDatabase {
  /** What people call it on the panel ("codeflow-db"). */
  name: string;
  /** The protected resource's ARN as AWS Backup knows it (an RDS instance, an Aurora cluster, a DynamoDB table …). */
  resourceArn: string;
}

export interface DrConfig {
  /** Recovery time objective: how long a restore may take (guide §6.6: 4 h). Shown as the target. */
  rtoHours: number;
  /** Recovery point objective: how much data may be lost (guide §6.6: 1 h). A newest recovery point older than this breaches it. */
  rpoHours: number;
  /** Databases watched by ARN (ListRecoveryPointsByResource, or by vault when `backupVaultName` is set too). */
  databases: DrDatabase[];
  /** A backup vault: alone, every resource with recovery points in it is watched; with `databases`, only their points in this vault count. */
  backupVaultName: string | null;
  /** True when nothing was configured and the sandbox's seeded databases are shown instead. */
  sandboxDefaults: boolean;
}

const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/;
const VAULT = /^[a-zA-Z0-9\-_]{2,50}$/;

const databaseSchema = z
  .object({
    name: z.string().trim().min(1, 'name the database').max(100, 'keep the name under 100 characters'),
    resourceArn: z.string().regex(ARN, 'an ARN such as arn:aws:rds:us-east-1:123456789012:db:codeflow-db'),
  })
  .strict();

/** The `dr` section of codeflow.config.json. */
export const drFileSchema = z
  .object({
    rtoHours: z.number({ error: 'a number of hours' }).positive('more than 0 hours').max(720, 'at most 720 hours').optional(),
    rpoHours: z.number({ error: 'a number of hours' }).positive('more than 0 hours').max(720, 'at most 720 hours').optional(),
    databases: z
      .array(databaseSchema)
      .max(50, 'at most 50 databases')
      .refine((dbs) => new Set(dbs.map((d) => d.resourceArn)).size === dbs.length, 'each resourceArn once')
      .optional(),
    backupVaultName: z.string().regex(VAULT, 'a backup vault name: 2–50 letters, digits, hyphens or underscores').optional(),
  })
  .strict();

export type DrFileSection = z.infer<typeof drFileSchema>;

/** The guide's §6.6 targets. */
export const DEFAULT_RTO_HOURS = 4;
export const DEFAULT_RPO_HOURS = 1;

/**
 * The sandbox's seeded databases (sandbox/services/backup.ts), shown when Codeflow runs on the
 * sandbox and no `dr` databases or vault are configured, so the panel has something real to read.
 */
export function sandboxDrDatabases(region: string): DrDatabase[] {
  return ['codeflow-db', 'codeflow-staging-db'].map((name) => ({ name, resourceArn: `arn:aws:rds:${region}:123456789012:db:${name}` }));
}

export function parseDrConfig(section: DrFileSection = {}, sandbox = false, region = 'us-east-1'): DrConfig {
  const configured = section.databases !== undefined || section.backupVaultName !== undefined;
  return {
    rtoHours: section.rtoHours ?? DEFAULT_RTO_HOURS,
    rpoHours: section.rpoHours ?? DEFAULT_RPO_HOURS,
    databases: (section.databases ?? (sandbox && !configured ? sandboxDrDatabases(region) : [])).map((d) => ({ ...d })),
    backupVaultName: section.backupVaultName ?? null,
    sandboxDefaults: sandbox && !configured,
  };
}
