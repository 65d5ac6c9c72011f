/**
 * Writes must come from Codeflow's own pages: the Origin header has to name this site. A missing
 * or `null` Origin is refused too — browsers send one on every cross-site and same-site POST, so
 * its absence means a client that is not a browser page of ours. (Bearer-token clients are not
 * exposed to CSRF and are exempt; see with-user.ts.)
 */
export function isSameOrigin(headers: Headers, configuredUrl: string | undefined): boolean {
  const origin = headers.get('origin');
  if (!origin || origin === 'null') return false;
  const allowed = new Set<string>();
  if (configuredUrl) {
    try {
      allowed.add(new URL(configuredUrl).origin);
    } catch {
      // an invalid NEXTAUTH_URL allows nothing extra
    }
  }
  const host = headers.get('host');
  if (host) {
    const proto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim() || (configuredUrl?.startsWith('https:') ? 'https' : 'http');
    allowed.add(`${proto}://${host}`);
  }
  return allowed.has(origin);
}
