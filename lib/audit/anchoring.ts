import { accessSync, constants, mkdirSync } from 'node:fs';
import type { Db } from '../db/client';
import { loggerFor } from '../observability/logger';
import { anchorAuditHead, cloudWatchAnchorStore, fileAnchorStore, readAnchors, readAuditHead, type AnchorStore } from './anchors';
import { dataDirFromEnv, getAuditKey } from './audit-key';
import { verifyAuditChain, type ChainVerification } from './verify';

/*
 * The process's anchoring: which stores, and the worker that writes the head to them at least
 * every minute and shortly after every burst of writes (appendAudit calls noteAuditAppended).
 * Safe in every replica at once: anchors are appended, never replaced, and the verifier accepts
 * any number of anchors that agree with the chain.
 */

export const DEFAULT_ANCHOR_STREAM = 'audit-anchors';

function isWritableDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The anchor stores from the environment: the data directory's file, plus CloudWatch Logs when a
 * group is configured. A container with a read-only root file system (the ECS task) has no
 * writable data directory; with CloudWatch configured, the stream alone is used there.
 */
export function anchorStoresFromEnv(env: Record<string, string | undefined> = process.env, cloudWatch?: () => Promise<AnchorStore>): Promise<AnchorStore[]> {
  const group = env.CODEFLOW_AUDIT_ANCHOR_LOG_GROUP?.trim();
  const dataDir = dataDirFromEnv(env);
  const stores: Promise<AnchorStore>[] = [];
  if (!group || isWritableDir(dataDir)) stores.push(Promise.resolve(fileAnchorStore(dataDir)));
  if (group) {
    const stream = env.CODEFLOW_AUDIT_ANCHOR_LOG_STREAM?.trim() || DEFAULT_ANCHOR_STREAM;
    stores.push(cloudWatch ? cloudWatch() : import('../aws/default-clients').then(({ getAwsClients }) => cloudWatchAnchorStore(getAwsClients(), group, stream)));
  }
  return Promise.all(stores);
}

const KEY = Symbol.for('codeflow.auditAnchoring');
interface AnchoringState {
  timer: NodeJS.Timeout;
  burst: NodeJS.Timeout | null;
  running: Promise<unknown> | null;
  /** A write arrived while anchoring ran: anchor again when it finishes. */
  again: boolean;
  lastAnchored: string | null;
  run: () => void;
  burstDelayMs: number;
}
type Holder = { [KEY]?: AnchoringState };

export interface AnchoringOptions {
  db?: () => Promise<Db>;
  stores?: () => Promise<AnchorStore[]>;
  /** The longest the head goes unanchored while it changes (default one minute). */
  intervalMs?: number;
  /** How long after a write the head is anchored, so a burst costs one anchor (default 1 s). */
  burstDelayMs?: number;
}

/** Starts anchoring in this process (once, however often called); the first anchor is written at once. */
export function startAuditAnchoring(options: AnchoringOptions = {}): { stop(): void } {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const db = options.db ?? (() => import('../db/client').then((m) => m.getDb()));
    let stores: Promise<AnchorStore[]> | undefined;
    const storesOnce = () => (stores ??= (options.stores ?? (() => anchorStoresFromEnv()))());
    // Resolve the key now: a missing or unusable key should be loud at start, not at the first write.
    getAuditKey();
    const log = loggerFor('audit');
    const run = () => {
      const state = holder[KEY];
      if (!state) return;
      if (state.running) {
        state.again = true;
        return;
      }
      state.running = (async () => {
        const handle = await db();
        const head = await readAuditHead(handle);
        if (!head || `${head.seq}:${head.hash}` === state.lastAnchored) return;
        const { anchor, failed } = await anchorAuditHead(handle, await storesOnce());
        for (const f of failed) log.error({ store: f.store, reason: f.error }, `could not anchor the audit chain head to ${f.store}`);
        if (anchor && failed.length === 0) state.lastAnchored = `${anchor.seq}:${anchor.hash}`;
      })()
        .catch((e: unknown) => log.error({ err: e }, 'audit anchoring failed'))
        .finally(() => {
          const state = holder[KEY];
          if (!state) return;
          state.running = null;
          if (state.again) {
            state.again = false;
            state.run();
          }
        });
    };
    const timer = setInterval(run, options.intervalMs ?? 60_000);
    timer.unref();
    holder[KEY] = { timer, burst: null, running: null, again: false, lastAnchored: null, run, burstDelayMs: options.burstDelayMs ?? 1_000 };
    run();
  }
  return { stop: stopAuditAnchoring };
}

export function stopAuditAnchoring(): void {
  const holder = globalThis as Holder;
  const state = holder[KEY];
  if (!state) return;
  clearInterval(state.timer);
  if (state.burst) clearTimeout(state.burst);
  delete holder[KEY];
}

/** Called after each append: anchors the head a moment later, once per burst. No-op when anchoring is not running. */
export function noteAuditAppended(): void {
  const state = (globalThis as Holder)[KEY];
  if (!state || state.burst) return;
  state.burst = setTimeout(() => {
    state.burst = null;
    state.run();
  }, state.burstDelayMs);
  state.burst.unref();
}

/** Resolves once any anchoring in progress has finished (tests, graceful shutdown). */
export async function settleAuditAnchoring(): Promise<void> {
  await (globalThis as Holder)[KEY]?.running;
}

export type ProcessChainVerification = ChainVerification & { anchorSources: { store: string; anchors: number }[] };

/** Verifies this process's database against this process's key and anchor stores (what /api/audit/verify answers). */
export async function verifyAuditChainWithAnchors(db: Db, stores?: AnchorStore[]): Promise<ProcessChainVerification> {
  const { anchors, sources } = await readAnchors(stores ?? (await anchorStoresFromEnv()));
  return { ...(await verifyAuditChain(db, { anchors })), anchorSources: sources };
}
