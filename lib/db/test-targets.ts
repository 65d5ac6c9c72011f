/*
 * For tests only: runs a suite against embedded PGlite and, when TEST_DATABASE_URL reaches a
 * server, against PostgreSQL too. Every `fresh()` database is isolated and empty: a new temp data
 * directory for PGlite, a new database (created through the server's `postgres` database) for
 * PostgreSQL. Both are removed when the suite ends, so parallel suites and reruns never collide.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openDb, type Db, type DbHandle, type DbKind } from './client';
import { migrateUp } from './migrate';

export interface TestDb extends DbHandle {
  /** PostgreSQL: the URL of this test's own database. */
  url?: string;
  /** PGlite: Codeflow's data directory (the database is in `<dataDir>/db`). */
  dataDir?: string;
}

export interface TestTarget {
  kind: DbKind;
  /** A new empty database, dropped when the suite ends. */
  fresh(options?: { migrated?: boolean; maxConnections?: number }): Promise<TestDb>;
  /** Another connection (pool) to the same database, like a second replica; closed at suite end. */
  connectAgain(testDb: TestDb, options?: { maxConnections?: number }): Promise<DbHandle>;
}

const postgres = await probePostgres(process.env.TEST_DATABASE_URL);

/** Defines `describe('<name> [pglite]')` and `describe('<name> [postgres]')` (skipped, with the reason, when no server). */
export function describeTargets(name: string, body: (target: TestTarget) => void): void {
  describe(`${name} [pglite]`, () => body(suiteTarget('pglite')));
  if ('skip' in postgres) {
    const reason = postgres.skip;
    describe(`${name} [postgres]`, () => it('against PostgreSQL', (t) => t.skip(reason)));
  }
  else describe(`${name} [postgres]`, () => body(suiteTarget('postgres')));
}

/**
 * Runs fn with the append-only triggers out of the way, as a superuser could: what tamper tests
 * need to prove the hash chain, not the triggers, catches an edit.
 */
export function asSuperuser<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    return fn(tx);
  });
}

function suiteTarget(kind: DbKind): TestTarget {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const track = <H extends DbHandle>(handle: H): H => {
    cleanups.push(() => handle.close().catch(() => {}));
    return handle;
  };

  return {
    kind,
    async fresh(options = {}) {
      const testDb = kind === 'pglite' ? await freshPglite() : await freshPostgres(cleanups, options.maxConnections);
      track(testDb);
      if (options.migrated) await migrateUp(testDb.db);
      return testDb;
    },
    async connectAgain(testDb, options = {}) {
      if (!testDb.url) throw new Error('only PostgreSQL allows a second connection; PGlite is one process, one connection');
      return track(await openDb({ url: testDb.url, maxConnections: options.maxConnections }));
    },
  };

  async function freshPglite(): Promise<TestDb> {
    const dataDir = mkdtempSync(join(tmpdir(), 'codeflow-test-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    // initdb in WebAssembly takes seconds; copying a closed, empty cluster takes milliseconds.
    cpSync(await pgliteTemplate(), join(dataDir, 'db'), { recursive: true });
    return { ...(await openDb({ dataDir })), dataDir };
  }
}

async function freshPostgres(cleanups: (() => Promise<void>)[], maxConnections?: number): Promise<TestDb> {
  if ('skip' in postgres) throw new Error(postgres.skip);
  const name = `codeflow_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  // Registered before the handle's close, so it runs after it (cleanups run in reverse).
  cleanups.push(() => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}));
  const url = new URL(postgres.url);
  url.pathname = `/${name}`;
  return { ...(await openDb({ url: url.toString(), maxConnections })), url: url.toString() };
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  if ('skip' in postgres) throw new Error(postgres.skip);
  const url = new URL(postgres.url);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function probePostgres(url: string | undefined): Promise<{ url: string } | { skip: string }> {
  if (!url) return { skip: 'TEST_DATABASE_URL is not set, so the PostgreSQL half of this suite did not run' };
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { url };
  } catch (e) {
    return { skip: `TEST_DATABASE_URL (${url.replace(/:[^:@/]*@/, ':***@')}) is unreachable (${(e as Error).message}), so the PostgreSQL half of this suite did not run` };
  } finally {
    await client.end().catch(() => {});
  }
}

let template: Promise<string> | undefined;

/** An empty PGlite cluster shared by test processes; built once per PGlite version, atomically. */
function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    // Keyed by the installed PGlite build: a cluster from another PGlite version may not open.
    const wasm = statSync(createRequire(import.meta.url).resolve('@electric-sql/pglite/pglite.wasm'));
    const path = join(tmpdir(), `codeflow-pglite-template-${wasm.size}-${Math.trunc(wasm.mtimeMs)}`);
    if (existsSync(path)) return path;
    const building = mkdtempSync(`${path}.building-`);
    const client = await PGlite.create(join(building, 'db'));
    await client.close();
    try {
      renameSync(join(building, 'db'), path);
    } catch (e) {
      // Another test process won the race; its template is as good as ours.
      if (!existsSync(path)) throw e;
    }
    rmSync(building, { recursive: true, force: true });
    return path;
  })();
  return template;
}
