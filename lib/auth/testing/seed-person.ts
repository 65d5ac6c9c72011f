import { encode } from 'next-auth/jwt';
import type { Db } from '../../db/client';
import { users } from '../../db/schema';
import type { Role } from '../roles';
import { startSession } from '../sessions';
import { createApiToken } from '../tokens';

export interface SeedPerson {
  issuer: string;
  subject: string;
  name: string;
  role: Role;
  /** An admin's override of the IdP's role, as the users page sets it. */
  roleOverride?: Role;
  tokenName: string;
  /** With the secret the server signs sessions with: a signed-in browser session and its cookie too. */
  sessionSecret?: string;
}

/**
 * A person enrolled straight into a (migrated) database before a real server opens it, for tests
 * and benches: an API token and, given the session secret, a server-side session with the cookie a
 * signed-in browser would hold (eight hours).
 */
export async function seedPerson(db: Db, person: SeedPerson): Promise<{ userId: string; token: string; sessionCookie?: string }> {
  const now = new Date();
  const [user] = await db
    .insert(users)
    .values({ issuer: person.issuer, subject: person.subject, name: person.name, idpGroups: [], idpRole: person.role, roleOverride: person.roleOverride, lastSignInAt: now, roleCheckedAt: now })
    .returning();
  const role = person.roleOverride ?? person.role;
  const token = (await createApiToken({ id: user!.id, role }, { name: person.tokenName, role, expiresInDays: 1 }, db)).secret;
  if (!person.sessionSecret) return { userId: user!.id, token };
  const secret = person.sessionSecret;
  const { sid } = await startSession(user!.id, { maxAgeMs: 8 * 3600_000, idleMs: 8 * 3600_000 }, { secret }, db);
  const jwt = await encode({ token: { name: person.name, uid: user!.id, sid, sub: person.subject, authAt: Math.floor(now.getTime() / 1000) }, secret, maxAge: 8 * 3600 });
  return { userId: user!.id, token, sessionCookie: `next-auth.session-token=${jwt}` };
}
