import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
import type { Db } from './client';
import { queryRows } from './query-rows';
import { apiTokens, auditLog, idempotencyKeys, operationApprovals, operations, savedQueries, schemaMigrations, serviceLocks, sessions, settings, users } from './schema';
import { describeTargets } from './test-targets';

const HASH = (c: string) => c.repeat(64);

describeTargets('schema', (target) => {
  let db: Db;
  before(async () => {
    db = (await target.fresh({ migrated: true })).db;
  });

  it('matches the columns of the migrated tables', async () => {
    for (const table of [users, apiTokens, sessions, auditLog, schemaMigrations, savedQueries, operations, serviceLocks, idempotencyKeys, operationApprovals, settings]) {
      const config = getTableConfig(table);
      const rows = await queryRows<{ column_name: string; is_nullable: string }>(
        db,
        sql`select column_name, is_nullable from information_schema.columns where table_schema = current_schema() and table_name = ${config.name} order by column_name`,
      );
      const inDb = rows.map((r) => `${r.column_name}${r.is_nullable === 'YES' ? '?' : ''}`);
      const inSchema = config.columns.map((c) => `${c.name}${c.notNull ? '' : '?'}`).sort();
      assert.deepEqual(inSchema, inDb, config.name);
    }
  });

  it('creates users with gen_random_uuid ids, unique per issuer and subject', async () => {
    const [user] = await db.insert(users).values({ issuer: 'https://idp', subject: 'alice', name: 'Alice' }).returning();
    assert.match(user!.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(user!.idpGroups, []);
    await db.insert(users).values({ issuer: 'https://other-idp', subject: 'alice' });
    await assert.rejects(db.insert(users).values({ issuer: 'https://idp', subject: 'alice' }), (e: Error) => /users_issuer_subject_key/.test(messageChain(e)));
  });

  it('accepts only the four roles, and only sha256 hex token hashes', async () => {
    const [user] = await db.insert(users).values({ issuer: 'https://idp', subject: 'bob', idpRole: 'operator' }).returning();
    await assert.rejects(db.execute(sql`update users set role_override = 'root' where id = ${user!.id}`), (e: Error) => /check constraint/.test(messageChain(e)));
    const expiresAt = new Date(Date.now() + 86_400_000);
    await db.insert(apiTokens).values({ userId: user!.id, name: 'ci', tokenHash: HASH('a'), role: 'viewer', expiresAt });
    await assert.rejects(db.insert(apiTokens).values({ userId: user!.id, name: 'dup', tokenHash: HASH('a'), role: 'viewer', expiresAt }));
    await assert.rejects(db.insert(apiTokens).values({ userId: user!.id, name: 'plain', tokenHash: 'secret', role: 'viewer', expiresAt }));
    await assert.rejects(db.execute(sql`insert into api_tokens (user_id, name, token_hash, role, expires_at) values (${user!.id}, 'x', ${HASH('b')}, 'god', now())`));
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit_log in the database itself', async () => {
    await db.insert(auditLog).values({ seq: 1, action: 'test.row', outcome: 'success', prevHash: HASH('0'), hash: HASH('1') });
    for (const statement of [sql`update audit_log set reason = 'edited'`, sql`delete from audit_log where seq = 1`, sql`truncate audit_log`, sql`truncate audit_log cascade`]) {
      await assert.rejects(db.execute(statement), (e: Error) => /audit_log is append-only: (UPDATE|DELETE|TRUNCATE)/.test(messageChain(e)), String(statement.queryChunks[0]));
    }
    const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_log where reason is null`);
    assert.equal(row?.n, 1);
  });
});

/** Drizzle wraps driver errors ("Failed query: …") with the database's message in `cause`. */
function messageChain(e: unknown): string {
  const parts: string[] = [];
  for (let cur = e; cur instanceof Error; cur = cur.cause) parts.push(cur.message);
  return parts.join(' <- ');
}
