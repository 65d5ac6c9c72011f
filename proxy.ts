import { NextResponse, type NextRequest } from 'next/server';

/**
 * Convenience only: sends a browser without a session cookie to sign-in, remembering where it was
 * going. It decides nothing — every page and route handler authorizes itself (Next.js advisories
 * such as CVE-2025-29927 bypassed middleware), and the authorization tests run with this turned
 * off (CODEFLOW_PROXY=off).
 */
const SESSION_COOKIES = ['next-auth.session-token', '__Secure-next-auth.session-token'];

export function proxy(req: NextRequest) {
  if (process.env.CODEFLOW_PROXY === 'off') return NextResponse.next();
  const hasSession = req.cookies.getAll().some((c) => SESSION_COOKIES.some((name) => c.name === name || c.name.startsWith(`${name}.`)));
  if (hasSession) return NextResponse.next();
  const url = req.nextUrl.clone();
  url.pathname = '/signin';
  url.search = `?callbackUrl=${encodeURIComponent(req.nextUrl.pathname + req.nextUrl.search)}`;
  return NextResponse.redirect(url);
}

export const config = {
  // Pages only: the API answers 401 itself, and sign-in, assets and health must stay reachable.
  matcher: ['/((?!api/|signin|_next/|icon.svg|favicon.ico).*)'],
};
