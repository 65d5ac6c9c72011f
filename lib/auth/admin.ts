import { and, desc, eq, isNull } from 'drizzle-orm';
import { appendAudit } from '../audit/append';
import { getDb, type Db } from '../db/client';
import { apiTokens, users, type UserRow } from '../db/schema';
import { AppError } from '../errors';
import { actorOf, type CurrentUser } from './identity';
import { roleRank, type Role } from './roles';
import { endUserSessions } from './sessions';
import { effectiveRole } from './users';

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
 * if the audit entry cannot be written, the change is not made (one transaction). A lower role ends
 * the person's sessions on the server: pages open at the old role must not keep working.
 */
export async function setRoleOverride(admin: CurrentUser, userId: string, role: Role | null, reason: string, db?: Db): Promise<UserRow> {
  db ??= await getDb();
  return db.transaction(async (tx) => {
    const before = await targetUser(tx, userId);
    const [after] = await tx.update(users).set({ roleOverride: role }).where(eq(users.id, userId)).returning();
    const lowered = roleRank(effectiveRole(after!)) < roleRank(effectiveRole(before));
    const sessionsEnded = lowered ? await endUserSessions(userId, 'role lowered by an admin', tx) : 0;
    await appendAudit(tx, {
      actor: actorOf(admin),
      action: 'user.role_override',
      target: `${before.issuer}|${before.subject}`,
      params: { from: before.roleOverride, to: role, idpRole: before.idpRole, sessionsEnded },
      reason,
      outcome: 'success',
    });
    return after!;
  });
}

/**
 * Ends every session the user holds and revokes every API token they own: they must sign in again,
 * and automation acting as them stops. Takes effect on their next request.
 */
export async function revokeSessions(admin: CurrentUser, userId: string, reason: string, db?: Db): Promise<UserRow> {
  db ??= await getDb();
  return db.transaction(async (tx) => {
    const before = await targetUser(tx, userId);
    const now = new Date();
    const [after] = await tx.update(users).set({ sessionsValidAfter: now }).where(eq(users.id, userId)).returning();
    const sessionsEnded = await endUserSessions(userId, 'revoked by an admin', tx);
    const tokens = await tx
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id, name: apiTokens.name });
    await appendAudit(tx, {
      actor: actorOf(admin),
      action: 'user.sessions_revoke',
      target: `${before.issuer}|${before.subject}`,
      params: { sessionsEnded, tokensRevoked: tokens.map((t) => `${t.name} (${t.id})`) },
      reason,
      outcome: 'success',
    });
    return after!;
  });
}
