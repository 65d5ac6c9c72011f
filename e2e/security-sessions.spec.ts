import { createServer, request as httpRequest, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { e2eEnv } from './env';
import { listPages } from './routes';
import { signInAs, type DemoRole } from './sign-in';

/** Regression tests for issue 13's session, token, redirect, header and request findings. */

const sameOrigin = { origin: e2eEnv.baseUrl };
const json = { 'content-type': 'application/json' };
const setGroups = (user: string, groups: string[] | null) =>
  fetch(`${e2eEnv.sandboxUrl}/_sandbox/oidc/users/${user}/groups`, { method: 'PUT', headers: json, body: JSON.stringify({ groups }) });

async function signedInContext(browser: Browser, role: DemoRole) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signInAs(page, role);
  return { context, page };
}

const sessionCookie = async (page: Page) => (await page.context().cookies()).find((c) => c.name === 'next-auth.session-token')!.value;

/** Replays the shared role's session to sign the role in again after a test revoked it. */
async function renewStoredSession(browser: Browser, role: DemoRole) {
  const fresh = await signedInContext(browser, role);
  await fresh.context.storageState({ path: e2eEnv.storageState(role) });
  await fresh.context.close();
}

test.describe('sessions end on the server', () => {
  test('a session cookie replayed after sign-out is refused', async ({ browser, playwright }) => {
    const viewer = await signedInContext(browser, 'viewer');
    const cookie = await sessionCookie(viewer.page);
    await viewer.page.getByTestId('signout-button').click();
    await expect(viewer.page).toHaveURL(/\/signin/);
    const replay = await playwright.request.newContext({ baseURL: e2eEnv.baseUrl, extraHTTPHeaders: { cookie: `next-auth.session-token=${cookie}` } });
    expect((await replay.get('/api/me')).status()).toBe(401);
    expect((await replay.get('/', { maxRedirects: 0 })).status()).toBe(307);
    await replay.dispose();
    await viewer.context.close();
  });

  test('revoking a person’s sessions revokes their API tokens too', async ({ browser }) => {
    test.setTimeout(180_000);
    const responder = await signedInContext(browser, 'responder');
    const admin = await signedInContext(browser, 'admin');
    try {
      const created = await responder.page.request.post('/api/tokens', { headers: sameOrigin, data: { name: 'e2e-revoked-with-sessions', role: 'responder', expiresInDays: 1 } });
      expect(created.status()).toBe(201);
      const { secret } = await created.json();
      const bearer = { authorization: `Bearer ${secret}` };
      expect((await admin.page.request.get('/api/me', { headers: bearer })).status()).toBe(200);

      const users = (await (await admin.page.request.get('/api/admin/users')).json()).users as { id: string; subject: string }[];
      const target = users.find((u) => u.subject === 'sandbox|responder')!;
      expect((await admin.page.request.delete(`/api/admin/users/${target.id}/sessions`, { headers: sameOrigin, data: { reason: 'e2e: revoke all' } })).status()).toBe(200);

      expect((await responder.page.request.get('/api/me')).status()).toBe(401);
      const opened = await admin.page.request.post('/api/incidents', { headers: bearer, data: { title: 'e2e: must not open', severity: 'P3' } });
      expect(opened.status()).toBe(401);
    } finally {
      await renewStoredSession(browser, 'responder');
      await responder.context.close();
      await admin.context.close();
    }
  });

  test('an admin lowering someone’s role ends that person’s session', async ({ browser }) => {
    test.setTimeout(180_000);
    const admin = await signedInContext(browser, 'admin');
    const viewer = await signedInContext(browser, 'responder');
    const users = (await (await admin.page.request.get('/api/admin/users')).json()).users as { id: string; subject: string }[];
    const target = users.find((u) => u.subject === 'sandbox|responder')!;
    try {
      expect((await admin.page.request.put(`/api/admin/users/${target.id}/role`, { headers: sameOrigin, data: { role: 'viewer', reason: 'e2e: lower' } })).status()).toBe(200);
      expect((await viewer.page.request.get('/api/me')).status()).toBe(401);
    } finally {
      await admin.page.request.put(`/api/admin/users/${target.id}/role`, { headers: sameOrigin, data: { role: null, reason: 'e2e: restore' } });
      await renewStoredSession(browser, 'responder');
      await admin.context.close();
      await viewer.context.close();
    }
  });
});

