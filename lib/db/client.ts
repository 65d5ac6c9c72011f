import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { AppError } from '../errors';
import { acquireDataDirLock } from './data-dir-lock';
import { migrateUp } from './migrate';
import * as schema from './schema';
import { loggerFor } from '../observability/logger';

import type { Db } from './db';

export type { Db };
export type DbKind = 'pglite' | 'postgres';

export interface DbHandle {
  db: Db;
  kind: DbKind;
  /** Where the data lives, safe to print: the data directory, or the URL without its password. */
  location: string;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** A PostgreSQL URL; when absent, the embedded database in `<dataDir>/db` is used. */
  url?: string;
  /** Codeflow's data directory (default `<cwd>/.codeflow`). */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
}

export function dbOptionsFromEnv(env: Record<string, string | undefined> = process.env): OpenDbOptions {
  return { url: env.DATABASE_URL?.trim() || undefined, dataDir: env.CODEFLOW_DATA_DIR?.trim() || undefined };
}

/** Opens a database without migrating it; the CLI and tests decide when to migrate. */
export async function openDb(options: OpenDbOptions = {}): Promise<DbHandle> {
  // turbopackIgnore: a data directory chosen at run time, not a file of the build: without it the
  // standalone output (next.config.js) would trace and ship the whole project.
  return options.url ? openPostgres(options.url, options.maxConnections ?? 10) : openPglite(resolve(/* turbopackIgnore: true */ options.dataDir ?? join(/* turbopackIgnore: true */ process.cwd(), '.codeflow')));
}

async function openPostgres(url: string, max: number): Promise<DbHandle> {
  const location = redactUrl(url);
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'codeflow', connectionTimeoutMillis: 10_000 });
  // Without a listener, an idle connection dropped by the server would crash the process.
  pool.on('error', (e) => loggerFor('db').error({ reason: e.message }, `idle PostgreSQL connection to ${location} failed`));
  try {
    await pool.query('select 1');
  } catch (e) {
    await pool.end().catch(() => {});
    throw new AppError('unavailable', `Cannot connect to the PostgreSQL database at ${location}: ${(e as Error).message}`, { cause: e });
  }
  const db = drizzleNodePg({ client: pool, schema });
  return { db, kind: 'postgres', location, close: () => pool.end() };
}

async function openPglite(dataDir: string): Promise<DbHandle> {
  const dbDir = join(dataDir, 'db');
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireDataDirLock(dataDir, dbDir);
  let client: PGlite;
  try {
    client = await PGlite.create(dbDir);
  } catch (e) {
    lock.release();
    throw new AppError('unavailable', `Cannot open the embedded database in ${dbDir}: ${(e as Error).message}`, { cause: e });
  }
  const db = drizzlePglite({ client, schema });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= client.close().finally(() => lock.release()));
  return { db, kind: 'pglite', location: dbDir, close };
}

const PROCESS_DB = Symbol.for('codeflow.db');
type WithDb = typeof globalThis & { [PROCESS_DB]?: Promise<DbHandle> };

/**
 * The process's database, opened from DATABASE_URL / CODEFLOW_DATA_DIR and migrated on first use.
 * Memoised on globalThis because Next.js may load this module more than once per process.
 */
export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

export function getDbHandle(): Promise<DbHandle> {
  const g = globalThis as WithDb;
  g[PROCESS_DB] ??= (async () => {
    const handle = await openDb(dbOptionsFromEnv());
    try {
      await migrateUp(handle.db);
      // Rows from before accounts and Regions were recorded belong to home (lib/accounts/adopt-rows.ts).
      const [{ adoptUnplacedRows }, { getConfig }] = await Promise.all([import('../accounts/adopt-rows'), import('../config')]);
      await adoptUnplacedRows(handle.db, getConfig().places[0]!);
    } catch (e) {
      await handle.close();
      throw e;
    }
    return handle;
  })().catch((e: unknown) => {
    // A failed start (database down, lock held) is retried by the next caller, not cached.
    delete g[PROCESS_DB];
    throw e;
  });
  return g[PROCESS_DB];
}

/** Closes the process's database, if it was opened (graceful shutdown). */
export async function closeDb(): Promise<void> {
  const g = globalThis as WithDb;
  const pending = g[PROCESS_DB];
  delete g[PROCESS_DB];
  if (pending) await (await pending.catch(() => null))?.close();
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured DATABASE_URL';
  }
}
