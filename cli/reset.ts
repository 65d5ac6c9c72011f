import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { acquireDataDirLock } from '../lib/db/data-dir-lock';
import { deleteSessionSecret, deleteWorld, sandboxDir, storedWorldSize } from '../sandbox/sim/persistence';

/**
 * `--reset`: a fresh sandbox world and a fresh database together — one without the other leaves
 * operations and incidents pointing at a fleet that no longer exists. Says what it will delete
 * first, and asks on a terminal unless `yes`.
 */
export async function resetData(dataDir: string, options: { yes: boolean; sandbox: boolean; databaseUrl?: string }): Promise<void> {
  const dbDir = join(dataDir, 'db');
  const hasDb = existsSync(dbDir) && readdirSync(dbDir).length > 0;
  const worldBytes = storedWorldSize(dataDir);
  const lines: string[] = [];
  if (options.databaseUrl) {
    lines.push('  - nothing in the PostgreSQL database at DATABASE_URL (delete it yourself for a fresh one): operations');
    lines.push('    still running against the old world will be marked failed and their locks released at start');
  } else if (hasDb) {
    lines.push(`  - ${dbDir}  the embedded database: operations, incidents, audit log, users, settings`);
  }
  if (options.sandbox && worldBytes > 0) {
    lines.push(`  - ${join(sandboxDir(dataDir), 'world.json.gz')} and worlds/  the sandbox's worlds, every account and Region (${(worldBytes / 1e6).toFixed(1)} MB): fleet, revisions, deployments, metrics, logs, alarms, findings, backups; and the credentials its STS issued`);
  }
  if (lines.every((line) => line.includes('nothing in'))) {
    console.log('codeflow: --reset: nothing to delete, starting fresh');
    if (options.databaseUrl) console.log(lines.join('\n'));
    return;
  }
  console.log(`codeflow: --reset deletes:\n${lines.join('\n')}\n  (the sandbox keeps its port; everyone signed in to it is signed out)`);
  if (!options.yes && process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question('Delete them? [y/N] ');
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) throw new Error('--reset cancelled; nothing was deleted');
  }
  if (!options.databaseUrl && hasDb) {
    // Refuses (naming the process) while a console still has the database open.
    const lock = acquireDataDirLock(dataDir, dbDir);
    try {
      rmSync(dbDir, { recursive: true, force: true });
    } finally {
      lock.release();
    }
  }
  if (options.sandbox) {
    deleteWorld(dataDir);
    deleteSessionSecret(dataDir);
  }
  console.log('codeflow: deleted; starting fresh');
}
