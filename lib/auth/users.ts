import { and, eq } from 'drizzle-orm';
import { appendAudit } from '../audit/append';
import { getConfig } from '../config';
import { getDb, type Db } from '../db/client';
import { users, type UserRow } from '../db/schema';
import { roleFromGroups, type Role } from './roles';

export interface SignInClaims {
  issuer: string;
  subject: string;
  name: string;
  email: string | null;
  groups: string[];
}

/** The role the server grants now: an admin's override wins over what the IdP's groups say. */
export function effectiveRole(row: Pick<UserRow, 'roleOverride' | 'idpRole'>): Role {
  return row.roleOverride ?? row.idpRole ?? 'viewer';
}

/** Creates or refreshes the user from the IdP's claims, and records the sign-in. */
export async function recordSignIn(claims: SignInClaims, db?: Db): Promise<UserRow> {
  db ??= await getDb();
  const now = new Date();
  const idpRole = roleFromGroups(claims.groups, getConfig().auth.roleMapping);
  const [row] = await db
    .insert(users)
    .values({ issuer: claims.issuer, subject: claims.subject, name: claims.name, email: claims.email, idpGroups: claims.groups, idpRole, lastSignInAt: now, roleCheckedAt: now })
    .onConflictDoUpdate({
      target: [users.issuer, users.subject],
      set: { name: claims.name, email: claims.email, idpGroups: claims.groups, idpRole, lastSignInAt: now, roleCheckedAt: now },
    })
    .returning();
  await appendAudit(db, {
    actor: { issuer: row!.issuer, subject: row!.subject, name: claims.name, role: effectiveRole(row!) },
    action: 'auth.sign_in',
    target: null,
    params: { groups: claims.groups, idpRole },
    outcome: 'success',
  });
  return row!;
}

export async function recordDeniedSignIn(who: { issuer: string; subject: string; name: string }, why: string): Promise<void> {
  const db = await getDb();
  await appendAudit(db, { actor: { ...who, role: null }, action: 'auth.sign_in', target: null, reason: why, outcome: 'denied' });
}

export async function recordSignOut(userId: string): Promise<void> {
  const db = await getDb();
  const row = await getUserById(userId, db);
  if (!row) return;
  await appendAudit(db, { actor: { issuer: row.issuer, subject: row.subject, name: row.name ?? row.subject, role: effectiveRole(row) }, action: 'auth.sign_out', target: null, outcome: 'success' });
}

export async function getUserById(id: string, db?: Db): Promise<UserRow | null> {
  db ??= await getDb();
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

export async function getUserByIdentity(issuer: string, subject: string, db?: Db): Promise<UserRow | null> {
  db ??= await getDb();
  const [row] = await db.select().from(users).where(and(eq(users.issuer, issuer), eq(users.subject, subject))).limit(1);
  return row ?? null;
}

/** After a fresh look at the IdP's groups (see `session.ts`), store the role they give now. */
export async function updateIdpGroups(id: string, groups: string[], db?: Db): Promise<UserRow | null> {
  db ??= await getDb();
  const idpRole = roleFromGroups(groups, getConfig().auth.roleMapping);
  const [row] = await db.update(users).set({ idpGroups: groups, idpRole, roleCheckedAt: new Date() }).where(eq(users.id, id)).returning();
  return row ?? null;
}

/**
 * The IdP refused the person's access token when Codeflow asked for their groups: until they sign
 * in again they are treated as having no groups (viewer, unless an admin's override says otherwise).
 */
export async function recordIdpRefusal(id: string, db?: Db): Promise<UserRow | null> {
  db ??= await getDb();
  const [row] = await db.update(users).set({ idpGroups: [], idpRole: 'viewer', roleCheckedAt: new Date() }).where(eq(users.id, id)).returning();
  return row ?? null;
}
