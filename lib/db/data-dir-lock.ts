import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { AppError } from '../errors';

/**
 * PGlite is a single-process database: two processes on one data directory corrupt it. This lock
 * file (holding the owner's pid) turns that into a clear refusal. A lock left by a process that
 * died is taken over.
 */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

interface LockOwner {
  pid: number;
  host: string;
}

const LOCK_FILE = 'db.lock';
/** An empty lock file younger than this may be one another process is writing right now. */
const FRESH_MS = 5000;
/** Locks held by this process, on globalThis because Next may load this module twice. */
const HELD = Symbol.for('codeflow.db.heldLocks');

function heldLocks(): Set<string> {
  const g = globalThis as typeof globalThis & { [HELD]?: Set<string> };
  return (g[HELD] ??= new Set());
}

export function acquireDataDirLock(dataDir: string, dbDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  if (heldLocks().has(path)) {
    throw new AppError('conflict', `The embedded database in ${display(dbDir)} is already open in this process.`);
  }
  const me: LockOwner = { pid: process.pid, host: hostname() };

  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me) + '\n', { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readOwner(path);
      if (owner === 'gone') continue;
      if (owner === 'unreadable' ? isFresh(path) : isAlive(owner, me)) {
        const who = owner === 'unreadable' ? 'starting' : owner.host === me.host ? `pid ${owner.pid}` : `pid ${owner.pid} on ${owner.host}`;
        throw new AppError(
          'unavailable',
          `The embedded database in ${display(dbDir)} is in use by another Codeflow process (${who}). ` +
            'Stop it, or set DATABASE_URL to share a PostgreSQL server.',
        );
      }
      // Stale: its owner is dead. Remove it and race for it again with O_EXCL.
      rmSync(path, { force: true });
      continue;
    }
    heldLocks().add(path);
    const onExit = () => release();
    const release = () => {
      process.off('exit', onExit);
      if (!heldLocks().delete(path)) return;
      const owner = readOwner(path);
      if (typeof owner === 'object' && owner.pid === me.pid && owner.host === me.host) rmSync(path, { force: true });
    };
    // SIGKILL and crashes skip this; the next process then finds a dead pid and takes over.
    process.on('exit', onExit);
    return { path, release };
  }
  throw new AppError('unavailable', `Could not take the lock ${path}: other processes keep replacing it.`);
}

function readOwner(path: string): LockOwner | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isInteger(parsed.pid) && typeof parsed.host === 'string') return { pid: parsed.pid!, host: parsed.host };
  } catch {
    // Falls through: a half-written or foreign file.
  }
  return 'unreadable';
}

function isAlive(owner: LockOwner, me: LockOwner): boolean {
  // Another host's pid cannot be checked from here; assume it is alive rather than corrupt its database.
  if (owner.host !== me.host) return true;
  // Our own pid but not in HELD: a lock left by an earlier process that had our pid (pid 1 in a container).
  if (owner.pid === me.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isFresh(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < FRESH_MS;
  } catch {
    return false;
  }
}

function display(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : dir;
}
