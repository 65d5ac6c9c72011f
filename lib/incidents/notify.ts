import type { Db } from '../db/client';
import { enqueueWebhooks, escapeMrkdwn } from '../notify/webhook-outbox';
import type { IncidentEvent, IncidentsConfig } from './config';
import { ROLE_LABELS, SEVERITY_DEFINITIONS, type EscalationRole, type Incident, type ServiceRef, type Severity } from './types';

/*
 * Incident notifications: what they say (text, Slack blocks or Codeflow's JSON) and which targets
 * get them. They are queued in the same transaction as the change that causes them and delivered
 * by the webhook outbox (lib/notify/webhook-outbox.ts), exactly once between healthy replicas.
 */

export interface NotificationSubject {
  id: string;
  number: number;
  title: string;
  severity: Severity;
  status: string;
  services: ServiceRef[];
  commander: string | null;
}

export interface NotificationDetails {
  event: IncidentEvent;
  /** What makes this happening unique within the incident (the role for escalations, the event id otherwise). */
  key: string;
  actor: string | null;
  at: Date;
  tier?: { role: EscalationRole; person: string | null; afterMinutes: number; early: boolean; reason: string | null };
}

export function notificationText(incident: NotificationSubject, d: NotificationDetails): string {
  const head = `[${incident.severity}] Incident #${incident.number}: ${incident.title}`;
  // Each with its account and Region where it names them: two accounts' codeflow-service are two services.
  const services = incident.services.length ? ` Services: ${incident.services.map((s) => `${s.cluster}/${s.service}${s.account && s.region ? ` (${s.account} ${s.region})` : ''}`).join(', ')}.` : '';
  switch (d.event) {
    case 'open':
      return `${head} — opened${d.actor ? ` by ${d.actor}` : ''} (${SEVERITY_DEFINITIONS[incident.severity].name}: ${SEVERITY_DEFINITIONS[incident.severity].definition}).${services}`;
    case 'escalation': {
      const t = d.tier!;
      const who = `${ROLE_LABELS[t.role]}${t.person ? ` (${t.person})` : ''}`;
      return t.early
        ? `${head} — escalated early to ${who} by ${d.actor ?? 'a responder'}${t.reason ? `: ${t.reason}` : ''}.${services}`
        : `${head} — unresolved for ${formatMinutes(t.afterMinutes)}: escalated to ${who}.${services}`;
    }
    case 'acknowledge':
      return `${head} — acknowledged${d.actor ? ` by ${d.actor}` : ''}.`;
    case 'resolve':
      return `${head} — resolved${d.actor ? ` by ${d.actor}` : ''}.`;
  }
}

export function formatMinutes(min: number): string {
  if (min % 1440 === 0) return `${min / 1440} d`.replace(/^1 d$/, '24 h');
  if (min % 60 === 0) return `${min / 60} h`;
  return `${min} min`;
}

export function buildPayload(format: 'slack' | 'json', incident: NotificationSubject, d: NotificationDetails, link: string | null): unknown {
  const text = notificationText(incident, d);
  if (format === 'slack') {
    const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(text) } }];
    if (link) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${link}|Open incident #${incident.number} in Codeflow>` }] });
    return { text, blocks };
  }
  return {
    event: d.event,
    at: d.at.toISOString(),
    text,
    actor: d.actor,
    incident: { ...incident, url: link },
    tier: d.tier ?? null,
  };
}


export function subjectOf(i: Pick<Incident, 'id' | 'number' | 'title' | 'severity' | 'status' | 'services' | 'commander'>): NotificationSubject {
  return { id: i.id, number: i.number, title: i.title, severity: i.severity, status: i.status, services: i.services, commander: i.commander?.name ?? null };
}

/** Inserts one outbox row per target that wants this event; a second call for the same happening inserts nothing. */
export async function enqueueNotifications(tx: Db, config: IncidentsConfig, incident: NotificationSubject, d: NotificationDetails): Promise<number> {
  const link = config.publicUrl ? `${config.publicUrl}/incidents/${incident.number}` : null;
  const targets = config.webhooks.filter((w) => w.events.includes(d.event) && w.severities.includes(incident.severity));
  return enqueueWebhooks(
    tx,
    targets.map((w) => ({
      subject: { incidentId: incident.id },
      dedupeKey: `${incident.id}:${d.event}:${d.key}:${w.name}`,
      event: d.event,
      target: w,
      payload: buildPayload(w.format, incident, d, link),
      maxAttempts: config.notifications.maxAttempts,
      at: d.at,
    })),
  );
}
