import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { getConfig, sessionSecretProblem, type AuthConfig } from '../config';
import { AppError } from '../errors';
import { groupsOf, identityIssuer, refusesSandboxIdentity, secureCookies, type OidcProfile } from './identity-rules';
import { recordDeniedSignIn, recordSignIn, recordSignOut } from './users';
import { endSession, startSession } from './sessions';
import { safeCallbackPath } from './public-url';
import { loggerFor } from '../observability/logger';

export const PROVIDER_ID = 'oidc';

/** The session's JWT payload (encrypted in an HttpOnly cookie; never sent to the browser in clear). */
export interface SessionToken {
  uid?: string;
  /** The random id of the server-side session record (lib/auth/sessions.ts) this cookie belongs to. */
  sid?: string;
  iss?: string;
  sub?: string;
  /** When the person signed in, in seconds with milliseconds (compared with sessions_valid_after). */
  authAt?: number;
  accessToken?: string;
  accessTokenExpiresAt?: number;
}

export function assertAuthConfigured(auth: AuthConfig): asserts auth is AuthConfig & { issuer: string; clientId: string; clientSecret: string } {
  if (!auth.issuer || !auth.clientId || !auth.clientSecret) {
    throw new AppError('unavailable', 'Sign-in is not configured: set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (see the README, "Single sign-on").');
  }
}

let memo: NextAuthOptions | undefined;

/** next-auth's options, built on first use (not at import, so `next build` needs no secrets). */
export function getAuthOptions(): NextAuthOptions {
  if (memo) return memo;
  const config = getConfig();
  const auth = config.auth;
  assertAuthConfigured(auth);
  const secret = process.env.NEXTAUTH_SECRET;
  const problem = sessionSecretProblem(secret);
  if (problem && !config.sandbox) throw new AppError('unavailable', problem);

  const provider: OAuthConfig<OidcProfile> = {
    id: PROVIDER_ID,
    name: auth.orgName,
    type: 'oauth',
    wellKnown: `${auth.issuer}/.well-known/openid-configuration`,
    issuer: auth.issuer,
    clientId: auth.clientId,
    clientSecret: auth.clientSecret,
    authorization: {
      params: {
        scope: `openid profile email ${auth.groupsClaim === 'groups' ? 'groups' : ''}`.trim(),
        // The sandbox's demo users share one browser: always ask who to be, so switching roles works.
        ...(config.sandbox ? { prompt: 'login' } : {}),
      },
    },
    idToken: true,
    checks: ['pkce', 'state', 'nonce'],
    profile: (profile) => ({ id: profile.sub, name: profile.name ?? profile.preferred_username ?? profile.email ?? profile.sub, email: profile.email ?? null }),
  };

  memo = {
    secret,
    providers: [provider],
    // The cookie lives as long as the session may; the server-side record decides when it really ends.
    session: { strategy: 'jwt', maxAge: Math.ceil(auth.sessionMaxAgeMs / 1000) },
    useSecureCookies: secureCookies(process.env.NEXTAUTH_URL),
    pages: { signIn: '/signin', error: '/signin' },
    callbacks: {
      async signIn({ profile }) {
        const claims = profile as OidcProfile | undefined;
        if (!claims?.sub) return false;
        if (refusesSandboxIdentity(claims, auth)) {
          await recordDeniedSignIn({ issuer: identityIssuer(claims, auth.issuer), subject: claims.sub, name: claims.name ?? claims.sub }, 'sandbox identities cannot sign in when Codeflow points at real AWS');
          return '/signin?error=SandboxIdentity';
        }
        return true;
      },
      async jwt({ token, account, profile }) {
        if (account && profile) {
          const claims = profile as OidcProfile;
          const issuer = identityIssuer(claims, auth.issuer);
          const user = await recordSignIn({
            issuer,
            subject: claims.sub,
            name: claims.name ?? claims.preferred_username ?? claims.email ?? claims.sub,
            email: claims.email ?? null,
            groups: groupsOf(claims, auth.groupsClaim),
          });
          const limits = { maxAgeMs: auth.sessionMaxAgeMs, idleMs: auth.sessionIdleMs };
          const { sid } = await startSession(user.id, limits, { accessToken: account.access_token, accessTokenExpiresAt: account.expires_at, secret: secret ?? '' });
          const session: SessionToken = {
            uid: user.id,
            sid,
            iss: issuer,
            sub: claims.sub,
            // Milliseconds kept (fractional seconds): a sign-in in the same second as an admin's "end all sessions" is after it, not before.
            authAt: Date.now() / 1000,
            accessToken: account.access_token,
            accessTokenExpiresAt: account.expires_at,
          };
          return { name: user.name, email: user.email, ...session };
        }
        return token;
      },
      // What the browser may see of the session: no tokens, no role (the role is the server's to decide).
      async session({ session, token }) {
        return { expires: session.expires, user: { name: token.name ?? null, email: token.email ?? null } };
      },
      async redirect({ url, baseUrl }) {
        // Only ever back into Codeflow: an off-site or malformed callbackUrl lands on the overview.
        return new URL(safeCallbackPath(url, baseUrl), baseUrl).toString();
      },
    },
    events: {
      async signOut({ token }) {
        const t = token as SessionToken;
        if (t?.sid) await endSession(t.sid, 'signed out');
        if (t?.uid) await recordSignOut(t.uid);
      },
    },
    logger: {
      error: (code, metadata) => loggerFor('auth').error({ code, reason: metadata instanceof Error ? metadata.message : undefined }, `next-auth: ${code}`),
      warn: (code) => loggerFor('auth').warn({ code }, `next-auth: ${code}`),
      debug: () => undefined,
    },
  };
  return memo;
}
