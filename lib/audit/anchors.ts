import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { desc } from 'drizzle-orm';
import { appendLogEvents, readLogStream } from '../aws/logs';
import type { AwsClients } from '../aws/client';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';

/**
 * Anchors: the chain head (seq + hash) written outside the database, where someone who can rewrite
 * the database cannot reach. The verifier (lib/audit/verify.ts) compares the database with them,
 * which is what finds a truncated tail (an anchored seq the database no longer has) and a rewritten
 * suffix (an anchored seq whose hash changed), even by someone who holds the audit key.
 *
 * Two stores: an append-only file in the data directory (always, where the directory is writable)
 * and, in AWS mode, a CloudWatch Logs stream the task role can append to but not delete from.
 */

export interface AuditAnchor {
  seq: number;
  hash: string;
  /** When the anchor was written (ISO 8601). */
  at: string;
}

export interface AnchorStore {
  /** Where the anchors are, safe to print. */
  readonly name: string;
  write(anchor: AuditAnchor): Promise<void>;
  /** Every anchor, oldest first. */
  readAll(): Promise<AuditAnchor[]>;
}

export const ANCHOR_FILE = 'audit-anchors.jsonl';
const MARKER = 'codeflow.audit.anchor';

const HASH = /^[0-9a-f]{64}$/;

function toLine(anchor: AuditAnchor): string {
  return JSON.stringify({ type: MARKER, seq: anchor.seq, hash: anchor.hash, at: anchor.at });
}

/** An anchor from one line or log message; null for anything else (a stream may hold other events). */
export function parseAnchor(text: string): AuditAnchor | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const v = value as Partial<AuditAnchor> & { type?: unknown };
  if (v?.type !== MARKER || !Number.isSafeInteger(v.seq) || (v.seq as number) < 1 || typeof v.hash !== 'string' || !HASH.test(v.hash) || typeof v.at !== 'string') return null;
  return { seq: v.seq as number, hash: v.hash, at: v.at };
}

/** JSON lines appended to `<dataDir>/audit-anchors.jsonl`; each write is flushed to disk before it returns. */
export function fileAnchorStore(dataDir: string): AnchorStore {
  const path = join(dataDir, ANCHOR_FILE);
  return {
    // Shown to people with audit access: where, without the server's file system layout.
    name: `${ANCHOR_FILE} in the data directory`,
    async write(anchor) {
      mkdirSync(dirname(path), { recursive: true });
      // O_APPEND: every write lands at the end, whoever else has the file open.
      const fd = openSync(path, 'a', 0o600);
      try {
        writeSync(fd, `${toLine(anchor)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
    async readAll() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
      const lines = text.split('\n');
      const anchors: AuditAnchor[] = [];
      lines.forEach((line, i) => {
        if (!line.trim()) return;
        const anchor = parseAnchor(line);
        // Only the last line may be torn (a crash mid-write); anything else unreadable is damage.
        if (!anchor && !(i === lines.length - 1)) throw new Error(`${path}: line ${i + 1} is not an audit anchor`);
        if (anchor) anchors.push(anchor);
      });
      return anchors;
    },
  };
}

/** One CloudWatch Logs stream (created on first write if missing; the group must exist). */
export function cloudWatchAnchorStore(aws: AwsClients, logGroup: string, stream: string): AnchorStore {
  return {
    name: `CloudWatch Logs ${logGroup} / ${stream}`,
    async write(anchor) {
      await appendLogEvents(aws, { logGroup, stream, events: [{ timestamp: Date.parse(anchor.at), message: toLine(anchor) }] });
    },
    async readAll() {
      const events = await readLogStream(aws, { logGroup, stream });
      return (events ?? []).map((e) => parseAnchor(e.message)).filter((a): a is AuditAnchor => a !== null);
    },
  };
}

/** The newest entry's seq and hash, or null for an empty log. */
export async function readAuditHead(db: Db): Promise<{ seq: number; hash: string } | null> {
  const [head] = await db.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
  return head ?? null;
}

export interface AnchorResult {
  anchor: AuditAnchor | null;
  /** Stores that could not be written, with why; the others were written. */
  failed: { store: string; error: string }[];
}

/** Writes the current head to every store (one store failing does not stop the others). */
export async function anchorAuditHead(db: Db, stores: readonly AnchorStore[], now: Date = new Date()): Promise<AnchorResult> {
  const head = await readAuditHead(db);
  if (!head) return { anchor: null, failed: [] };
  const anchor: AuditAnchor = { seq: head.seq, hash: head.hash, at: now.toISOString() };
  const failed: AnchorResult['failed'] = [];
  await Promise.all(
    stores.map((store) =>
      store.write(anchor).catch((e: unknown) => {
        failed.push({ store: store.name, error: e instanceof Error ? e.message : String(e) });
      }),
    ),
  );
  return { anchor, failed };
}

export interface AnchorReading {
  anchors: AuditAnchor[];
  sources: { store: string; anchors: number }[];
}

/** Every anchor from every store. A store that cannot be read is an error: verifying without it would overstate what was checked. */
export async function readAnchors(stores: readonly AnchorStore[]): Promise<AnchorReading> {
  const read = await Promise.all(stores.map(async (store) => ({ store: store.name, anchors: await store.readAll() })));
  return { anchors: read.flatMap((r) => r.anchors), sources: read.map((r) => ({ store: r.store, anchors: r.anchors.length })) };
}
