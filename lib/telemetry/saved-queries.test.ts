import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { desc } from 'drizzle-orm';
import type { CurrentUser } from '../auth/identity';
import type { Db } from '../db/client';
import { auditLog, users } from '../db/schema';
import { describeTargets } from '../db/test-targets';
import { isAppError } from '../errors';
import { deleteSavedQuery, listSavedQueries, saveQuery, saveQuerySchema } from './saved-queries-store';

describeTargets('saved Logs Insights queries', (target) => {
  let db: Db;
  let rui: CurrentUser;
  let olga: CurrentUser;

  before(async () => {
    db = (await target.fresh({ migrated: true })).db;
    const person = async (subject: string, name: string, role: CurrentUser['role']): Promise<CurrentUser> => {
      const [row] = await db.insert(users).values({ issuer: 'https://idp', subject, name }).returning();
      return { id: row!.id, issuer: 'https://idp', subject, name, email: null, role, via: { kind: 'session', authenticatedAt: Date.now() } };
    };
    rui = await person('rui', 'Rui Responder', 'responder');
    olga = await person('olga', 'Olga Operator', 'operator');
  });

  const lastAudit = async () => (await db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1))[0]!;

  it('saves per user and name (saving again replaces), audited; lists own first, then others’ shared ones', async () => {
    const errors = await saveQuery(db, rui, { name: 'errors', query: 'fields @message | filter level = "error"' });
    assert.equal((await lastAudit()).action, 'logs.saved-query.save');
    assert.equal((await lastAudit()).target, 'errors');
    const replaced = await saveQuery(db, rui, { name: 'errors', query: 'fields @message | filter level = "error" | limit 20', shared: true });
    assert.equal(replaced.id, errors.id, 'the same row, replaced');
    await saveQuery(db, olga, { name: 'slow', query: 'filter latency > 500', shared: true });
    await saveQuery(db, olga, { name: 'private', query: 'fields @message' });

    const seenByRui = await listSavedQueries(db, rui);
    assert.deepEqual(seenByRui.map((q) => [q.name, q.mine, q.owner]), [['errors', true, 'Rui Responder'], ['slow', false, 'Olga Operator']]);
    assert.equal(seenByRui[0]!.query, 'fields @message | filter level = "error" | limit 20');
    assert.deepEqual((await listSavedQueries(db, olga)).map((q) => q.name), ['private', 'slow', 'errors']);
  });

  it('deletes only the caller’s own, audited; another’s is not found', async () => {
    const [slow] = (await listSavedQueries(db, olga)).filter((q) => q.name === 'slow');
    await assert.rejects(deleteSavedQuery(db, rui, slow!.id), (e: unknown) => isAppError(e) && e.code === 'not_found');
    const removed = await deleteSavedQuery(db, olga, slow!.id);
    assert.equal(removed.name, 'slow');
    assert.equal((await lastAudit()).action, 'logs.saved-query.delete');
    assert.ok(!(await listSavedQueries(db, rui)).some((q) => q.name === 'slow'));
  });

  it('validates input, naming the field', () => {
    const empty = saveQuerySchema.safeParse({ name: ' ', query: 'x' });
    assert.equal(empty.success, false);
    assert.match(JSON.stringify(empty.error!.issues), /name must not be empty/);
    assert.equal(saveQuerySchema.safeParse({ name: 'a'.repeat(81), query: 'x' }).success, false);
    assert.equal(saveQuerySchema.safeParse({ name: 'a', query: 'x', shared: 'yes' }).success, false);
    assert.equal(saveQuerySchema.safeParse({ name: 'a', query: 'x' }).success, true);
  });
});
