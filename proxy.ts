import { NextResponse, type NextRequest } from 'next/server';
import { HSTS, newNonce, pageContentSecurityPolicy, REQUEST_QUERY_HEADER, servedOverHttps } from './lib/auth/security-headers';

/**
 * Two jobs for every page request. First, security headers: a per-request CSP nonce that Next.js
 * puts on its own scripts (it reads the policy from the request headers set here), and HSTS over
 * HTTPS. Second, a convenience: a browser without a session cookie is sent to sign-in, remembering
 * where it was going. That second part decides nothing — every page and route handler authorizes
 * itself (Next.js advisories such as CVE-2025-29927 bypassed middleware), and the authorization
 * tests run with it turned off (CODEFLOW_PROXY=off); the headers stay on either way.
 */
const SESSION_COOKIES = ['next-auth.session-token', '__Secure-next-auth.session-token'];

export function proxy(req: NextRequest) {
  const nonce = newNonce();
  const csp = pageContentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === 'development' });
  const res = signInRedirect(req) ?? NextResponse.next({ request: { headers: forThePage(req, nonce, csp) } });
  res.headers.set('Content-Security-Policy', csp);
  if (servedOverHttps(req.nextUrl, req.headers)) res.headers.set('Strict-Transport-Security', HSTS);
  return res;
}

/**
 * What the page is handed: the nonce and policy, and the query it was asked with (pages see only
 * their path, and a sign-in redirect made by the page itself must come back with the query too).
 * Set, never appended, so a client cannot supply its own.
 */
function forThePage(req: NextRequest, nonce: string, csp: string): Headers {
  const next = new Headers(req.headers);
  next.set('x-nonce', nonce);
  next.set('Content-Security-Policy', csp);
  next.set(REQUEST_QUERY_HEADER, req.nextUrl.search);
  return next;
}

function signInRedirect(req: NextRequest): NextResponse | null {
  if (process.env.CODEFLOW_PROXY === 'off' || req.nextUrl.pathname === '/signin') return null;
  const hasSession = req.cookies.getAll().some((c) => SESSION_COOKIES.some((name) => c.name === name || c.name.startsWith(`${name}.`)));
  if (hasSession) return null;
  const url = req.nextUrl.clone();
  url.pathname = '/signin';
  url.search = `?callbackUrl=${encodeURIComponent(req.nextUrl.pathname + req.nextUrl.search)}`;
  return NextResponse.redirect(url);
}

export const config = {
  // Pages only: API responses get their headers in lib/api/handler.ts, static assets theirs from next.config.js.
  matcher: ['/((?!api/|_next/|icon.svg|favicon.ico).*)'],
};
