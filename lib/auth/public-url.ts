/**
 * Codeflow's own origins: the public URL people open it at (NEXTAUTH_URL). When that URL is on
 * loopback, the other loopback names of the same port are the same server on the same machine
 * (people type localhost or 127.0.0.1 interchangeably), so they count as Codeflow too.
 */
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

export function publicOrigins(publicUrl: string | undefined): string[] {
  if (!publicUrl) return [];
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    return [];
  }
  if (!LOOPBACK.includes(url.hostname)) return [url.origin];
  const port = url.port ? `:${url.port}` : '';
  return [url.origin, ...LOOPBACK.filter((h) => h !== url.hostname).map((h) => `${url.protocol}//${h}${port}`)];
}

/**
 * Where a sign-in (or any "come back to") link may send a person: only a page of Codeflow itself.
 * The value is parsed as a URL against the public URL; anything that resolves to another origin,
 * or carries control characters, whitespace, non-ASCII or backslashes that browsers "repair" into
 * another host (`/%09/evil.com` → `//evil.com`, `/%E3%80%82evil.com`), falls back to `/`. The result is always an ASCII path.
 */
export function safeCallbackPath(raw: unknown, publicUrl: string | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string' || value === '' || value.length > 2000) return '/';
  // Codeflow's own links are percent-encoded ASCII; anything else is not one of them.
  if (!/^[\x21-\x7e]+$/.test(value) || value.includes('\\')) return '/';
  const origins = publicOrigins(publicUrl);
  const base = origins[0] ?? 'http://codeflow.invalid';
  let target: URL;
  try {
    target = new URL(value, base);
  } catch {
    return '/';
  }
  const allowed = origins.length > 0 ? origins : [base];
  if (!allowed.includes(target.origin)) return '/';
  // Relative to the host the person is on: a path, never a scheme or host.
  const path = target.pathname + target.search + target.hash;
  return path.startsWith('//') ? '/' : path;
}

/**
 * On a loopback public URL, `127.0.0.1:3000` and `localhost:3000` are the same Codeflow but not the
 * same cookie jar: sign-in (its state cookies, the IdP's redirect back) completes only on the public
 * URL's host. The origin a sign-in started under another loopback name must move to first, or null
 * when the request is on the public host already (or on no alias of it).
 */
export function signInOriginFor(host: string | null, publicUrl: string | undefined): string | null {
  const [canonical, ...aliases] = publicOrigins(publicUrl);
  if (!canonical || !host) return null;
  const here = `${new URL(canonical).protocol}//${host.toLowerCase()}`;
  return here !== canonical && aliases.includes(here) ? canonical : null;
}
