import { describeBackupVault, listRecoveryPointsByResource, listRecoveryPointsByVault, type RecoveryPoint } from '../aws/backup';
import { mapLimit } from '../aws/batch';
import type { AwsClients } from '../aws/client';
import { isAppError } from '../errors';
import type { DrConfig } from './config';
import { observe, type DatabaseObservation } from './status';

/** Enough for a year of daily points or five weeks of hourly ones; past it the newest may be missed, and we say so. */
const MAX_PAGES = 50;
const CONCURRENCY = 4;

export interface Observed {
  observations: DatabaseObservation[];
  error: string | null;
}

async function collect(pages: AsyncGenerator<RecoveryPoint[]>): Promise<{ points: RecoveryPoint[]; truncated: boolean }> {
  const points: RecoveryPoint[] = [];
  let n = 0;
  for await (const page of pages) {
    points.push(...page);
    if (++n >= MAX_PAGES) return { points, truncated: true };
  }
  return { points, truncated: false };
}

const messageOf = (e: unknown): string => (isAppError(e) ? e.message : 'AWS Backup could not be read');

/** Reads AWS Backup for the configured databases (or the configured vault's resources). Per-database failures stay per database. */
export async function observeRecoveryPoints(aws: AwsClients, config: DrConfig): Promise<Observed> {
  const vault = config.backupVaultName;
  if (config.databases.length > 0) {
    const observations = await mapLimit(config.databases, CONCURRENCY, async (db) => {
      try {
        const pages = vault ? listRecoveryPointsByVault(aws, vault, { resourceArn: db.resourceArn }) : listRecoveryPointsByResource(aws, db.resourceArn);
        const { points, truncated } = await collect(pages);
        const obs = observe(db.name, db.resourceArn, points);
        return truncated ? { ...obs, error: `more than ${MAX_PAGES * 100} recovery points; the newest may not have been read` } : obs;
      } catch (e) {
        return { ...observe(db.name, db.resourceArn, []), error: messageOf(e) };
      }
    });
    return { observations, error: null };
  }
  if (vault) {
    try {
      await describeBackupVault(aws, vault);
      const { points } = await collect(listRecoveryPointsByVault(aws, vault));
      const byResource = new Map<string, RecoveryPoint[]>();
      for (const p of points) byResource.set(p.resourceArn, [...(byResource.get(p.resourceArn) ?? []), p]);
      const observations = [...byResource].map(([arn, list]) => observe(list.find((p) => p.resourceName)?.resourceName ?? nameFromResourceArn(arn), arn, list));
      return { observations, error: null };
    } catch (e) {
      return { observations: [], error: `Backup vault ${vault}: ${messageOf(e)}` };
    }
  }
  return { observations: [], error: null };
}

/** `arn:aws:rds:…:db:codeflow-db` → codeflow-db; `…:table/orders` → orders. */
export function nameFromResourceArn(arn: string): string {
  return arn.split(/[:/]/).pop() || arn;
}
