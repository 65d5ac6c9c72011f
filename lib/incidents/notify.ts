import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { queryRows } from '../db/query-rows';
import { incidentNotificationAttempts, incidentNotifications, type IncidentNotificationRow } from '../db/schema-incidents';
import { recordNotificationAttempt } from '../observability/hooks';
import type { IncidentsConfig, WebhookEvent } from './config';
import { ROLE_LABELS, SEVERITY_DEFINITIONS, type EscalationRole, type Incident, type ServiceRef, type Severity } from './types';

/*
 * Notifications go through an outbox: the rows are inserted in the same transaction as the change
 * that causes them (open, a tier reached, acknowledge, resolve), so a change is never committed
 * without its notifications nor notified without being committed. Delivery is separate: a worker
 * claims due rows with FOR UPDATE SKIP LOCKED (two replicas never claim the same row), sends,
 * and records every attempt. A failing target only delays its own rows.
 *
 * Delivery is exactly once between healthy replicas; if a process dies between sending and
 * recording, the lease expires and the row is sent again. Every request carries the
 * `Idempotency-Key` header (the same for every attempt of one row) so a receiver can drop such a duplicate.
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
  event: WebhookEvent;
  /** What makes this happening unique within the incident (the role for escalations, the event id otherwise). */
  key: string;
  actor: string | null;
  at: Date;
  tier?: { role: EscalationRole; person: string | null; afterMinutes: number; early: boolean; reason: string | null };
}

export function notificationText(incident: NotificationSubject, d: NotificationDetails): string {
  const head = `[${incident.severity}] Incident #${incident.number}: ${incident.title}`;
  const services = incident.services.length ? ` Services: ${incident.services.map((s) => `${s.cluster}/${s.service}`).join(', ')}.` : '';
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

function escapeMrkdwn(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function subjectOf(i: Pick<Incident, 'id' | 'number' | 'title' | 'severity' | 'status' | 'services' | 'commander'>): NotificationSubject {
  return { id: i.id, number: i.number, title: i.title, severity: i.severity, status: i.status, services: i.services, commander: i.commander?.name ?? null };
}

/** Inserts one outbox row per target that wants this event; a second call for the same happening inserts nothing. */
export async function enqueueNotifications(tx: Db, config: IncidentsConfig, incident: NotificationSubject, d: NotificationDetails): Promise<number> {
  const link = config.publicUrl ? `${config.publicUrl}/incidents/${incident.number}` : null;
  const targets = config.webhooks.filter((w) => w.events.includes(d.event) && w.severities.includes(incident.severity));
  if (targets.length === 0) return 0;
  const rows = await tx
    .insert(incidentNotifications)
    .values(
      targets.map((w) => ({
        incidentId: incident.id,
        dedupeKey: `${incident.id}:${d.event}:${d.key}:${w.name}`,
        event: d.event,
        target: w.name,
        url: w.url,
        format: w.format,
        headers: w.headers,
        payload: buildPayload(w.format, incident, d, link),
        maxAttempts: config.notifications.maxAttempts,
        nextAttemptAt: d.at,
        createdAt: d.at,
      })),
    )
    .onConflictDoNothing({ target: incidentNotifications.dedupeKey })
    .returning({ id: incidentNotifications.id });
  return rows.length;
}

export interface DeliveryResult {
  id: number;
  target: string;
  event: string;
  attempt: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  final: 'delivered' | 'failed' | 'retry';
}

export interface DeliverOptions {
  /** Most rows claimed per call. */
  batch?: number;
  fetchImpl?: typeof fetch;
}

/** Backoff before attempt n+1 after n failed attempts: base · 2^(n−1), capped. */
export function backoffMs(config: IncidentsConfig['notifications'], failedAttempts: number): number {
  return Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
}

/**
 * Claims the rows due at `now` (pending and due, or sending with an expired lease), sends them in
 * parallel and records each attempt. Never throws for a target's failure.
 */
export async function deliverDue(db: Db, config: IncidentsConfig, now: Date, opts: DeliverOptions = {}): Promise<DeliveryResult[]> {
  const leaseMs = config.notifications.timeoutMs + 30_000;
  const claimed = await queryRows<{ id: string | number }>(
    db,
    sql`update incident_notifications n
        set status = 'sending', lease_until = ${new Date(now.getTime() + leaseMs)}, attempts = n.attempts + 1
        where n.id in (
          select id from incident_notifications
          where (status = 'pending' and next_attempt_at <= ${now}) or (status = 'sending' and lease_until <= ${now})
          order by next_attempt_at, id
          limit ${opts.batch ?? 50}
          for update skip locked)
        returning n.id`,
  );
  if (claimed.length === 0) return [];
  const ids = claimed.map((r) => Number(r.id));
  const rows = await db.select().from(incidentNotifications).where(sql`${incidentNotifications.id} in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`);
  const settled = await Promise.allSettled(rows.map((row) => deliverOne(db, config, row, now, opts.fetchImpl ?? fetch)));
  return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
}

async function deliverOne(db: Db, config: IncidentsConfig, row: IncidentNotificationRow, now: Date, fetchImpl: typeof fetch): Promise<DeliveryResult> {
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  let permanent = false;
  try {
    const res = await fetchImpl(row.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Codeflow-Incidents/1', 'idempotency-key': row.dedupeKey, ...row.headers },
      body: JSON.stringify(row.payload),
      signal: AbortSignal.timeout(config.notifications.timeoutMs),
      redirect: 'error',
    });
    statusCode = res.status;
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) {
      error = `HTTP ${res.status}`;
      // A 4xx other than timeout / rate limit will not fix itself by waiting.
      permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    }
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    error = err.name === 'TimeoutError' ? `timed out after ${config.notifications.timeoutMs} ms` : `${err.cause?.code ?? err.name}: ${err.cause?.message ?? err.message}`.slice(0, 300);
  }
  const durationMs = Math.round(performance.now() - started);
  const ok = error === null;
  const attempt = row.attempts;
  const final: DeliveryResult['final'] = ok ? 'delivered' : permanent || attempt >= row.maxAttempts ? 'failed' : 'retry';
  await db.transaction(async (tx) => {
    await tx.insert(incidentNotificationAttempts).values({ notificationId: row.id, incidentId: row.incidentId, attempt, at: now, ok, statusCode, error, durationMs }).onConflictDoNothing();
    await tx
      .update(incidentNotifications)
      .set(
        final === 'delivered'
          ? { status: 'delivered', deliveredAt: now, leaseUntil: null, lastError: null }
          : final === 'failed'
            ? { status: 'failed', leaseUntil: null, lastError: error }
            : { status: 'pending', leaseUntil: null, lastError: error, nextAttemptAt: new Date(now.getTime() + backoffMs(config.notifications, attempt)) },
      )
      .where(and(eq(incidentNotifications.id, row.id), eq(incidentNotifications.attempts, attempt)));
  });
  recordNotificationAttempt(row.event, final);
  return { id: row.id, target: row.target, event: row.event, attempt, ok, statusCode, error, final };
}
