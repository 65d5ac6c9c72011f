import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { queryRows } from '../db/query-rows';
import { incidentNotificationAttempts, incidentNotifications, type IncidentNotificationRow } from '../db/schema-incidents';
import { recordNotificationAttempt } from '../observability/hooks';

/*
 * Codeflow's one webhook delivery: incident notifications (lib/incidents/notify.ts) and operations'
 * approval requests (lib/ops/approval-notice.ts) go through this outbox. Rows are inserted in the
 * same transaction as the change that causes them, so a change is never committed without its
 * notifications nor notified without being committed; the dedupe key makes a second insert for the
 * same happening a no-op. Delivery is separate: a worker (lib/incidents/escalation-worker.ts, in
 * every replica) claims due rows with FOR UPDATE SKIP LOCKED (two replicas never claim the same
 * row), sends, and records every attempt. A failing target only delays its own rows.
 *
 * Delivery is exactly once between healthy replicas; if a process dies between sending and
 * recording, the lease expires and the row is sent again. Every request carries the
 * `Idempotency-Key` header (the same for every attempt of one row) so a receiver can drop such a duplicate.
 */

/** How delivery retries (the incidents config's `notifications`). */
export interface DeliveryConfig {
  /** Attempts per target and event, the first included. */
  maxAttempts: number;
  /** Delay before the 2nd attempt; doubles each time. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** One HTTP request's time limit. */
  timeoutMs: number;
}

/** One message to one webhook target. */
export interface OutboxMessage {
  subject: { incidentId: string } | { operationId: string };
  /** Unique per happening and target: the same key twice is one message. */
  dedupeKey: string;
  event: IncidentNotificationRow['event'];
  target: { name: string; url: string; format: 'slack' | 'json'; headers: Record<string, string> };
  payload: unknown;
  maxAttempts: number;
  /** When it happened (and is first due). */
  at: Date;
}

/** Queues messages (in the caller's transaction); returns how many were new. */
export async function enqueueWebhooks(tx: Db, messages: OutboxMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const rows = await tx
    .insert(incidentNotifications)
    .values(
      messages.map((m) => ({
        incidentId: 'incidentId' in m.subject ? m.subject.incidentId : null,
        operationId: 'operationId' in m.subject ? m.subject.operationId : null,
        dedupeKey: m.dedupeKey,
        event: m.event,
        target: m.target.name,
        url: m.target.url,
        format: m.target.format,
        headers: m.target.headers,
        payload: m.payload,
        maxAttempts: m.maxAttempts,
        nextAttemptAt: m.at,
        createdAt: m.at,
      })),
    )
    .onConflictDoNothing({ target: incidentNotifications.dedupeKey })
    .returning({ id: incidentNotifications.id });
  return rows.length;
}

/** Text for Slack's mrkdwn, where `&`, `<` and `>` are markup. */
export function escapeMrkdwn(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const KICK = Symbol.for('codeflow.webhookOutbox.kick');
type KickHolder = { [KICK]?: () => void };

/** The delivery worker says how to wake it (null: it stopped). */
export function onDeliveryKick(kick: (() => void) | null): void {
  const holder = globalThis as KickHolder;
  if (kick) holder[KICK] = kick;
  else delete holder[KICK];
}

/** Asks the delivery worker, if one runs in this process, to deliver soon rather than at its next tick. */
export function kickDelivery(): void {
  (globalThis as KickHolder)[KICK]?.();
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
export function backoffMs(config: DeliveryConfig, failedAttempts: number): number {
  return Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
}

/**
 * Claims the rows due at `now` (pending and due, or sending with an expired lease), sends them in
 * parallel and records each attempt. Never throws for a target's failure.
 */
export async function deliverDue(db: Db, config: { notifications: DeliveryConfig }, now: Date, opts: DeliverOptions = {}): Promise<DeliveryResult[]> {
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

async function deliverOne(db: Db, config: { notifications: DeliveryConfig }, row: IncidentNotificationRow, now: Date, fetchImpl: typeof fetch): Promise<DeliveryResult> {
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  let permanent = false;
  try {
    const res = await fetchImpl(row.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Codeflow-Notify/1', 'idempotency-key': row.dedupeKey, ...row.headers },
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
    await tx.insert(incidentNotificationAttempts).values({ notificationId: row.id, incidentId: row.incidentId, operationId: row.operationId, attempt, at: now, ok, statusCode, error, durationMs }).onConflictDoNothing();
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
