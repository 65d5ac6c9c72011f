import type { Db } from '../db/client';
import type { IncidentsConfig } from './config';
import { escalateDue, type ReachedTier } from './incidents';
import { deliverDue, onDeliveryKick, type DeliveryResult } from '../notify/webhook-outbox';
import { loggerFor } from '../observability/logger';

/*
 * The background worker: every few seconds, reach the escalation tiers that are due and deliver
 * the webhook notifications that are due (incidents' and operations' approval requests alike). Safe to run in every replica at once (see escalateDue and
 * deliverDue); tests call `tick(now, deps)` directly with a controlled clock.
 */

export interface WorkerDeps {
  db: Db;
  config: IncidentsConfig;
  fetchImpl?: typeof fetch;
}

export interface TickResult {
  escalated: ReachedTier[];
  deliveries: DeliveryResult[];
}

export async function tick(now: Date, deps: WorkerDeps): Promise<TickResult> {
  // A failure in one half must not starve the other: escalation is a database write, delivery is network.
  let escalated: ReachedTier[] = [];
  let deliveries: DeliveryResult[] = [];
  try {
    escalated = await escalateDue({ db: deps.db, config: deps.config, now });
  } catch (e) {
    loggerFor('incidents').error({ err: e }, 'escalation tick failed');
  }
  try {
    deliveries = await deliverDue(deps.db, deps.config, now, { fetchImpl: deps.fetchImpl });
  } catch (e) {
    loggerFor('incidents').error({ err: e }, 'notification delivery failed');
  }
  return { escalated, deliveries };
}

const KEY = Symbol.for('codeflow.escalationWorker');
type Holder = { [KEY]?: { timer: NodeJS.Timeout; running: Promise<unknown> | null; kick: () => void } };

/**
 * Starts the interval in this process (once, whatever how many times it is called). The database
 * and config come from the process (getDb/getConfig), loaded lazily so importing this costs nothing.
 */
export function startEscalationWorker(opts: { intervalMs?: number } = {}): { stop(): void } {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const run = () => {
      const state = holder[KEY];
      if (!state || state.running) return;
      state.running = (async () => {
        const [{ getDb }, { getConfig }] = await Promise.all([import('../db/client'), import('../config')]);
        await tick(new Date(), { db: await getDb(), config: getConfig().incidents });
      })()
        .catch((e: unknown) => loggerFor('incidents').error({ err: e }, 'escalation worker failed'))
        .finally(() => {
          if (holder[KEY]) holder[KEY].running = null;
        });
    };
    const intervalMs = opts.intervalMs ?? 5_000;
    const timer = setInterval(run, intervalMs);
    timer.unref();
    holder[KEY] = { timer, running: null, kick: run };
    // Operations queue approval requests in the same outbox: they wake this worker too.
    onDeliveryKick(kickEscalationWorker);
    setTimeout(run, 1_000).unref();
  }
  return { stop: stopEscalationWorker };
}

export function stopEscalationWorker(): void {
  const holder = globalThis as Holder;
  if (holder[KEY]) clearInterval(holder[KEY].timer);
  delete holder[KEY];
  onDeliveryKick(null);
}

/** Runs a tick soon (after a change that queued notifications), without waiting for it; no-op when the worker is not running. */
export function kickEscalationWorker(): void {
  const holder = globalThis as Holder;
  const state = holder[KEY];
  if (state) setTimeout(state.kick, 0).unref();
}
