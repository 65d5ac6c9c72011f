import type { AlarmView } from '@/lib/telemetry/alarms';
import type { PlaceRef } from '@/lib/accounts/places';
import type { SeverityLabel } from '@/lib/aws/findings-types';
import type { Finding } from '@/lib/aws/findings-types';
import type { Severity } from '@/lib/incidents/types';
import type { IncidentPrefill } from './open-incident-dialog';

/**
 * An alarm in ALARM as an incident: its services, and P2 (the guide's "performance degradation")
 * unless the responder raises it — an alarm says something crossed a line, not how bad it is.
 */
export function prefillFromAlarm(alarm: Pick<AlarmView, 'name' | 'services' | 'reason'>, place: PlaceRef | null = null): IncidentPrefill {
  const where = alarm.services.length === 1 ? ` on ${alarm.services[0]!.service}` : '';
  return {
    title: `${alarm.name} in ALARM${where}`,
    severity: 'P2',
    // Outside home the services name their account and Region; home services stay as they were.
    services: place ? alarm.services.map((s) => ({ ...s, account: place.accountId, region: place.region })) : alarm.services,
    source: { kind: 'alarm', ref: alarm.name, label: alarm.name },
  };
}

const FINDING_SEVERITY: Record<SeverityLabel, Severity> = { CRITICAL: 'P0', HIGH: 'P1', MEDIUM: 'P2', LOW: 'P3' };

/** A GuardDuty finding as an incident: CRITICAL → P0 … LOW → P3, its service when it names one. */
export function prefillFromFinding(finding: Pick<Finding, 'id' | 'title' | 'type' | 'severityLabel' | 'resource'> & { place?: { account: string; region: string } }): IncidentPrefill {
  const r = finding.resource;
  const where = finding.place ? { account: finding.place.account, region: finding.place.region } : {};
  return {
    title: `GuardDuty: ${finding.title || finding.type}`,
    severity: FINDING_SEVERITY[finding.severityLabel],
    services: r.cluster && r.service ? [{ ...where, cluster: r.cluster, service: r.service }] : [],
    source: { kind: 'finding', ref: finding.id, label: finding.type },
  };
}
