import { desc, eq } from 'drizzle-orm';
import { appendAudit } from '../audit/append';
import { getDb, type Db } from '../db/client';
import { users, type UserRow } from '../db/schema';
import { AppError } from '../errors';
import { actorOf, type CurrentUser } from './identity';
import type { Role } from './roles';

/** Everyone who has signed in, newest sign-in first (admins manage roles and sessions from this). */
export async function listUsers(db?: Db): Promise<UserRow[]> {
  db ??= await getDb();
  return db.select().from(users).orderBy(desc(users.lastSignInAt));
}

async function targetUser(db: Db, id: string): Promise<UserRow> {
  const [row] = /^[0-9a-f-]{36}$/i.test(id) ? await db.select().from(users).where(eq(users.id, id)).limit(1) : [];
  if (!row) throw new AppError('not_found', 'No user with that id has signed in to Codeflow.');
  return row;
}

/**
 * Sets or clears (null) an admin's override of a user's IdP-derived role. Audited with the reason;
 * if the audit entry cannot be written, the change is not made (one transaction).
 */
export async function setRoleOverride(admin: CurrentUser, userId: string, role: Role | null, reason: string, db?: Db): Promise<UserRow> {
  db ??= await getDb();
  return db.transaction(async (tx) => {
    const before = await targetUser(tx, userId);
    const [after] = await tx.update(users).set({ roleOverride: role }).where(eq(users.id, userId)).returning();
    await appendAudit(tx, {
      actor: actorOf(admin),
      action: 'user.role_override',
      target: `${before.issuer}|${before.subject}`,
      params: { from: before.roleOverride, to: role, idpRole: before.idpRole },
      reason,
      outcome: 'success',
    });
    return after!;
  });
}

/** Ends every session the user holds now: they must sign in again. Takes effect on their next request. */
export async function revokeSessions(admin: CurrentUser, userId: string, reason: string, db?: Db): Promise<UserRow> {
  db ??= await getDb();
  return db.transaction(async (tx) => {
    const before = await targetUser(tx, userId);
    const [after] = await tx.update(users).set({ sessionsValidAfter: new Date() }).where(eq(users.id, userId)).returning();
    await appendAudit(tx, { actor: actorOf(admin), action: 'user.sessions_revoke', target: `${before.issuer}|${before.subject}`, reason, outcome: 'success' });
    return after!;
  });
}
