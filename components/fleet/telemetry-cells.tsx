import type { ServiceTelemetry } from '@/lib/fleet/types';
import { cn } from '@/components/ui/cn';

const muted = <span className="text-fg-subtle">—</span>;
const unavailable = (what: string, error: string | null) => (
  <span className="text-fg-subtle" title={`${what} unavailable${error ? `: ${error}` : ''}`}>
    n/a
  </span>
);

/** Healthy / unhealthy targets from CloudWatch's HealthyHostCount and UnHealthyHostCount. */
export function TargetsCell({ telemetry, hasTargets }: { telemetry: ServiceTelemetry | undefined; hasTargets: boolean }) {
  if (!hasTargets) return muted;
  if (!telemetry) return muted;
  const m = telemetry.metrics;
  if (!m) return unavailable('Target counts', telemetry.metricsError);
  if (m.healthyTargets === null) return muted;
  const healthy = Math.round(m.healthyTargets);
  const unhealthy = Math.round(m.unhealthyTargets ?? 0);
  return (
    <span data-testid="targets-cell" data-healthy={healthy} data-unhealthy={unhealthy} className="whitespace-nowrap tabular-nums" title={`${healthy} healthy, ${unhealthy} unhealthy targets (CloudWatch, latest minute)`}>
      <span className={healthy === 0 ? 'text-down-fg font-medium' : 'text-fg'}>{healthy}</span>
      <span className="text-fg-subtle"> ok</span>
      {unhealthy > 0 && <span className="text-degraded-fg font-medium"> · {unhealthy} bad</span>}
    </span>
  );
}

/** The worst state among the service's alarms: ALARM (with how many), else OK or INSUFFICIENT DATA. */
export function AlarmsCell({ telemetry }: { telemetry: ServiceTelemetry | undefined }) {
  if (!telemetry) return muted;
  const alarms = telemetry.alarms;
  if (!alarms) return unavailable('Alarms', telemetry.alarmsError);
  if (alarms.length === 0) return muted;
  const firing = alarms.filter((a) => a.state === 'ALARM');
  const state = firing.length > 0 ? 'ALARM' : alarms.some((a) => a.state === 'INSUFFICIENT_DATA') ? 'INSUFFICIENT_DATA' : 'OK';
  const title = alarms.map((a) => `${a.name}: ${a.state}`).join('\n');
  return (
    <span data-testid="alarms-cell" data-state={state} title={title} className={cn('whitespace-nowrap font-mono text-[11px]', state === 'ALARM' ? 'font-semibold text-down-fg' : state === 'OK' ? 'text-healthy-fg' : 'text-fg-muted')}>
      {state === 'ALARM' ? `${firing.length} ALARM` : state === 'OK' ? `${alarms.length} OK` : 'NO DATA'}
    </span>
  );
}

/** Open HIGH and CRITICAL GuardDuty findings: how many, and the worst band. */
export function FindingsCell({ telemetry }: { telemetry: ServiceTelemetry | undefined }) {
  if (!telemetry) return muted;
  const f = telemetry.findings;
  if (!f) return unavailable('Findings', telemetry.findingsError);
  if (f.count === 0) return muted;
  return (
    <span data-testid="findings-cell" data-highest={f.highest} title={`${f.count} open HIGH/CRITICAL GuardDuty finding${f.count === 1 ? '' : 's'}`} className={cn('whitespace-nowrap font-mono text-[11px] font-semibold', f.highest === 'CRITICAL' ? 'text-down-fg' : 'text-degraded-fg')}>
      {f.count} {f.highest}
    </span>
  );
}
