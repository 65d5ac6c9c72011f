import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { closeDb, getDbHandle, openDb, redactUrl } from './client';
import { queryRows } from './query-rows';
import { loadMigrations } from './migrate';
import { describeTargets } from './test-targets';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs `codeflow db status` in another process, as a second Codeflow would open the same directory. */
function runCli(dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CODEFLOW_DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'db', 'status'], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('embedded database lock', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tempDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'codeflow-lock-'));
    dirs.push(dir);
    return dir;
  };

  it('refuses a second process with a clear message, and lets it in once the first closes', async () => {
    const dataDir = tempDataDir();
    const first = await openDb({ dataDir });
    const lock = JSON.parse(readFileSync(join(dataDir, 'db.lock'), 'utf8'));
    assert.equal(lock.pid, process.pid);

    const refused = await runCli(dataDir);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr.trim(),
      `codeflow: The embedded database in ${join(dataDir, 'db')} is in use by another Codeflow process (pid ${process.pid}). ` +
        'Stop it, or set DATABASE_URL to share a PostgreSQL server.',
    );

    await first.close();
    assert.equal(existsSync(join(dataDir, 'db.lock')), false, 'close releases the lock');
    const second = await runCli(dataDir);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /pending {2}0001_identity_and_audit/);
  });

  it('takes over a lock left by a process that died', async () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, 'db.lock'), JSON.stringify({ pid: deadPid(), host: hostname() }));
    const handle = await openDb({ dataDir });
    assert.equal(JSON.parse(readFileSync(join(dataDir, 'db.lock'), 'utf8')).pid, process.pid);
    await handle.close();
  });

  it('refuses a second open of the same directory within one process', async () => {
    const dataDir = tempDataDir();
    const handle = await openDb({ dataDir });
    await assert.rejects(openDb({ dataDir }), /already open in this process/);
    await handle.close();
    await handle.close();
  });

  it('treats a lock from another host as held: its pid cannot be checked from here', async () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, 'db.lock'), JSON.stringify({ pid: 4242, host: 'elsewhere' }));
    await assert.rejects(openDb({ dataDir }), /in use by another Codeflow process \(pid 4242 on elsewhere\)/);
  });
});

describe('getDb', () => {
  it('opens CODEFLOW_DATA_DIR once per process and migrates it on first use', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'codeflow-getdb-'));
    const saved = { dir: process.env.CODEFLOW_DATA_DIR, url: process.env.DATABASE_URL };
    process.env.CODEFLOW_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    try {
      const [a, b] = await Promise.all([getDbHandle(), getDbHandle()]);
      assert.equal(a, b);
      assert.equal(a.kind, 'pglite');
      const rows = await queryRows<{ n: number }>(a.db, sql`select count(*)::int as n from schema_migrations`);
      assert.equal(rows[0]?.n, loadMigrations().length);
    } finally {
      await closeDb();
      Object.assign(process.env, { CODEFLOW_DATA_DIR: saved.dir, DATABASE_URL: saved.url });
      if (saved.dir === undefined) delete process.env.CODEFLOW_DATA_DIR;
      if (saved.url === undefined) delete process.env.DATABASE_URL;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('never prints a password', () => {
    assert.equal(redactUrl('postgres://codeflow:s3cret@db:5432/codeflow?sslmode=require'), 'postgres://codeflow:***@db:5432/codeflow?sslmode=require');
    assert.equal(redactUrl('not a url s3cret'), 'the configured DATABASE_URL');
  });
});

describeTargets('openDb', (target) => {
  it(`opens ${target.kind} behind the same Drizzle API`, async () => {
    const handle = await target.fresh({ migrated: true });
    assert.equal(handle.kind, target.kind);
    const rows = await queryRows<{ one: number }>(handle.db, sql`select 1 as one`);
    assert.deepEqual(rows, [{ one: 1 }]);
  });
});
