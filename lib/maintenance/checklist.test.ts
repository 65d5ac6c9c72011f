import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { auditLog, maintenanceCompletions } from '../db/schema';
import type { Db } from '../db/client';
import { queryRows } from '../db/query-rows';
import { describeTargets } from '../db/test-targets';
import { isAppError } from '../errors';
import { completeTask, getChecklist, listTaskHistory } from './checklist';
import { parseMaintenanceConfig } from './config';

const RUI = { issuer: 'https://idp.example', subject: 'rui', name: 'Rui Responder', role: 'responder' as const };
const ADA = { issuer: 'https://idp.example', subject: 'ada', name: 'Ada Admin', role: 'admin' as const };
const config = parseMaintenanceConfig();

describeTargets('maintenance checklist', (target) => {
  let db: Db;
  let clock = new Date('2026-11-27T09:00:00Z');
  const deps = () => ({ db, config, now: () => clock });

  before(async () => {
    db = (await target.fresh({ migrated: true })).db;
  });

  it('the drizzle mirror matches the migrated table', async () => {
    const table = getTableConfig(maintenanceCompletions);
    const rows = await queryRows<{ column_name: string; is_nullable: string }>(
      db,
      sql`select column_name, is_nullable from information_schema.columns where table_schema = current_schema() and table_name = ${table.name} order by column_name`,
    );
    assert.deepEqual(table.columns.map((c) => `${c.name}${c.notNull ? '' : '?'}`).sort(), rows.map((r) => `${r.column_name}${r.is_nullable === 'YES' ? '?' : ''}`));
  });

  it('with no history every task is overdue, never done', async () => {
    const list = await getChecklist(deps());
    assert.equal(list.tasks.length, 12);
    assert.deepEqual(list.counts, { overdue: 12, dueSoon: 0, ok: 0 });
    assert.ok(list.tasks.every((t) => t.neverDone && t.dueAt === null && t.lastDone === null));
  });

  it('marking a weekly task done records who and when, audits it, and makes it due a week later', async () => {
    const result = await completeTask(deps(), RUI, { taskId: 'verify-backups', note: '  restored last night’s snapshot to staging  ' });
    assert.equal(result.completion.doneBy, 'Rui Responder');
    assert.equal(result.completion.doneAt, '2026-11-27T09:00:00.000Z');
    assert.equal(result.completion.note, 'restored last night’s snapshot to staging');
    assert.equal(result.task.state, 'ok');
    assert.equal(result.task.dueAt, '2026-12-04T09:00:00.000Z');

    const entries = await db.select().from(auditLog).where(sql`${auditLog.action} = 'maintenance.complete'`).orderBy(auditLog.seq);
    assert.deepEqual(entries.map((e) => [e.outcome, e.target, e.actorSubject]), [
      ['intent', 'maintenance/verify-backups', 'rui'],
      ['success', 'maintenance/verify-backups', 'rui'],
    ]);

    const list = await getChecklist(deps());
    const task = list.tasks.find((t) => t.id === 'verify-backups')!;
    assert.equal(task.lastDone?.doneBy, 'Rui Responder');
    assert.equal(list.counts.overdue, 11);
    assert.equal(list.tasks.at(-1)?.id, 'verify-backups', 'the one task not overdue sorts last');
  });

  it('the clock moving on makes it due soon, then overdue', async () => {
    clock = new Date('2026-12-03T10:00:00Z');
    assert.equal((await getChecklist(deps())).tasks.find((t) => t.id === 'verify-backups')?.state, 'due_soon');
    clock = new Date('2026-12-04T09:00:01Z');
    assert.equal((await getChecklist(deps())).tasks.find((t) => t.id === 'verify-backups')?.state, 'overdue');
  });

  it('a backdated completion counts from when it was done; the newest done-at wins, history keeps both', async () => {
    clock = new Date('2026-12-10T12:00:00Z');
    await completeTask(deps(), ADA, { taskId: 'verify-backups', doneAt: new Date('2026-12-08T12:00:00Z') });
    // Recorded later but done earlier: does not move the due date back.
    await completeTask(deps(), RUI, { taskId: 'verify-backups', doneAt: new Date('2026-12-05T12:00:00Z'), note: 'forgot to tick it' });
    const task = (await getChecklist(deps())).tasks.find((t) => t.id === 'verify-backups')!;
    assert.equal(task.lastDone?.doneBy, 'Ada Admin');
    assert.equal(task.dueAt, '2026-12-15T12:00:00.000Z');
    const history = await listTaskHistory(db, 'verify-backups');
    assert.deepEqual(history.map((h) => [h.doneAt, h.doneBy]), [
      ['2026-12-08T12:00:00.000Z', 'Ada Admin'],
      ['2026-12-05T12:00:00.000Z', 'Rui Responder'],
      ['2026-11-27T09:00:00.000Z', 'Rui Responder'],
    ]);
  });

  it('refuses an unknown task, a future done-at and one over a year back, writing nothing', async () => {
    const before = await listTaskHistory(db, 'verify-backups');
    const auditBefore = (await db.select().from(auditLog)).length;
    for (const [input, code, pattern] of [
      [{ taskId: 'no-such-task' }, 'not_found', /no maintenance task "no-such-task"/],
      [{ taskId: 'verify-backups', doneAt: new Date(clock.getTime() + 3600_000) }, 'invalid', /doneAt: cannot be in the future/],
      [{ taskId: 'verify-backups', doneAt: new Date(clock.getTime() - 400 * 86_400_000) }, 'invalid', /doneAt: at most 366 days ago/],
    ] as const) {
      await assert.rejects(completeTask(deps(), RUI, input), (e: unknown) => isAppError(e) && e.code === code && pattern.test(e.message));
    }
    assert.equal((await listTaskHistory(db, 'verify-backups')).length, before.length);
    assert.equal((await db.select().from(auditLog)).length, auditBefore);
  });

  it('history is append-only in the database, and future rows are refused there too', async () => {
    await assert.rejects(db.execute(sql`update maintenance_completions set note = 'edited'`), (e: Error) => /append-only/.test(chain(e)));
    await assert.rejects(db.execute(sql`delete from maintenance_completions`), (e: Error) => /append-only/.test(chain(e)));
    await assert.rejects(
      db.insert(maintenanceCompletions).values({ taskId: 'x', taskTitle: 'x', period: 'weekly', doneAt: new Date(Date.now() + 86_400_000), doneByIssuer: 'i', doneBySubject: 's', doneByName: 'n' }),
      (e: Error) => /maintenance_completions_not_future/.test(chain(e)),
    );
  });
});

function chain(e: unknown): string {
  const parts: string[] = [];
  for (let cur = e; cur instanceof Error; cur = cur.cause) parts.push(cur.message);
  return parts.join(' <- ');
}
