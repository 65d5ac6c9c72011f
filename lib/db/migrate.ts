import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { desc, sql } from 'drizzle-orm';
import { ADVISORY_LOCKS } from './advisory-locks';
import type { Db } from './db';
import { queryRows } from './query-rows';
import { schemaMigrations } from './schema';
import { splitSqlStatements } from './split-sql';

export interface Migration {
  version: number;
  name: string;
  up: string;
  down: string;
}

export interface MigrateOptions {
  /** Defaults to the SQL files in lib/db/migrations. */
  migrations?: Migration[];
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$/;

/** Reads `NNNN_name.up.sql` / `NNNN_name.down.sql` pairs, in version order; a missing half is an error. */
export function loadMigrations(dir: string = migrationsDir()): Migration[] {
  const byVersion = new Map<number, Partial<Migration> & { version: number; name: string }>();
  for (const file of readdirSync(dir).sort()) {
    const match = FILE.exec(file);
    if (!match) continue;
    const [, digits, name, direction] = match as unknown as [string, string, string, 'up' | 'down'];
    const version = Number(digits);
    const entry = byVersion.get(version) ?? { version, name };
    if (entry.name !== name) throw new Error(`${dir}: migration ${digits} has two names, "${entry.name}" and "${name}"`);
    entry[direction] = readFileSync(join(dir, file), 'utf8');
    byVersion.set(version, entry);
  }
  return [...byVersion.values()]
    .sort((a, b) => a.version - b.version)
    .map((m) => {
      if (m.up === undefined || m.down === undefined) {
        throw new Error(`${dir}: migration ${label(m)} needs both .up.sql and .down.sql`);
      }
      return { version: m.version, name: m.name, up: m.up, down: m.down };
    });
}

/**
 * Applies every pending migration, each in its own transaction, and returns those it applied.
 * Each transaction first takes an advisory lock and re-reads schema_migrations, so replicas
 * starting together queue up and the later ones find nothing left to do.
 */
export async function migrateUp(db: Db, options: MigrateOptions = {}): Promise<Migration[]> {
  const migrations = options.migrations ?? loadMigrations();
  const applied: Migration[] = [];
  for (;;) {
    const next = await db.transaction(async (tx) => {
      const done = await lockAndReadApplied(tx);
      const pending = migrations.find((m) => !done.has(m.version));
      if (!pending) return null;
      await runStatements(tx, pending, 'up');
      await tx.insert(schemaMigrations).values({ version: pending.version, name: pending.name });
      return pending;
    });
    if (!next) return applied;
    applied.push(next);
  }
}

/** Runs the down migration of the last applied version; null when nothing is applied. */
export async function rollbackLast(db: Db, options: MigrateOptions = {}): Promise<Migration | null> {
  const migrations = options.migrations ?? loadMigrations();
  return db.transaction(async (tx) => {
    await lockAndReadApplied(tx);
    const [last] = await tx.select().from(schemaMigrations).orderBy(desc(schemaMigrations.version)).limit(1);
    if (!last) return null;
    const migration = migrations.find((m) => m.version === last.version);
    if (!migration) {
      throw new Error(`cannot roll back migration ${label(last)}: this build has no ${label(last)}.down.sql (was it applied by a newer Codeflow?)`);
    }
    await runStatements(tx, migration, 'down');
    await tx.delete(schemaMigrations).where(sql`${schemaMigrations.version} = ${last.version}`);
    return migration;
  });
}

export interface MigrationStatus {
  applied: { version: number; name: string; appliedAt: Date }[];
  pending: Migration[];
}

export async function getMigrationStatus(db: Db, options: MigrateOptions = {}): Promise<MigrationStatus> {
  const migrations = options.migrations ?? loadMigrations();
  const applied = await db.transaction(async (tx) => {
    await lockAndReadApplied(tx);
    return tx.select().from(schemaMigrations).orderBy(schemaMigrations.version);
  });
  const done = new Set(applied.map((m) => m.version));
  return { applied, pending: migrations.filter((m) => !done.has(m.version)) };
}

export function migrationLabel(m: { version: number; name: string }): string {
  return label(m);
}

async function lockAndReadApplied(tx: Db): Promise<Set<number>> {
  // Transaction-scoped, so the lock is held on the transaction's own pooled connection and
  // released by COMMIT or ROLLBACK, even if this process dies mid-migration.
  await tx.execute(sql`select pg_advisory_xact_lock(${ADVISORY_LOCKS.migrate})`);
  // Checked first rather than CREATE TABLE IF NOT EXISTS, which logs a notice on every start.
  const [table] = await queryRows<{ exists: boolean }>(tx, sql`select to_regclass('schema_migrations') is not null as exists`);
  if (!table?.exists) {
    await tx.execute(
      sql.raw(`CREATE TABLE schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`),
    );
  }
  const rows = await tx.select({ version: schemaMigrations.version }).from(schemaMigrations);
  return new Set(rows.map((r) => r.version));
}

async function runStatements(tx: Db, migration: Migration, direction: 'up' | 'down'): Promise<void> {
  for (const statement of splitSqlStatements(migration[direction])) {
    try {
      await tx.execute(sql.raw(statement));
    } catch (e) {
      // Drizzle's own message is "Failed query: …"; the database's reason is in its cause.
      const reason = e instanceof Error && e.cause instanceof Error ? e.cause.message : (e as Error).message;
      const excerpt = statement.length > 200 ? `${statement.slice(0, 200)}…` : statement;
      throw new Error(`migration ${label(migration)}.${direction}.sql failed, nothing of it was applied: ${reason}\n  in: ${excerpt}`, { cause: e });
    }
  }
}

function label(m: { version: number; name: string }): string {
  return `${String(m.version).padStart(4, '0')}_${m.name}`;
}

/** Beside this file when run from source (tsx, tests); from the project root inside a Next bundle. */
function migrationsDir(): string {
  const candidates = [migrationsBesideThisFile(), join(process.cwd(), 'lib', 'db', 'migrations')].filter((d): d is string => d !== null);
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`migrations not found; looked in ${candidates.join(' and ')}`);
  return found;
}

function migrationsBesideThisFile(): string | null {
  try {
    // A literal directory name: with a variable one the build's file tracing cannot tell which
    // entry is meant and ships this whole directory, sources and tests included.
    return join(dirname(fileURLToPath(import.meta.url)), 'migrations');
  } catch {
    // A bundler may give this module a URL that is not a file: URL.
    return null;
  }
}
