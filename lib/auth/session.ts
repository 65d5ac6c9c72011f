import 'server-only';
import { getToken } from 'next-auth/jwt';
import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { appendAudit } from '../audit/append';
import { getConfig } from '../config';
import { getDb } from '../db/client';
import { can, type Action } from './can';
import { AppError } from '../errors';
import { actorOf, type CurrentUser } from './identity';
import { groupsOf, secureCookies } from './identity-rules';
import { getAuthOptions, type SessionToken } from './options';
import { isLocalUser, localSessionSecret } from './local-mode';
import { findLiveToken } from './tokens';
import { effectiveRole, getUserById, recordIdpRefusal, updateIdpGroups } from './users';
import { getLiveSession, latestIdpAccessToken } from './sessions';
import { lowerOf } from './roles';
import { REQUEST_QUERY_HEADER } from './security-headers';
import type { UserRow } from '../db/schema';

async function readSessionToken(): Promise<SessionToken | null> {
  const token = await getToken({
    req: { cookies: await cookies(), headers: Object.fromEntries(await headers()) } as never,
    secret: localSessionSecret() ?? getAuthOptions().secret,
    secureCookie: secureCookies(process.env.NEXTAUTH_URL),
  }).catch(() => null);
  return (token as SessionToken | null) ?? null;
}

/** A token never acts above its owner's current role: the lower of the two. */
function fromRow(row: UserRow, via: CurrentUser['via']): CurrentUser {
  const role = via.kind === 'token' ? lowerOf(via.tokenRole, effectiveRole(row)) : effectiveRole(row);
  return { id: row.id, issuer: row.issuer, subject: row.subject, name: row.name ?? row.subject, email: row.email, role, via };
}

function sessionLimits() {
  const { auth } = getConfig();
  return { maxAgeMs: auth.sessionMaxAgeMs, idleMs: auth.sessionIdleMs };
}

/**
 * Who is making this request, from a bearer token or the session cookie, checked against the
 * database on every request: a revoked session or a demoted user takes effect on the next one.
 * Read once per server render (the layout and the page both ask); route handlers call it once.
 */
export const getCurrentUser = cache(readCurrentUser);

async function readCurrentUser(): Promise<CurrentUser | null> {
  const authorization = (await headers()).get('authorization');
  if (authorization !== null) {
    const [scheme, secret] = authorization.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !secret) return null;
    let owner: UserRow | null = null;
    const live = await findLiveToken(secret, async (userId) => {
      owner = await getUserById(userId);
      return owner ? effectiveRole(owner) : null;
    });
    if (!live || !owner) return null;
    const user = fromRow(owner, { kind: 'token', tokenId: live.token.id, tokenName: live.token.name, tokenRole: live.token.role });
    // Writes made with a token are audited like any write; reads leave one entry per token per hour.
    if (live.firstUseThisHour) {
      await appendAudit(await getDb(), { actor: actorOf(user), action: 'token.use', target: `${live.token.name} (${live.token.id})`, params: { role: live.role }, outcome: 'success' });
    }
    return user;
  }

  const token = await readSessionToken();
  if (!token?.uid || !token.sid || typeof token.authAt !== 'number') return null;
  const row = await getUserById(token.uid);
  if (!row) return null;
  if (row.sessionsValidAfter && token.authAt * 1000 < row.sessionsValidAfter.getTime()) return null;
  // The server-side record, not the cookie, says whether the session is still live.
  if (!(await getLiveSession(token.sid, row.id, effectiveRole(row), sessionLimits()))) return null;
  return fromRow(row, { kind: 'session', authenticatedAt: token.authAt });
}

/**
 * For pages: the signed-in user, or a redirect to sign-in that comes back to `returnTo` — with the
 * query the page was asked with (the proxy passes it on), so a filtered deep link survives sign-in.
 */
