import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The key that makes the audit chain's hashes unforgeable by someone who can only write to the
 * database: it never enters the database. In AWS it comes from Secrets Manager (ECS injects the
 * secret as CODEFLOW_AUDIT_KEY, see infrastructure/aws-webapp/secrets.tf); elsewhere it is
 * generated once into the data directory (`audit.key`, mode 0600) beside the embedded database.
 */

export const AUDIT_KEY_FILE = 'audit.key';

const WEAK_KEYS = new Set(['changeme', 'change-me', 'replace-me', 'secret', 'password', 'codeflow']);

/** Why `value` cannot be the audit key, or null. Never echoes the value. */
export function auditKeyProblem(value: string | undefined): string | null {
  if (!value?.trim()) return 'CODEFLOW_AUDIT_KEY is not set; in AWS it comes from the Secrets Manager secret Terraform creates (README, "Audit log"), elsewhere generate one with `openssl rand -base64 48`';
  const key = value.trim();
  if (key.length < 32 || WEAK_KEYS.has(key.toLowerCase()) || new Set(key).size < 12) {
    return 'CODEFLOW_AUDIT_KEY is too weak: use at least 32 random characters (`openssl rand -base64 48`)';
  }
  return null;
}

/**
 * Reads `<dataDir>/audit.key`, creating it when missing. Creation is atomic (write a private temp
 * file, then hard-link it into place, which fails if another process won), so two processes
 * starting together end up with the same key.
 */
export function readOrCreateAuditKeyFile(dataDir: string): string {
  const path = join(dataDir, AUDIT_KEY_FILE);
  try {
    return readKeyFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dataDir, { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, `${randomBytes(48).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    rmSync(temp, { force: true });
  }
  return readKeyFile(path);
}

function readKeyFile(path: string): string {
  const key = readFileSync(path, 'utf8').trim();
  const problem = auditKeyProblem(key);
  if (problem) throw new Error(`${path}: ${problem.replace('CODEFLOW_AUDIT_KEY', 'the key file')}`);
  // A key file someone else can read is a key an attacker may hold; keep it private.
  chmodSync(path, 0o600);
  return key;
}

/** The key from the environment when set (validated), otherwise from the data directory's key file. */
export function resolveAuditKey(env: Record<string, string | undefined>, dataDir: string): string {
  if (env.CODEFLOW_AUDIT_KEY !== undefined && env.CODEFLOW_AUDIT_KEY !== '') {
    const problem = auditKeyProblem(env.CODEFLOW_AUDIT_KEY);
    if (problem) throw new Error(problem);
    return env.CODEFLOW_AUDIT_KEY.trim();
  }
  return readOrCreateAuditKeyFile(dataDir);
}

/** Codeflow's data directory, as the database and the sandbox use it. */
export function dataDirFromEnv(env: Record<string, string | undefined> = process.env): string {
  // turbopackIgnore: a directory chosen at run time, not a file of the build.
  return resolve(/* turbopackIgnore: true */ env.CODEFLOW_DATA_DIR?.trim() || join(/* turbopackIgnore: true */ process.cwd(), '.codeflow'));
}

const PROCESS_KEY = Symbol.for('codeflow.auditKey');
type WithKey = typeof globalThis & { [PROCESS_KEY]?: string };

/** This process's audit key, resolved once (memoised on globalThis: Next.js may load this module twice). */
export function getAuditKey(): string {
  const g = globalThis as WithKey;
  g[PROCESS_KEY] ??= resolveAuditKey(process.env, dataDirFromEnv());
  return g[PROCESS_KEY];
}
