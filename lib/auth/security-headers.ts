/**
 * The headers that keep Codeflow's pages from being framed, sniffed or scripted by anyone else.
 * Pages get a fresh nonce per request (proxy.ts); Next.js reads it from the request's CSP header and
 * puts it on its own scripts, so no inline script runs without it. API responses get a policy that
 * allows nothing at all (they are data, never documents). The headers that never change per request
 * (X-Frame-Options, nosniff, Referrer-Policy, Permissions-Policy) are set for every path in
 * next.config.js.
 */

export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
}

export function pageContentSecurityPolicy(nonce: string, options: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': the chunks Next.js's nonce'd bootstrap loads may run; nothing else. React's
    // development build needs eval for its error overlay; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ''}`,
    // Charts and layout set style attributes; styles cannot run code, scripts are what is locked down.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** For JSON and other non-document responses. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

export const HSTS = 'max-age=31536000; includeSubDomains';

/** HSTS only means something over HTTPS (browsers ignore it on plain HTTP); behind a load balancer the scheme arrives in X-Forwarded-Proto. */
export function servedOverHttps(url: URL, headers: Headers): boolean {
  const forwarded = headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return forwarded ? forwarded === 'https' : url.protocol === 'https:';
}

/** The request header the proxy puts a page request's query in (pages are given only their path). */
export const REQUEST_QUERY_HEADER = 'x-codeflow-query';
