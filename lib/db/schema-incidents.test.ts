import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
import type { Db } from './client';
import { rollbackLast } from './migrate';
import { queryRows } from './query-rows';
import { escalationRoster, incidentEscalations, incidentEvents, incidentNotificationAttempts, incidentNotifications, incidents } from './schema-incidents';
import { describeTargets } from './test-targets';

describeTargets('incidents schema (0004)', (target) => {
  let db: Db;
  before(async () => {
    db = (await target.fresh({ migrated: true })).db;
  });

  it('matches the columns of the migrated tables', async () => {
    for (const table of [incidents, incidentEvents, incidentEscalations, incidentNotifications, incidentNotificationAttempts, escalationRoster]) {
      const config = getTableConfig(table);
      const rows = await queryRows<{ column_name: string; is_nullable: string }>(
        db,
        sql`select column_name, is_nullable from information_schema.columns where table_schema = current_schema() and table_name = ${config.name} order by column_name`,
      );
      assert.deepEqual(config.columns.map((c) => `${c.name}${c.notNull ? '' : '?'}`).sort(), rows.map((r) => `${r.column_name}${r.is_nullable === 'YES' ? '?' : ''}`), config.name);
    }
  });

  it('refuses a second row for the same incident and role, and unknown severities', async () => {
    const [inc] = await db
      .insert(incidents)
      .values({ title: 't', severity: 'P1', status: 'open', sourceKind: 'manual', openedAt: new Date(), openedByIssuer: 'i', openedBySubject: 's', clockStartedAt: new Date() })
      .returning();
    const row = { incidentId: inc!.id, role: 'manager' as const, afterMinutes: 60, dueAt: new Date(), reachedAt: new Date() };
    await db.insert(incidentEscalations).values(row);
    await assert.rejects(db.insert(incidentEscalations).values(row));
    await assert.rejects(db.execute(sql`update incidents set severity = 'P5' where id = ${inc!.id}`));
    await assert.rejects(db.execute(sql`update incidents set status = 'resolved' where id = ${inc!.id}`), 'resolved with the clock still running');
  });

  it('rolls back cleanly', async () => {
    const { db: other } = await target.fresh({ migrated: true });
    // Later migrations (if any) first, then 0004.
    let undone = await rollbackLast(other);
    while (undone && undone.version > 4) undone = await rollbackLast(other);
    assert.equal(undone?.version, 4);
    const [t] = await queryRows<{ exists: boolean }>(other, sql`select to_regclass('incidents') is not null as exists`);
    assert.equal(t!.exists, false);
  });
});
