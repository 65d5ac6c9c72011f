import { timingSafeEqual } from 'node:crypto';
import { encode } from 'next-auth/jwt';
import { appendAudit } from '../audit/append';
import { getConfig } from '../config';
import type { Db } from '../db/client';
import { users, type UserRow } from '../db/schema';
import { AppError } from '../errors';
import { isLoopbackHost } from './local-mode-rules';
import { ROLES, type Role } from './roles';
import { startSession } from './sessions';

export { isLoopbackHost, localModeRefusal } from './local-mode-rules';

/**
 * Local mode (`codeflow start --local`): the console against the real account with the shell's
 * credentials, for the one person at the keyboard — no identity provider. `codeflow start` sets
 * CODEFLOW_LOCAL_* for the server and prints a one-time sign-in link carrying a code only it
 * knows; opening it signs the browser in as the OS user, with the role given on the command line,
 * through the same session cookie and user table as SSO (so every action is authorised and audited
 * as usual, under the `codeflow-local` issuer). Refused on anything but loopback and in
 * production, where the server must never run without SSO.
 */
export const LOCAL_ISSUER = 'codeflow-local';

export interface LocalMode {
  user: string;
  role: Role;
  signInCode: string;
  secret: string;
}

/** The server's local mode from its environment, or null when it is not in local mode. */
export function localModeFromEnv(env: NodeJS.ProcessEnv = process.env): LocalMode | null {
  if (env.CODEFLOW_LOCAL_MODE !== '1') return null;
  const role = env.CODEFLOW_LOCAL_ROLE as Role;
  if (!env.CODEFLOW_LOCAL_USER || !ROLES.includes(role) || !env.CODEFLOW_LOCAL_SIGNIN_CODE || !env.NEXTAUTH_SECRET) {
    throw new AppError('unavailable', 'local mode is misconfigured: start it with `codeflow start --local`');
  }
  return { user: env.CODEFLOW_LOCAL_USER, role, signInCode: env.CODEFLOW_LOCAL_SIGNIN_CODE, secret: env.NEXTAUTH_SECRET };
}

/** For session.ts: local mode's session secret (there are no next-auth options without an IdP). */
export function localSessionSecret(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.CODEFLOW_LOCAL_MODE === '1' ? (env.NEXTAUTH_SECRET ?? null) : null;
}

/** Local users' roles come from the command line, not an IdP: nothing to confirm before a write. */
export function isLocalUser(row: Pick<UserRow, 'issuer'>): boolean {
  return row.issuer === LOCAL_ISSUER && process.env.CODEFLOW_LOCAL_MODE === '1';
}

const SESSION_MAX_AGE_S = 12 * 3600;

/**
 * Exchanges the one-time code for a session cookie (name and value) for the OS user. The request's
 * Host must be loopback too: a page elsewhere that rebinds its DNS name to 127.0.0.1 gets nothing.
 */
export async function startLocalSession(db: Db, mode: LocalMode, code: string, host: string): Promise<{ cookie: string; value: string; maxAge: number }> {
  // (NODE_ENV is the CLI's to check: the standalone server always runs with NODE_ENV=production.)
  if (!isLoopbackHost(host)) throw new AppError('forbidden', `local mode answers on loopback only, not to ${host || 'a request without a Host'}`);
  const given = Buffer.from(code);
  const expected = Buffer.from(mode.signInCode);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    await appendAudit(db, { actor: { issuer: LOCAL_ISSUER, subject: mode.user, name: mode.user, role: null }, action: 'auth.sign_in', target: null, reason: 'local mode: wrong sign-in code', outcome: 'denied' });
    throw new AppError('unauthorized', 'This local sign-in link is not the one `codeflow start --local` printed; use the link it printed.');
  }
  const now = new Date();
  const [row] = await db
    .insert(users)
    .values({ issuer: LOCAL_ISSUER, subject: mode.user, name: mode.user, email: null, idpGroups: [], idpRole: mode.role, roleOverride: mode.role, lastSignInAt: now, roleCheckedAt: now })
    .onConflictDoUpdate({ target: [users.issuer, users.subject], set: { idpRole: mode.role, roleOverride: mode.role, lastSignInAt: now, roleCheckedAt: now } })
    .returning();
  await appendAudit(db, { actor: { issuer: LOCAL_ISSUER, subject: mode.user, name: mode.user, role: mode.role }, action: 'auth.sign_in', target: null, reason: 'local mode (codeflow start --local)', outcome: 'success' });
  // Like an SSO sign-in, the cookie names a server-side session record that sign-out and expiry end.
  const { auth } = getConfig();
  const { sid } = await startSession(row!.id, { maxAgeMs: auth.sessionMaxAgeMs, idleMs: auth.sessionIdleMs }, { secret: mode.secret }, db);
  const value = await encode({
    token: { name: mode.user, email: null, uid: row!.id, sid, iss: LOCAL_ISSUER, sub: mode.user, authAt: now.getTime() / 1000 },
    secret: mode.secret,
    maxAge: SESSION_MAX_AGE_S,
  });
  return { cookie: 'next-auth.session-token', value, maxAge: SESSION_MAX_AGE_S };
}
