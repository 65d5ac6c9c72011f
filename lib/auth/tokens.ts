import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { getDb, type Db } from '../db/client';
import { apiTokens, users, type ApiTokenRow } from '../db/schema';
import { AppError } from '../errors';
import { lowerOf, roleRank, type Role } from './roles';

/** Personal API tokens for the CLI and automation: `cf_` + 32 random bytes, stored as a hash only. */
const PREFIX = 'cf_';
export const MAX_TOKEN_DAYS = 365;

export const hashToken = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface NewToken {
  token: ApiTokenRow;
  /** Shown once, at creation; Codeflow cannot show it again. */
  secret: string;
}

export async function createApiToken(owner: { id: string; role: Role }, input: { name: string; role: Role; expiresInDays: number }, db?: Db): Promise<NewToken> {
  db ??= await getDb();
  if (roleRank(input.role) > roleRank(owner.role)) {
    throw new AppError('forbidden', `A token cannot have more power than you: your role is ${owner.role}, the token asked for ${input.role}.`);
  }
  const secret = PREFIX + randomBytes(32).toString('base64url');
  const [token] = await db
    .insert(apiTokens)
    .values({ userId: owner.id, name: input.name, tokenHash: hashToken(secret), role: input.role, expiresAt: new Date(Date.now() + input.expiresInDays * 86400_000) })
    .returning();
  return { token: token!, secret };
}

export async function listApiTokens(userId: string, db?: Db): Promise<ApiTokenRow[]> {
  db ??= await getDb();
  return db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
}

/** Revokes one of `userId`'s tokens; someone else's token id is simply not found. */
export async function revokeApiToken(userId: string, tokenId: string, db?: Db): Promise<ApiTokenRow> {
  db ??= await getDb();
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning();
  if (!row) throw new AppError('not_found', 'No active token with that id belongs to you.');
  return row;
}

export interface TokenWithOwner {
  token: ApiTokenRow;
  owner: { id: string; issuer: string; subject: string; name: string | null };
}

/** Every token of every user, newest first: admins see who can act through a token and revoke any. */
export async function listAllApiTokens(db?: Db): Promise<TokenWithOwner[]> {
  db ??= await getDb();
  const rows = await db
    .select({ token: apiTokens, owner: { id: users.id, issuer: users.issuer, subject: users.subject, name: users.name } })
    .from(apiTokens)
    .innerJoin(users, eq(apiTokens.userId, users.id))
    .orderBy(desc(apiTokens.createdAt));
  return rows;
}

/** Revokes any user's live token (an admin's action; the caller audits it). */
export async function revokeAnyApiToken(tokenId: string, db?: Db): Promise<TokenWithOwner> {
  db ??= await getDb();
  const [token] = await db.update(apiTokens).set({ revokedAt: new Date() }).where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt))).returning();
  if (!token) throw new AppError('not_found', 'No active token has that id (it may be revoked already).');
  const [owner] = await db.select({ id: users.id, issuer: users.issuer, subject: users.subject, name: users.name }).from(users).where(eq(users.id, token.userId)).limit(1);
  return { token, owner: owner! };
}

/**
 * The token behind a bearer secret, if it is live. Its role is capped by the owner's current role,
 * so demoting a person demotes their tokens at once.
 */
export async function findLiveToken(
  secret: string,
  ownerRole: (userId: string) => Promise<Role | null>,
  db?: Db,
): Promise<{ token: ApiTokenRow; role: Role; firstUseThisHour: boolean } | null> {
  if (!secret.startsWith(PREFIX) || secret.length > 200) return null;
  db ??= await getDb();
  const [token] = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashToken(secret))).limit(1);
  if (!token || token.revokedAt || token.expiresAt.getTime() <= Date.now()) return null;
  const owner = await ownerRole(token.userId);
  if (!owner) return null;
  // Recording every read would be a write per request; once a minute tells when a token was last used.
  if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, token.id));
  }
  const firstUseThisHour = !token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > 3600_000;
  return { token, role: lowerOf(token.role, owner), firstUseThisHour };
}
