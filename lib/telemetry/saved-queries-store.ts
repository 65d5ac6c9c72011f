/** Saved Logs Insights queries in the database; the routes import it through ./saved-queries (server-only). */
import { and, asc, eq, or } from 'drizzle-orm';
import { appendAudit } from '../audit/append';
import { actorOf, type CurrentUser } from '../auth/identity';
import type { Db } from '../db/client';
import { savedQueries, users } from '../db/schema';
import { AppError } from '../errors';

export { saveQuerySchema, savedQueryIdSchema, type SavedQueryInput, type SavedQueryView } from './saved-queries-types';
import type { SavedQueryInput, SavedQueryView } from './saved-queries-types';

type Row = typeof savedQueries.$inferSelect;

function toView(row: Row, owner: string | null, userId: string): SavedQueryView {
  return { id: row.id, name: row.name, query: row.query, shared: row.shared, mine: row.userId === userId, owner, updatedAt: row.updatedAt.toISOString() };
}

/** The user's own queries, then those others shared, each by name. */
export async function listSavedQueries(db: Db, user: CurrentUser): Promise<SavedQueryView[]> {
  const rows = await db
    .select({ row: savedQueries, owner: users.name })
    .from(savedQueries)
    .innerJoin(users, eq(users.id, savedQueries.userId))
    .where(or(eq(savedQueries.userId, user.id), eq(savedQueries.shared, true)))
    .orderBy(asc(savedQueries.name));
  const views = rows.map((r) => toView(r.row, r.owner, user.id));
  return [...views.filter((v) => v.mine), ...views.filter((v) => !v.mine)];
}

/** Saves under a name (replacing the user's query of that name), audited in the same transaction. */
export async function saveQuery(db: Db, user: CurrentUser, input: SavedQueryInput): Promise<SavedQueryView> {
  return db.transaction(async (tx) => {
    const now = new Date();
    const [row] = await tx
      .insert(savedQueries)
      .values({ userId: user.id, name: input.name, query: input.query, shared: input.shared ?? false })
      .onConflictDoUpdate({ target: [savedQueries.userId, savedQueries.name], set: { query: input.query, shared: input.shared ?? false, updatedAt: now } })
      .returning();
    await appendAudit(tx, {
      actor: actorOf(user),
      action: 'logs.saved-query.save',
      target: input.name,
      params: { id: row!.id, query: input.query, shared: row!.shared },
      outcome: 'success',
    });
    return toView(row!, user.name, user.id);
  });
}

/** Deletes one of the user's own queries; anyone else's (shared or not) is not found. */
export async function deleteSavedQuery(db: Db, user: CurrentUser, id: string): Promise<SavedQueryView> {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(savedQueries).where(and(eq(savedQueries.id, id), eq(savedQueries.userId, user.id))).returning();
    if (!row) throw new AppError('not_found', `You have no saved query with id ${id}`);
    await appendAudit(tx, { actor: actorOf(user), action: 'logs.saved-query.delete', target: row.name, params: { id: row.id, query: row.query }, outcome: 'success' });
    return toView(row, user.name, user.id);
  });
}
