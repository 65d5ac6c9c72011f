import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Sandbox, WorldSnapshot } from '../state';

/**
 * Where the sandbox keeps its world between runs: `<data dir>/sandbox/`, beside the embedded
 * database, so one directory holds everything a developer's console remembers.
 *
 *   world.json.gz   the world (fleet, revisions, deployments, metrics, logs, alarms, findings,
 *                   backups) and its clock; written every minute and on shutdown
 *   sandbox.json    the port, chosen on the first run and kept, so an AWS CLI profile or an
 *                   `--endpoint-url` that points at it keeps working; and the world's id
 *   session-secret  what the console signs sandbox sessions with (mode 0600), so a restart does
 *                   not sign everyone out; a new one comes with `--reset`
 */
export const SANDBOX_DIR = 'sandbox';
const WORLD_FILE = 'world.json.gz';
const META_FILE = 'sandbox.json';
const SESSION_SECRET_FILE = 'session-secret';

export interface SandboxMeta {
  port?: number;
  worldId?: string;
}

export function sandboxDir(dataDir: string): string {
  return join(dataDir, SANDBOX_DIR);
}

export function readMeta(dataDir: string): SandboxMeta {
  const path = join(sandboxDir(dataDir), META_FILE);
  if (!existsSync(path)) return {};
  try {
    const meta = JSON.parse(readFileSync(path, 'utf8')) as SandboxMeta;
    return typeof meta === 'object' && meta !== null ? meta : {};
  } catch {
    return {};
  }
}

export function writeMeta(dataDir: string, meta: SandboxMeta): void {
  writeAtomically(join(sandboxDir(dataDir), META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
}

/** The stored world, or null when there is none (a first run, or after `--reset`). */
export function readWorld(dataDir: string): WorldSnapshot | null {
  const path = join(sandboxDir(dataDir), WORLD_FILE);
  if (!existsSync(path)) return null;
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as WorldSnapshot;
}

/** Writes the world; returns its size in bytes (compressed). */
export function saveWorld(dataDir: string, sandbox: Sandbox): number {
  const body = gzipSync(JSON.stringify(sandbox.snapshot()), { level: 6 });
  writeAtomically(join(sandboxDir(dataDir), WORLD_FILE), body);
  return body.byteLength;
}

/** Size of the stored world in bytes, or 0. */
export function storedWorldSize(dataDir: string): number {
  const path = join(sandboxDir(dataDir), WORLD_FILE);
  return existsSync(path) ? statSync(path).size : 0;
}

/** Deletes the stored world (its port is kept: the endpoint a user configured stays valid). */
export function deleteWorld(dataDir: string): void {
  rmSync(join(sandboxDir(dataDir), WORLD_FILE), { force: true });
}

/** The sandbox console's session secret: the stored one, or a new one stored for the next start. */
export function sandboxSessionSecret(dataDir: string): string {
  const path = join(sandboxDir(dataDir), SESSION_SECRET_FILE);
  if (existsSync(path)) {
    const stored = readFileSync(path, 'utf8').trim();
    if (stored.length >= 32) return stored;
  }
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(sandboxDir(dataDir), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${secret}\n`, { mode: 0o600 });
  renameSync(tmp, path);
  return secret;
}

/** Forgets the session secret (`--reset`): every sandbox session ends with the world it was in. */
export function deleteSessionSecret(dataDir: string): void {
  rmSync(join(sandboxDir(dataDir), SESSION_SECRET_FILE), { force: true });
}

/** A crash mid-write must leave the previous world, not half of the new one. */
function writeAtomically(path: string, body: string | Buffer): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, body);
  renameSync(tmp, path);
}

/**
 * One sandbox per data directory: two would overwrite each other's world. The lock file holds the
 * owner's pid; one left by a process that died is taken over.
 */
export function lockWorld(dataDir: string): { release(): void } {
  const path = join(sandboxDir(dataDir), 'sandbox.lock');
  mkdirSync(sandboxDir(dataDir), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return { release: () => rmSync(path, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new Error(`another sandbox (pid ${owner}) is running on ${sandboxDir(dataDir)}: stop it first, or give this one another CODEFLOW_DATA_DIR`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
