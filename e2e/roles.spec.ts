import { expect, test, type Browser } from '@playwright/test';
import { e2eEnv } from './env';
import { ROLES, signInAs, type DemoRole } from './sign-in';

test.use({ storageState: { cookies: [], origins: [] } });

const EVERYONE = ['Overview', 'Operations', 'Incidents', 'Board', 'Logs', 'Alarms', 'Audit log', 'Security', 'Maintenance'];
const NAV: Record<DemoRole, string[]> = {
  viewer: [...EVERYONE, 'API tokens'],
  responder: [...EVERYONE, 'API tokens'],
  operator: [...EVERYONE, 'API tokens'],
  admin: [...EVERYONE, 'Users', 'Roster', 'API tokens'],
};

for (const role of ROLES) {
  test(`${role} signs in through the sandbox issuer, sees what the role allows, and signs out`, async ({ page }) => {
    await signInAs(page, role, '/services/codeflow-cluster/codeflow-service');
    // Back where they were going, with their role shown.
    await expect(page).toHaveURL(/\/services\/codeflow-cluster\/codeflow-service$/);
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveText(NAV[role]);
    const me = await (await page.request.get('/api/me')).json();
    expect(me.role).toBe(role);
    const session = (await page.context().cookies()).find((c) => c.name === 'next-auth.session-token');
    expect(session, 'session cookie').toBeTruthy();
    expect(session!.httpOnly).toBe(true);
    expect(session!.sameSite).toBe('Lax');
    expect(me.subject).toBe(`sandbox|${role}`);

    await page.getByTestId('signout-button').click();
    await expect(page).toHaveURL(/\/signin/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
    expect((await page.request.get('/api/me')).status()).toBe(401);
  });
}

test('the sign-in page names the SSO it uses', async ({ page }) => {
  await page.goto('/signin');
  await expect(page.getByTestId('signin-button')).toHaveText('Sign in with Codeflow Sandbox SSO');
});

test('an off-site callbackUrl is ignored', async ({ page }) => {
  for (const target of ['https://evil.example/steal', '//evil.example/steal', '/\\evil.example/steal']) {
    await page.context().clearCookies();
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(target)}`);
    await page.getByTestId('signin-button').click();
    await page.getByTestId('sandbox-user-viewer').click();
    await expect(page.getByTestId('current-user')).toBeVisible();
    expect(new URL(page.url()).origin).toBe(new URL(e2eEnv.baseUrl).origin);
  }
});

async function signedInContext(browser: Browser, role: DemoRole) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, role);
  return { context, page };
}

test('an admin’s role change and session revocation act on the next request', async ({ browser }) => {
  const admin = await signedInContext(browser, 'admin');
  const operator = await signedInContext(browser, 'operator');
  const headers = { origin: e2eEnv.baseUrl };
  try {
    const operatorMe = await (await operator.page.request.get('/api/me')).json();
    expect(operatorMe.role).toBe('operator');
    const users = (await (await admin.page.request.get('/api/admin/users')).json()) as { users: { id: string; subject: string }[] };
    const target = users.users.find((u) => u.subject === 'sandbox|operator')!;

    const demoted = await admin.page.request.put(`/api/admin/users/${target.id}/role`, { headers, data: { role: 'viewer', reason: 'e2e: demote' } });
    expect(demoted.status()).toBe(200);
    // A lower role ends the person's sessions on the server; signing in again gives the new role.
    expect((await operator.page.request.get('/api/me')).status()).toBe(401);
    await operator.page.goto('/');
    await operator.page.getByTestId('signin-button').click();
    await operator.page.getByTestId('sandbox-user-operator').click();
    await expect(operator.page.getByTestId('current-user')).toHaveAttribute('data-role', 'viewer');
    expect((await (await operator.page.request.get('/api/me')).json()).role).toBe('viewer');

    const revoked = await admin.page.request.delete(`/api/admin/users/${target.id}/sessions`, { headers, data: { reason: 'e2e: revoke' } });
    expect(revoked.status()).toBe(200);
    expect((await operator.page.request.get('/api/me')).status()).toBe(401);

    // Both changes are in the audit log, attributed to the admin.
    const audit = await (await admin.page.request.get('/api/audit?action=user.*')).json();
    const actions = (audit.entries as { action: string; actor: { name: string } }[]).map((e) => `${e.action} by ${e.actor.name}`);
    expect(actions).toEqual(expect.arrayContaining(['user.role_override by Ada Admin', 'user.sessions_revoke by Ada Admin']));
  } finally {
    await admin.page.request.put(`/api/admin/users/${(await (await admin.page.request.get('/api/admin/users')).json()).users.find((u: { subject: string }) => u.subject === 'sandbox|operator').id}/role`, {
      headers,
      data: { role: null, reason: 'e2e: restore' },
    });
    // The shared operator session was revoked with the rest: sign in again for later tests.
    const fresh = await signedInContext(browser, 'operator');
    await fresh.context.storageState({ path: e2eEnv.storageState('operator') });
    await fresh.context.close();
    await admin.context.close();
    await operator.context.close();
  }
});

test('sign-ins and sign-outs are in the audit log', async ({ browser }) => {
  const admin = await signedInContext(browser, 'admin');
  const entries = (await (await admin.page.request.get('/api/audit?action=auth.*&limit=200')).json()).entries as { action: string; outcome: string; actor: { subject: string } }[];
  expect(entries.some((e) => e.action === 'auth.sign_in' && e.outcome === 'success' && e.actor.subject === 'sandbox|admin')).toBe(true);
  expect(entries.some((e) => e.action === 'auth.sign_out')).toBe(true);
  const verify = await (await admin.page.request.get('/api/audit/verify')).json();
  expect(verify.ok).toBe(true);
  await admin.context.close();
});

test('a person removed from a group at the IdP cannot write once the role is re-checked', async ({ browser }) => {
  const operator = await signedInContext(browser, 'operator');
  const headers = { origin: e2eEnv.baseUrl };
  const setGroups = (groups: string[] | null) =>
    fetch(`${e2eEnv.sandboxUrl}/_sandbox/oidc/users/operator/groups`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ groups }) });
  try {
    const allowed = await operator.page.request.post('/api/tokens', { headers, data: { name: 'e2e-before', role: 'operator', expiresInDays: 1 } });
    expect(allowed.status()).toBe(201);

    expect((await setGroups(['codeflow-viewers'])).status).toBe(200);
    await operator.page.waitForTimeout(2500);
    const refused = await operator.page.request.post('/api/tokens', { headers, data: { name: 'e2e-after', role: 'operator', expiresInDays: 1 } });
    expect(refused.status()).toBe(403);
    expect((await (await operator.page.request.get('/api/me')).json()).role).toBe('viewer');
  } finally {
    await setGroups(null);
    // The next write re-reads the restored groups, so later tests see an operator again.
    await operator.page.waitForTimeout(2500);
    await operator.page.request.post('/api/tokens', { headers, data: {} });
    expect((await (await operator.page.request.get('/api/me')).json()).role).toBe('operator');
    await operator.context.close();
  }
});

test('a page the role may not see shows a 403 panel and the attempt is audited', async ({ browser }) => {
  const viewer = await browser.newContext({ storageState: e2eEnv.storageState('viewer') });
  const page = await viewer.newPage();
  await page.goto('/admin/users');
  await expect(page.getByTestId('forbidden')).toContainText('admin');
  await viewer.close();

  const admin = await signedInContext(browser, 'admin');
  const audit = await (await admin.page.request.get('/api/audit?action=auth.denied&target=/admin/users')).json();
  expect((audit.entries as { actor: { subject: string } }[]).some((e) => e.actor.subject === 'sandbox|viewer')).toBe(true);
  await admin.context.close();
});

test('an API token acts with its own (lower) role, cannot mint tokens, is audited when used and dies when revoked', async ({ browser, playwright }) => {
  const operator = await signedInContext(browser, 'operator');
  const headers = { origin: e2eEnv.baseUrl };
  const created = await operator.page.request.post('/api/tokens', { headers, data: { name: 'e2e-ci-bot', role: 'viewer', expiresInDays: 7 } });
  expect(created.status()).toBe(201);
  const { token, secret } = await created.json();
  expect(secret).toMatch(/^cf_/);

  const bot = await playwright.request.newContext({ baseURL: e2eEnv.baseUrl, extraHTTPHeaders: { authorization: `Bearer ${secret}` } });
  const me = await (await bot.get('/api/me')).json();
  expect(me).toMatchObject({ role: 'viewer', via: 'token', subject: 'sandbox|operator' });
  expect((await bot.get('/api/fleet')).status()).toBe(200);
  expect((await bot.post('/api/tokens', { data: { name: 'e2e-ci-bot-child', role: 'viewer', expiresInDays: 1 } })).status()).toBe(403);

  expect((await operator.page.request.delete(`/api/tokens/${token.id}`, { headers })).status()).toBe(200);
  expect((await bot.get('/api/me')).status()).toBe(401);
  await bot.dispose();

  const admin = await signedInContext(browser, 'admin');
  const audit = await (await admin.page.request.get('/api/audit?action=token.*&target=e2e-ci-bot')).json();
  const actions = (audit.entries as { action: string; outcome: string }[]).map((e) => `${e.action}:${e.outcome}`);
  expect(actions).toEqual(expect.arrayContaining(['token.create:success', 'token.use:success', 'token.create:denied', 'token.revoke:success']));
  await admin.context.close();
  await operator.context.close();
});
