import type { AlarmView } from '@/lib/telemetry/alarms';
import type { SeverityLabel } from '@/lib/aws/findings-types';
import type { Finding } from '@/lib/aws/findings-types';
import type { Severity } from '@/lib/incidents/types';
import type { IncidentPrefill } from './open-incident-dialog';

/**
 * An alarm in ALARM as an incident: its services, and P2 (the guide's "performance degradation")
 * unless the responder raises it — an alarm says something crossed a line, not how bad it is.
 */
export function prefillFromAlarm(alarm: Pick<AlarmView, 'name' | 'services' | 'reason'>): IncidentPrefill {
  const where = alarm.services.length === 1 ? ` on ${alarm.services[0]!.service}` : '';
  return {
    title: `${alarm.name} in ALARM${where}`,
    severity: 'P2',
    services: alarm.services,
    source: { kind: 'alarm', ref: alarm.name, label: alarm.name },
  };
}

const FINDING_SEVERITY: Record<SeverityLabel, Severity> = { CRITICAL: 'P0', HIGH: 'P1', MEDIUM: 'P2', LOW: 'P3' };

/** A GuardDuty finding as an incident: CRITICAL → P0 … LOW → P3, its service when it names one. */
export function prefillFromFinding(finding: Pick<Finding, 'id' | 'title' | 'type' | 'severityLabel' | 'resource'>): IncidentPrefill {
  const r = finding.resource;
  return {
    title: `GuardDuty: ${finding.title || finding.type}`,
    severity: FINDING_SEVERITY[finding.severityLabel],
    services: r.cluster && r.service ? [{ cluster: r.cluster, service: r.service }] : [],
    source: { kind: 'finding', ref: finding.id, label: finding.type },
  };
}