test.describe('API tokens follow their owner', () => {
  test('a token loses its owner’s lost group at the next write after the re-check window', async ({ browser, playwright }) => {
    test.setTimeout(120_000);
    const operator = await signedInContext(browser, 'operator');
    const created = await operator.page.request.post('/api/tokens', { headers: sameOrigin, data: { name: 'e2e-follows-owner', role: 'operator', expiresInDays: 1 } });
    expect(created.status()).toBe(201);
    const { secret } = await created.json();
    const bot = await playwright.request.newContext({ baseURL: e2eEnv.baseUrl, extraHTTPHeaders: { authorization: `Bearer ${secret}` } });
    try {
      expect((await setGroups('operator', ['codeflow-viewers'])).status).toBe(200);
      // Past the re-check window (2 s in the browser suites, five minutes in production).
      await operator.page.waitForTimeout(2500);
      const refused = await bot.post('/api/incidents', { data: { title: 'e2e: token after demotion', severity: 'P3' } });
      expect(refused.status()).toBe(403);
      expect((await (await bot.get('/api/me')).json()).role).toBe('viewer');
      expect((await (await operator.page.request.get('/api/me')).json()).role, 'the browser session is demoted with it').toBe('viewer');
    } finally {
      await setGroups('operator', null);
      await operator.page.waitForTimeout(2500);
      await operator.page.request.post('/api/tokens', { headers: sameOrigin, data: {} });
      expect((await (await operator.page.request.get('/api/me')).json()).role).toBe('operator');
      await bot.dispose();
      await operator.context.close();
    }
  });

  test('admins see every token with its owner, revoke anyone’s, and the revocation is audited', async ({ browser, playwright }) => {
    test.setTimeout(120_000);
    const operator = await signedInContext(browser, 'operator');
    const admin = await signedInContext(browser, 'admin');
    const created = await operator.page.request.post('/api/tokens', { headers: sameOrigin, data: { name: 'e2e-admin-revokes', role: 'viewer', expiresInDays: 3 } });
    const { token, secret } = await created.json();
    const bot = await playwright.request.newContext({ baseURL: e2eEnv.baseUrl, extraHTTPHeaders: { authorization: `Bearer ${secret}` } });
    expect((await bot.get('/api/me')).status()).toBe(200);

    expect((await operator.page.request.get('/api/admin/tokens')).status(), 'only admins list everyone’s tokens').toBe(403);
    const all = (await (await admin.page.request.get('/api/admin/tokens')).json()).tokens as { id: string; role: string; owner: { subject: string }; lastUsedAt: string | null; expiresAt: string }[];
    const listed = all.find((t) => t.id === token.id)!;
    expect(listed).toMatchObject({ role: 'viewer', owner: { subject: 'sandbox|operator' } });
    expect(listed.lastUsedAt).not.toBeNull();
    expect(listed.expiresAt).toBeTruthy();

    expect((await operator.page.request.delete(`/api/admin/tokens/${token.id}`, { headers: sameOrigin, data: { reason: 'e2e: not an admin' } })).status()).toBe(403);
    expect((await admin.page.request.delete(`/api/admin/tokens/${token.id}`, { headers: sameOrigin, data: { reason: 'e2e: leaked in a log' } })).status()).toBe(200);
    expect((await bot.get('/api/me')).status()).toBe(401);
    const audit = (await (await admin.page.request.get(`/api/audit?action=token.revoke&target=${token.id}`)).json()).entries as { actor: { subject: string }; reason: string }[];
    expect(audit.some((e) => e.actor.subject === 'sandbox|admin' && e.reason === 'e2e: leaked in a log')).toBe(true);
    await bot.dispose();
    await operator.context.close();
    await admin.context.close();
  });
});

