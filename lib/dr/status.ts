import type { RecoveryPoint } from '../aws/backup';
import type { DrConfig } from './config';
import type { PlaceRead } from '../accounts/fan-out';

/** What AWS Backup holds for one database: its newest restorable point, and its newest point of any state. */
export interface DatabaseObservation {
  name: string;
  /** The configured account and Region it was read in (several places only). */
  place?: { account: string; region: string };
  resourceArn: string;
  latestRestorable: RecoveryPoint | null;
  latestAny: RecoveryPoint | null;
  pointsSeen: number;
  /** Why AWS Backup could not be read for this database; null when it was. */
  error: string | null;
}

export type RpoState = 'ok' | 'breached' | 'none' | 'unknown';

export interface DatabaseDrStatus {
  name: string;
  place?: { account: string; region: string };
  resourceArn: string;
  /** ok: newest restorable point within the RPO; breached: older; none: no restorable point at all; unknown: AWS Backup could not be read. */
  state: RpoState;
  latest: { arn: string; createdAt: string; status: string; vaultName: string | null; sizeBytes: number | null } | null;
  /** Age of the newest restorable point at `checkedAt`. */
  ageSeconds: number | null;
  /** A newer point that is not restorable (PARTIAL, EXPIRED …): the last backup ran but did not complete. */
  newerIncomplete: { createdAt: string; status: string; statusMessage: string | null } | null;
  pointsSeen: number;
  error: string | null;
}

export interface DrStatus {
  /** False when no database or vault is configured: the panel says so plainly. */
  configured: boolean;
  /** True when the sandbox's seeded databases are shown because nothing was configured. */
  sandboxDefaults: boolean;
  rtoHours: number;
  rpoHours: number;
  backupVaultName: string | null;
  checkedAt: string;
  /** When AWS Backup was last read (the list is cached briefly); ages are computed at `checkedAt`. */
  fetchedAt: string | null;
  /** Breached, none and unknown first. */
  databases: DatabaseDrStatus[];
  counts: { ok: number; breached: number; none: number; unknown: number };
  /** A failure that prevented reading anything (e.g. the vault could not be described). */
  error: string | null;
  /** How each account and Region read went, when Codeflow watches several. */
  places?: PlaceRead[];
}

/** States a restore can start from: a completed backup, or a continuous backup's available point. */
export const RESTORABLE = new Set(['COMPLETED', 'AVAILABLE']);

/** Newest first by creation time. */
const newer = (a: RecoveryPoint | null, b: RecoveryPoint): RecoveryPoint => (!a || Date.parse(b.createdAt) > Date.parse(a.createdAt) ? b : a);

/** Folds recovery points of one database into what the panel needs. */
export function observe(name: string, resourceArn: string, points: Iterable<RecoveryPoint>): DatabaseObservation {
  let latestRestorable: RecoveryPoint | null = null;
  let latestAny: RecoveryPoint | null = null;
  let pointsSeen = 0;
  for (const p of points) {
    pointsSeen++;
    latestAny = newer(latestAny, p);
    if (RESTORABLE.has(p.status)) latestRestorable = newer(latestRestorable, p);
  }
  return { name, resourceArn, latestRestorable, latestAny, pointsSeen, error: null };
}

/** Pure: one database's recovery point age against the RPO at `now`. */
export function assessDatabase(obs: DatabaseObservation, rpoHours: number, now: Date): DatabaseDrStatus {
  const base = { name: obs.name, ...(obs.place ? { place: obs.place } : {}), resourceArn: obs.resourceArn, pointsSeen: obs.pointsSeen, error: obs.error };
  if (obs.error !== null) return { ...base, state: 'unknown', latest: null, ageSeconds: null, newerIncomplete: null };
  const latest = obs.latestRestorable;
  const any = obs.latestAny;
  const newerIncomplete =
    any && !RESTORABLE.has(any.status) && (!latest || Date.parse(any.createdAt) > Date.parse(latest.createdAt))
      ? { createdAt: any.createdAt, status: any.status, statusMessage: any.statusMessage }
      : null;
  if (!latest) return { ...base, state: 'none', latest: null, ageSeconds: null, newerIncomplete };
  // A point stamped slightly ahead of our clock is fresh, not negative-aged.
  const ageSeconds = Math.max(0, Math.floor((now.getTime() - Date.parse(latest.createdAt)) / 1000));
  return {
    ...base,
    state: ageSeconds <= rpoHours * 3600 ? 'ok' : 'breached',
    latest: { arn: latest.arn, createdAt: latest.createdAt, status: latest.status, vaultName: latest.vaultName, sizeBytes: latest.sizeBytes },
    ageSeconds,
    newerIncomplete,
  };
}

const STATE_ORDER: Record<RpoState, number> = { breached: 0, none: 1, unknown: 2, ok: 3 };

export function assessDr(
  config: DrConfig,
  observed: { observations: DatabaseObservation[]; fetchedAt: Date | null; error: string | null },
  now: Date,
): DrStatus {
  const configured = config.databases.length > 0 || config.backupVaultName !== null;
  const databases = observed.observations
    .map((o) => assessDatabase(o, config.rpoHours, now))
    .sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.name.localeCompare(b.name));
  const count = (s: RpoState) => databases.filter((d) => d.state === s).length;
  return {
    configured,
    sandboxDefaults: config.sandboxDefaults,
    rtoHours: config.rtoHours,
    rpoHours: config.rpoHours,
    backupVaultName: config.backupVaultName,
    checkedAt: now.toISOString(),
    fetchedAt: observed.fetchedAt?.toISOString() ?? null,
    databases,
    counts: { ok: count('ok'), breached: count('breached'), none: count('none'), unknown: count('unknown') },
    error: observed.error,
  };
}
