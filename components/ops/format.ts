import type { Tone } from '@/components/ui/badge';
import type { OperationKind, OperationStatus, Plan } from '@/lib/ops/types';

export const KIND_LABEL: Record<OperationKind, string> = {
  deploy: 'Deploy',
  rollback: 'Roll back',
  scale: 'Scale',
  restart: 'Restart',
  'switch-traffic': 'Switch traffic',
  alarms: 'Alarms',
};

/** What the dialog's title says: "Deploy codeflow-service". */
export const KIND_VERB: Record<OperationKind, string> = {
  deploy: 'Deploy a new image to',
  rollback: 'Roll back',
  scale: 'Scale',
  restart: 'Restart the tasks of',
  'switch-traffic': 'Switch the listener of',
  alarms: 'Change the alarms of',
};

export const STATUS_LABEL: Record<OperationStatus, string> = {
  awaiting_approval: 'awaiting approval',
  executing: 'executing',
  verifying: 'verifying',
  paused: 'paused at hook',
  succeeded: 'succeeded',
  failed: 'failed',
  rolled_back: 'rolled back',
  rejected: 'rejected',
  expired: 'expired',
  cancelled: 'cancelled',
  outcome_unknown: 'outcome unknown',
};

export const STATUS_TONE: Record<OperationStatus, Tone> = {
  awaiting_approval: 'degraded',
  executing: 'deploying',
  verifying: 'deploying',
  paused: 'degraded',
  succeeded: 'healthy',
  failed: 'down',
  rolled_back: 'down',
  rejected: 'neutral',
  expired: 'neutral',
  cancelled: 'neutral',
  outcome_unknown: 'degraded',
};

const FINISHED: ReadonlySet<OperationStatus> = new Set(['succeeded', 'failed', 'rolled_back', 'rejected', 'expired', 'cancelled']);

export function isFinished(status: OperationStatus): boolean {
  return FINISHED.has(status);
}

/** Holding (or about to hold) the service: the one the service page puts on top. */
export function isInFlight(status: OperationStatus): boolean {
  return status === 'executing' || status === 'verifying' || status === 'paused' || status === 'outcome_unknown';
}

/** Fargate on-demand list prices in us-east-1 (Linux/x86), per hour: an order of magnitude, not a bill. */
const VCPU_HOUR_USD = 0.04048;
const GB_HOUR_USD = 0.004445;

export function formatVcpu(cpuUnits: number): string {
  const v = cpuUnits / 1024;
  return `${Number.isInteger(v) ? v : v.toFixed(2).replace(/0$/, '')} vCPU`;
}

export function formatMemory(mib: number): string {
  return mib >= 1024 ? `${+(mib / 1024).toFixed(2)} GiB` : `${mib} MiB`;
}

export function hourlyCost(cpuUnits: number, memoryMiB: number, count: number): number {
  return count * ((cpuUnits / 1024) * VCPU_HOUR_USD + (memoryMiB / 1024) * GB_HOUR_USD);
}

export function formatUsd(value: number): string {
  return `$${value < 10 ? value.toFixed(3) : value.toFixed(2)}`;
}

export interface CostLine {
  label: 'now' | 'after';
  count: number;
  cpu: string;
  memory: string;
  perHour: string;
  perMonth: string;
}

export function costLines(cost: NonNullable<Plan['cost']>): CostLine[] {
  return (
    [
      ['now', cost.currentCount],
      ['after', cost.newCount],
    ] as const
  ).map(([label, count]) => {
    const hour = hourlyCost(cost.cpuUnitsPerTask, cost.memoryMiBPerTask, count);
    return {
      label,
      count,
      cpu: formatVcpu(cost.cpuUnitsPerTask * count),
      memory: formatMemory(cost.memoryMiBPerTask * count),
      perHour: formatUsd(hour),
      perMonth: formatUsd(hour * 730),
    };
  });
}

/** "codeflow:42" from a task definition ARN (or the input when it is not one). */
export function revisionName(arnOrName: string | null | undefined): string {
  if (!arnOrName) return '—';
  const i = arnOrName.indexOf('task-definition/');
  return i >= 0 ? arnOrName.slice(i + 'task-definition/'.length) : arnOrName;
}

/** The tag (or digest) of an image reference: "…/codeflow:v1.4.2" → "v1.4.2". */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1, at + 20);
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : 'latest';
}

export function durationBetween(fromIso: string, toIso: string | null, now: number): string {
  const end = toIso ? Date.parse(toIso) : now;
  const s = Math.max(0, Math.round((end - Date.parse(fromIso)) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Time left until a deadline, as a person reads it: "29 min", "45 s", "1 h 5 min"; "expired" once past. */
export function formatTimeLeft(seconds: number): string {
  if (seconds <= 0) return 'expired';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}