export async function requireUser(returnTo = '/'): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(await withRequestQuery(returnTo))}`);
  return user;
}

async function withRequestQuery(path: string): Promise<string> {
  if (path.includes('?')) return path;
  const query = (await headers()).get(REQUEST_QUERY_HEADER) ?? '';
  return query.startsWith('?') ? path + query : path;
}

/** What the 403 page (app/forbidden.tsx) shows: the refusal authorizePage made during this request. */
export interface PageRefusal {
  action: Action;
  role: CurrentUser['role'];
}

const pageRefusal = cache((): { current: PageRefusal | null } => ({ current: null }));

/** The refusal behind this request's 403 page, once authorizePage has made it (see app/forbidden.tsx). */
export function currentPageRefusal(): PageRefusal | null {
  return pageRefusal().current;
}

/**
 * For pages: the signed-in user, allowed to see this page. A refusal is audited like an API denial
 * and answers HTTP 403 with the forbidden panel (Next.js's `forbidden()`, app/forbidden.tsx), so
 * `allowed` is always true for a caller that gets an answer.
 */
export async function authorizePage(path: string, action: Action): Promise<{ user: CurrentUser; allowed: boolean }> {
  const user = await requireUser(path);
  if (can(user, action)) return { user, allowed: true };
  // Recorded before anything else is awaited: the 403 page reads it as soon as the user is known.
  pageRefusal().current = { action, role: user.role };
  await appendAudit(await getDb(), { actor: actorOf(user), action: 'auth.denied', target: path, params: { attempted: action }, reason: `role ${user.role} lacks ${action}`, outcome: 'denied' });
  forbidden();
}

/**
 * Before a write: if the role was last confirmed at the IdP more than five minutes ago, ask the
 * IdP again (userinfo) and act on what it says now. A session asks with its own access token; an
 * API token with the newest live sign-in of its owner, so a token never outlives its owner's groups.
 * The IdP refusing the access token demotes the person at once (sessions and tokens alike).
 */
export async function confirmRoleForWrite(user: CurrentUser): Promise<CurrentUser> {
  const row = await getUserById(user.id);
  if (!row) throw new AppError('unauthorized', 'Your account no longer exists in Codeflow; sign in again.');
  if (isLocalUser(row)) return fromRow(row, user.via);
  const { auth } = getConfig();
  // Five minutes at most (the config refuses more): removing someone at the IdP stops their writes within it.
  if (row.roleCheckedAt && Date.now() - row.roleCheckedAt.getTime() < auth.roleRecheckMs) return fromRow(row, user.via);

  const accessToken = await idpAccessTokenFor(user);
  if (!accessToken) {
    throw user.via.kind === 'session'
      ? new AppError('unauthorized', `Your role must be confirmed with ${auth.orgName} SSO before this change; sign in again.`)
      : new AppError('forbidden', `This token's owner must be confirmed with ${auth.orgName} SSO before a change: ${row.name ?? row.subject} has to sign in to Codeflow again (the token itself stays valid).`);
  }
  let groups: string[];
  try {
    groups = await fetchGroupsFromIdp(accessToken, auth.issuer!, auth.groupsClaim, auth.orgName);
  } catch (e) {
    if (e instanceof AppError && e.code === 'unauthorized') {
      await recordIdpRefusal(row.id);
      if (user.via.kind === 'token') throw new AppError('forbidden', `${auth.orgName} SSO no longer accepts this token's owner; the owner is a viewer until they sign in again.`);
    }
    throw e;
  }
  const updated = await updateIdpGroups(row.id, groups);
  return fromRow(updated ?? row, user.via);
}

async function idpAccessTokenFor(user: CurrentUser): Promise<string | null> {
  if (user.via.kind === 'token') return latestIdpAccessToken(user.id, getAuthOptions().secret ?? '');
  const token = await readSessionToken();
  if (!token?.accessToken || (token.accessTokenExpiresAt && token.accessTokenExpiresAt * 1000 <= Date.now())) return null;
  return token.accessToken;
}

let userinfoEndpoint: Promise<string> | undefined;

async function fetchGroupsFromIdp(accessToken: string, issuer: string, claim: string, orgName: string): Promise<string[]> {
  userinfoEndpoint ??= fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) })
    .then((r) => r.json() as Promise<{ userinfo_endpoint?: string }>)
    .then((d) => {
      if (!d.userinfo_endpoint) throw new Error('no userinfo_endpoint');
      return d.userinfo_endpoint;
    })
    .catch((e: unknown) => {
      userinfoEndpoint = undefined;
      throw e;
    });
  let response: Response;
  try {
    response = await fetch(await userinfoEndpoint, { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(5000) });
  } catch {
    throw new AppError('unavailable', `Codeflow could not reach ${orgName} SSO to confirm your role; try again shortly.`);
  }
  if (response.status === 401 || response.status === 403) {
    throw new AppError('unauthorized', `${orgName} SSO no longer accepts your sign-in; sign in again.`);
  }
  if (!response.ok) throw new AppError('unavailable', `${orgName} SSO answered ${response.status} when Codeflow confirmed your role; try again shortly.`);
  return groupsOf((await response.json()) as Record<string, unknown>, claim);
}

export { actorOf };
