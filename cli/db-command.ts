import { openDb, dbOptionsFromEnv } from '../lib/db/client';
import { getMigrationStatus, migrateUp, migrationLabel, rollbackLast } from '../lib/db/migrate';
import { UsageError, type ParsedArgs } from './args';

export const dbUsage = `codeflow db migrate [--rollback] | db rollback | db status
  Applies pending database migrations (the console also does this on start), or with --rollback
  (same as db rollback) reverts the last one. Uses DATABASE_URL, else the embedded database in
  CODEFLOW_DATA_DIR (default .codeflow). Take a backup before a rollback: it can drop data.`;

export async function runDbCommand(args: ParsedArgs): Promise<void> {
  const [, sub] = args.positionals;
  const action = sub === 'rollback' || (sub === 'migrate' && args.flags.rollback === true) ? 'rollback' : sub;
  if (action !== 'migrate' && action !== 'rollback' && action !== 'status') {
    throw new UsageError(sub ? `unknown db command "${sub}"` : 'db needs a command: migrate, rollback or status');
  }

  const handle = await openDb(dbOptionsFromEnv());
  try {
    console.log(`Database: ${handle.kind === 'postgres' ? `PostgreSQL at ${handle.location}` : `embedded (PGlite) in ${handle.location}`}`);
    if (action === 'migrate') {
      const applied = await migrateUp(handle.db);
      if (applied.length === 0) console.log('Up to date: no pending migrations.');
      for (const m of applied) console.log(`Applied ${migrationLabel(m)}`);
    } else if (action === 'rollback') {
      const reverted = await rollbackLast(handle.db);
      console.log(reverted ? `Rolled back ${migrationLabel(reverted)}` : 'Nothing to roll back: no migrations are applied.');
    } else {
      const status = await getMigrationStatus(handle.db);
      for (const m of status.applied) console.log(`  applied  ${migrationLabel(m)}  ${m.appliedAt.toISOString()}`);
      for (const m of status.pending) console.log(`  pending  ${migrationLabel(m)}`);
      if (status.applied.length + status.pending.length === 0) console.log('  no migrations');
    }
  } finally {
    await handle.close();
  }
}
