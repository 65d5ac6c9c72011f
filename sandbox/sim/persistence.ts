import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { IssuedCredentials, SandboxOrganization } from '../organization';
import type { Sandbox, WorldSnapshot } from '../state';

/**
 * Where the sandbox keeps its world between runs: `<data dir>/sandbox/`, beside the embedded
 * database, so one directory holds everything a developer's console remembers.
 *
 *   world.json.gz   the world (fleet, revisions, deployments, metrics, logs, alarms, findings,
 *                   backups) and its clock; written every minute and on shutdown. In organisation
 *                   mode, the first account's first Region (the world the sandbox always was)
 *   worlds/<account>-<region>.json.gz
 *                   the organisation's other worlds, in the same format, saved with it
 *   organization.json  what STS issued (kept across restarts, as AWS keeps a session valid until it
 *                   expires) and which accounts' roles refuse AssumeRole
 *   sandbox.json    the port, chosen on the first run and kept, so an AWS CLI profile or an
 *                   `--endpoint-url` that points at it keeps working; and the world's id
 *   session-secret  what the console signs sandbox sessions with (mode 0600), so a restart does
 *                   not sign everyone out; a new one comes with `--reset`
 */
export const SANDBOX_DIR = 'sandbox';
const WORLD_FILE = 'world.json.gz';
const META_FILE = 'sandbox.json';
const MEMBER_WORLDS_DIR = 'worlds';
const ORGANIZATION_FILE = 'organization.json';
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

/** An organisation's world other than the primary, as stored. */
export interface StoredMemberWorld {
  accountId: string;
  region: string;
  snapshot: WorldSnapshot;
}

const MEMBER_FILE = /^(\d{12})-([a-z0-9-]+)\.json\.gz$/;

/** Writes the organisation's other worlds and its STS state beside the primary world (saved by saveWorld). */
export function saveOrganization(dataDir: string, organization: SandboxOrganization): void {
  const dir = join(sandboxDir(dataDir), MEMBER_WORLDS_DIR);
  for (const entry of organization.list()) {
    if (entry.sandbox === organization.primary) continue;
    writeAtomically(join(dir, `${entry.accountId}-${entry.region}.json.gz`), gzipSync(JSON.stringify(entry.sandbox.snapshot()), { level: 6 }));
  }
  const state = { credentials: [...organization.credentials.values()], deniedTrust: [...organization.deniedTrust] };
  writeAtomically(join(sandboxDir(dataDir), ORGANIZATION_FILE), `${JSON.stringify(state)}\n`);
}

/** The stored worlds of the organisation besides the primary (none for a single-account data dir). */
export function readMemberWorlds(dataDir: string): StoredMemberWorld[] {
  const dir = join(sandboxDir(dataDir), MEMBER_WORLDS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => name.match(MEMBER_FILE))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ accountId: m[1]!, region: m[2]!, snapshot: JSON.parse(gunzipSync(readFileSync(join(dir, m[0]))).toString('utf8')) as WorldSnapshot }));
}

/** Takes up the stored STS credentials and trust switches (a missing or unreadable file leaves none). */
export function readOrganizationState(dataDir: string, organization: SandboxOrganization): void {
  const path = join(sandboxDir(dataDir), ORGANIZATION_FILE);
  if (!existsSync(path)) return;
  let state: { credentials?: IssuedCredentials[]; deniedTrust?: string[] };
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as typeof state;
  } catch {
    return;
  }
  for (const c of state.credentials ?? []) if (organization.account(c.accountId)) organization.credentials.set(c.accessKeyId, c);
  for (const id of state.deniedTrust ?? []) if (organization.account(id)) organization.deniedTrust.add(id);
}

/** Size of the stored worlds in bytes (the primary and any others), or 0. */
export function storedWorldSize(dataDir: string): number {
  const path = join(sandboxDir(dataDir), WORLD_FILE);
  const dir = join(sandboxDir(dataDir), MEMBER_WORLDS_DIR);
  const members = existsSync(dir) ? readdirSync(dir).reduce((n, name) => n + statSync(join(dir, name)).size, 0) : 0;
  return (existsSync(path) ? statSync(path).size : 0) + members;
}

/** Whether the primary world (the one whose id the console records) is stored: the others can outlive it. */
export function primaryWorldStored(dataDir: string): boolean {
  return existsSync(join(sandboxDir(dataDir), WORLD_FILE));
}

/** Deletes the stored worlds and STS state (the port is kept: the endpoint a user configured stays valid). */
export function deleteWorld(dataDir: string): void {
  rmSync(join(sandboxDir(dataDir), WORLD_FILE), { force: true });
  rmSync(join(sandboxDir(dataDir), MEMBER_WORLDS_DIR), { recursive: true, force: true });
  rmSync(join(sandboxDir(dataDir), ORGANIZATION_FILE), { force: true });
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
