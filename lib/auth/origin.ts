import { publicOrigins } from './public-url';

/**
 * Writes must come from Codeflow's own pages: the Origin header has to name Codeflow's configured
 * public URL (NEXTAUTH_URL). The Host header is not trusted for this — a client chooses it, so
 * `Origin: http://evil.example` with `Host: evil.example` proves nothing. A missing or `null` Origin
 * is refused too — browsers send one on every cross-site and same-site POST, so its absence means a
 * client that is not a browser page of ours. (Bearer-token clients are not exposed to CSRF and are
 * exempt; see with-user.ts.)
 */
export function isSameOrigin(headers: Headers, configuredUrl: string | undefined): boolean {
  const origin = headers.get('origin');
  if (!origin || origin === 'null') return false;
  return publicOrigins(configuredUrl).includes(origin);
}