test.describe('redirects after sign-in stay inside Codeflow', () => {
  test.use({ storageState: e2eEnv.storageState('viewer') });

  test('a signed-in person with a hostile callbackUrl lands on /, never elsewhere and never a 500', async ({ request }) => {
    for (const callback of ['/%09/evil.com', '/%0a/evil.com', '/%0d/evil.com', '/%E3%80%82evil.com', '%2F%2Fevil.com', 'https%3A%2F%2Fevil.com', '/%5Cevil.com']) {
      const response = await request.get(`/signin?callbackUrl=${callback}`, { maxRedirects: 0 });
      expect(response.status(), callback).toBe(307);
      expect(response.headers().location, callback).toBe('/');
    }
    const kept = await request.get(`/signin?callbackUrl=${encodeURIComponent('/incidents?status=open')}`, { maxRedirects: 0 });
    expect(kept.headers().location).toBe('/incidents?status=open');
  });
});

test.describe('security headers', () => {
  test.use({ storageState: e2eEnv.storageState('viewer') });

  test('pages, the API and assets carry them; the page CSP has a fresh nonce and no unsafe-inline script', async ({ request }) => {
    const first = await request.get('/');
    const second = await request.get('/');
    const csp = first.headers()['content-security-policy']!;
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'))!;
    expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(scriptSrc).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(second.headers()['content-security-policy']).not.toBe(csp);
    expect(await first.text()).toContain(`nonce="${/'nonce-([^']+)'/.exec(scriptSrc)![1]}"`);

    const html = await first.text();
    const asset = /\/_next\/static\/[^"]+\.js/.exec(html)![0];
    for (const response of [first, await request.get('/signin'), await request.get('/api/me'), await request.get('/api/health'), await request.get(asset)]) {
      const h = response.headers();
      const where = response.url();
      expect(h['x-frame-options'], where).toBe('DENY');
      expect(h['x-content-type-options'], where).toBe('nosniff');
      expect(h['referrer-policy'], where).toBe('same-origin');
      expect(h['permissions-policy'], where).toContain('camera=()');
      // Plain HTTP on loopback here: HSTS is only sent over HTTPS.
      expect(h['strict-transport-security'], where).toBeUndefined();
    }
    expect((await request.get('/api/me')).headers()['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  test('HSTS is sent when the request came over HTTPS (behind the load balancer)', async ({ request }) => {
    for (const path of ['/', '/api/me']) {
      const response = await request.get(path, { headers: { 'x-forwarded-proto': 'https' } });
      expect(response.headers()['strict-transport-security'], path).toMatch(/max-age=\d{7,}/);
    }
  });

  test('a page of another origin on the same site cannot frame Codeflow', async ({ page }) => {
    const evil: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><h1>win a prize</h1><iframe id="victim" src="${e2eEnv.baseUrl}/services/codeflow-cluster/codeflow-service" width="800" height="600"></iframe>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const port = (evil.address() as { port: number }).port;
    try {
      await page.goto(`http://localhost:${port}/`);
      await expect(page.locator('h1')).toHaveText('win a prize');
      // Chromium replaces a refused frame with its error page.
      await expect.poll(() => page.frames().find((f) => f !== page.mainFrame())?.url()).toBe('chrome-error://chromewebdata/');
      const frame = page.frameLocator('#victim');
      await expect(frame.getByTestId('current-user')).toHaveCount(0);
      await expect(frame.getByTestId('signin-button')).toHaveCount(0);
    } finally {
      evil.close();
    }
  });
});

test.describe('the CSP holds on every page', () => {
  test.use({ storageState: e2eEnv.storageState('admin') });

  test('every console page renders and hydrates as admin with no CSP violation', async ({ page }) => {
    test.setTimeout(180_000);
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __csp: string[] }).__csp = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
    for (const path of listPages()) {
      await page.goto(path);
      await expect(page.getByTestId('current-user'), path).toBeVisible();
      // Hydrated: the client-side router is up (a script blocked by the CSP would leave it absent).
      await page.waitForFunction(() => Boolean((window as unknown as { next?: { router?: unknown } }).next?.router), undefined, { timeout: 15_000 });
      const violations = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
      expect(violations, path).toEqual([]);
    }
    // recharts draws its charts under the policy.
    await page.goto('/services/codeflow-cluster/codeflow-service');
    await expect(page.locator('[data-testid="metrics-chart"] svg').first()).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(problems).toEqual([]);
  });
});

test.describe('requests', () => {
  test.use({ storageState: e2eEnv.storageState('operator') });

  test('the Origin check trusts the configured public URL, not the Host header', async () => {
    const cookie = (JSON.parse(readFileSync(e2eEnv.storageState('operator'), 'utf8')) as { cookies: { name: string; value: string }[] }).cookies
      .filter((c) => c.name.includes('next-auth'))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const status = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ name: 'e2e-evil-host', role: 'viewer', expiresInDays: 1 });
      const req = httpRequest(
        { host: '127.0.0.1', port: e2eEnv.port, path: '/api/tokens', method: 'POST', headers: { host: 'evil.example', origin: 'http://evil.example', cookie, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(403);
  });

  test('JSON routes refuse other content types with 415, and large bodies with 413', async ({ request }) => {
    const asText = await request.post('/api/tokens', { headers: { ...sameOrigin, 'content-type': 'text/plain' }, data: JSON.stringify({ name: 'e2e-text', role: 'viewer', expiresInDays: 1 }) });
    expect(asText.status()).toBe(415);
    expect((await asText.json()).error.code).toBe('unsupported_media_type');
    const asForm = await request.post('/api/tokens', { headers: sameOrigin, form: { name: 'e2e-form', role: 'viewer', expiresInDays: '1' } });
    expect(asForm.status()).toBe(415);

    const huge = await request.post('/api/tokens', { headers: { ...sameOrigin, ...json }, data: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), role: 'viewer', expiresInDays: 1 }) });
    expect(huge.status()).toBe(413);
    expect((await huge.json()).error.code).toBe('too_large');
    const fine = await request.post('/api/tokens', { headers: { ...sameOrigin, ...json }, data: JSON.stringify({ name: 'e2e-json', role: 'viewer', expiresInDays: 1 }) });
    expect(fine.status()).toBe(201);
  });
});

test.describe('either loopback name', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('a person who opened 127.0.0.1 lands, after sign-in, on the page they asked for', async ({ page }) => {
    await page.goto(`http://127.0.0.1:${e2eEnv.port}/incidents?status=open`);
    await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
    await page.getByTestId('signin-button').click();
    await page.getByTestId('sandbox-user-viewer').click();
    await expect(page.getByTestId('current-user')).toHaveAttribute('data-role', 'viewer');
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/incidents?status=open');
  });
});

test.describe('forbidden pages', () => {
  test.use({ storageState: e2eEnv.storageState('viewer') });

  test('a page the role may not see answers HTTP 403 with the forbidden panel', async ({ request, page }) => {
    const response = await request.get('/admin/users', { maxRedirects: 0 });
    expect(response.status()).toBe(403);
    // The panel itself arrives in the page's React payload (the HTML shell renders it).
    const html = await response.text();
    expect(html).toContain('users.read');
    await page.goto('/admin/users');
    await expect(page.getByTestId('forbidden')).toContainText('admin');
    await expect(page.getByTestId('forbidden')).toContainText('viewer');
    // An allowed page still answers 200.
    expect((await request.get('/audit')).status()).toBe(200);
  });
});
