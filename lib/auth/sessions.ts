import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import { getDb, type Db } from '../db/client';
import { sessions, type SessionRow } from '../db/schema';
import { atLeast, type Role } from './roles';
import { seal, unseal } from './sealed';

/**
 * Server-side sessions. The encrypted session cookie carries only a random session id; the row it
 * names is checked on every request, so ending it here (sign-out, an admin's revocation, a demotion,
 * the idle or absolute limit) ends the session everywhere, even for a copied cookie.
 */
export interface SessionLimits {
  /** Absolute lifetime from sign-in. */
  maxAgeMs: number;
  /** Inactivity after which an operator's or admin's session ends. */
  idleMs: number;
}

export type SessionEndReason = 'signed out' | 'revoked by an admin' | 'role lowered by an admin' | 'idle timeout' | 'expired';

const hashSessionId = (sid: string) => createHash('sha256').update(sid).digest('hex');
/** Writing last_seen_at on every request would be a write per request; a minute is precise enough for idle limits of minutes. */
const TOUCH_EVERY_MS = 60_000;

export async function startSession(
  userId: string,
  limits: SessionLimits,
  idp: { accessToken?: string; accessTokenExpiresAt?: number; secret: string },
  db?: Db,
): Promise<{ sid: string; row: SessionRow }> {
  db ??= await getDb();
  const sid = randomBytes(32).toString('base64url');
  const [row] = await db
    .insert(sessions)
    .values({
      idHash: hashSessionId(sid),
      userId,
      expiresAt: new Date(Date.now() + limits.maxAgeMs),
      idpAccessToken: idp.accessToken ? seal(idp.accessToken, idp.secret) : null,
      idpAccessTokenExpiresAt: idp.accessTokenExpiresAt ? new Date(idp.accessTokenExpiresAt * 1000) : null,
    })
    .returning();
  return { sid, row: row! };
}

/** Whether limits end this session now, and why; null while it is live. */
export function sessionEndedBy(row: Pick<SessionRow, 'endedAt' | 'expiresAt' | 'lastSeenAt'>, role: Role, limits: SessionLimits, now = Date.now()): SessionEndReason | 'ended' | null {
  if (row.endedAt) return 'ended';
  if (row.expiresAt.getTime() <= now) return 'expired';
  if (atLeast(role, 'operator') && now - row.lastSeenAt.getTime() > limits.idleMs) return 'idle timeout';
  return null;
}

/**
 * The live session behind a cookie's session id for a user whose current role is `role`, or null.
 * A session found past a limit is ended on the spot, so the record says why it ended.
 */
export async function getLiveSession(sid: string, userId: string, role: Role, limits: SessionLimits, db?: Db): Promise<SessionRow | null> {
  db ??= await getDb();
  const [row] = await db.select().from(sessions).where(eq(sessions.idHash, hashSessionId(sid))).limit(1);
  if (!row || row.userId !== userId) return null;
  const ended = sessionEndedBy(row, role, limits);
  if (ended === 'ended') return null;
  if (ended) {
    await db.update(sessions).set({ endedAt: new Date(), endedReason: ended }).where(and(eq(sessions.id, row.id), isNull(sessions.endedAt)));
    return null;
  }
  if (Date.now() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(sessions).set({ lastSeenAt: new Date() }).where(eq(sessions.id, row.id));
  }
  return row;
}

export async function endSession(sid: string, reason: SessionEndReason, db?: Db): Promise<void> {
  db ??= await getDb();
  await db.update(sessions).set({ endedAt: new Date(), endedReason: reason }).where(and(eq(sessions.idHash, hashSessionId(sid)), isNull(sessions.endedAt)));
}

/** Ends every session the user holds; returns how many were live. */
export async function endUserSessions(userId: string, reason: SessionEndReason, db?: Db): Promise<number> {
  db ??= await getDb();
  const ended = await db
    .update(sessions)
    .set({ endedAt: new Date(), endedReason: reason })
    .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt)))
    .returning({ id: sessions.id });
  return ended.length;
}

/**
 * An IdP access token from the user's newest live session that the IdP should still accept: what
 * the user's API tokens use to re-confirm the user's role. Null when there is none (the owner has
 * not signed in recently enough), or when it was sealed under another secret.
 */
export async function latestIdpAccessToken(userId: string, secret: string, db?: Db): Promise<string | null> {
  db ??= await getDb();
  const now = new Date();
  const rows = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt), gt(sessions.expiresAt, now), or(isNull(sessions.idpAccessTokenExpiresAt), gt(sessions.idpAccessTokenExpiresAt, now))))
    .orderBy(desc(sessions.createdAt))
    .limit(5);
  for (const row of rows) {
    const token = row.idpAccessToken && unseal(row.idpAccessToken, secret);
    if (token) return token;
  }
  return null;
}
