import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { e2eEnv } from './env';
import { resetSandbox } from './sandbox';
import { ROLES, type DemoRole } from './sign-in';

const sameOrigin = { origin: e2eEnv.baseUrl };

async function as(browser: Browser, role: DemoRole, width: number): Promise<Page> {
  const context = await browser.newContext({ storageState: e2eEnv.storageState(role), viewport: { width, height: width < 500 ? 844 : 800 } });
  return context.newPage();
}

/** The page is no wider than the window: nothing pushed off-screen, no sideways scrolling. */
async function expectNoOverflow(page: Page, width: number) {
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: `page wider than ${width} px` }).toBeLessThanOrEqual(width);
}

async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error('not rendered');
  return b;
}

const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;

for (const role of ROLES) {
  test(`at 1280 px the ${role}'s header fits on one line with Sign out on screen`, async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await as(browser, role, 1280);
    // The overview and the service page (its actions row is the widest below the header).
    for (const path of ['/', '/services/codeflow-cluster/codeflow-service']) {
      await page.goto(path);
      await expect(page.getByTestId('current-user')).toBeVisible();
      await expectNoOverflow(page, 1280);
      const signOut = await box(page.getByTestId('signout-button'));
      expect(signOut.x + signOut.width).toBeLessThanOrEqual(1280);
      // Every section in the bar, on one line (a wrapped link sits lower, or is taller).
      const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
      expect(await links.count()).toBeGreaterThanOrEqual(9);
      const boxes = await Promise.all((await links.all()).map(box));
      const first = boxes[0]!;
      for (const b of boxes) {
        expect(Math.abs(b.y - first.y)).toBeLessThan(2);
        expect(b.height).toBeLessThan(first.height + 2);
      }
      await expect(page.getByTestId('menu-button')).toBeHidden();
    }
    await page.context().close();
  });
}

test('at 390 px the sections are behind a Menu that fits the phone', async ({ browser }) => {
  test.setTimeout(120_000);
  const page = await as(browser, 'admin', 390);
  await page.goto('/board');
  await expect(page.getByTestId('current-user')).toBeVisible();
  await expectNoOverflow(page, 390);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  const signOut = await box(page.getByTestId('signout-button'));
  expect(signOut.x + signOut.width).toBeLessThanOrEqual(390);

  const menu = page.getByTestId('menu-button');
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  const panel = page.getByRole('navigation', { name: 'Menu' });
  await expect(panel.getByRole('link')).toHaveText(['Overview', 'Operations', 'Incidents', 'Board', 'Logs', 'Alarms', 'Audit log', 'Security', 'Maintenance', 'Users', 'Roster', 'API tokens']);
  await expectNoOverflow(page, 390);
  await panel.getByRole('link', { name: 'Incidents' }).click();
  await expect(page).toHaveURL(/\/incidents$/);
  // Navigating closes it.
  await expect(page.getByTestId('menu-panel')).toHaveCount(0);
  // Esc closes it too.
  await menu.click();
  await expect(page.getByTestId('menu-panel')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('menu-panel')).toHaveCount(0);
  await page.context().close();
});

test('the board reads on a phone: no sideways scrolling, no chip over another', async ({ browser }) => {
  test.setTimeout(120_000);
  await resetSandbox();
  const responder = await as(browser, 'responder', 1280);
  // Long words and several services: what used to push the board to 1261 px on a phone.
  const opened = await responder.request.post('/api/incidents', {
    headers: sameOrigin,
    data: {
      title: 'e2e layout: checkout-and-payments-gateway-timeouts-for-customers-in-every-region after the v1.5.0 rollout',
      severity: 'P1',
      services: [
        { cluster: 'codeflow-cluster', service: 'codeflow-service' },
        { cluster: 'codeflow-cluster', service: 'payments-api' },
        { cluster: 'codeflow-staging', service: 'reports-worker' },
      ],
      openedAt: new Date(Date.now() - 65 * 60_000).toISOString(),
    },
  });
  expect(opened.status()).toBe(201);
  const { incident } = (await opened.json()) as { incident: { id: string } };
  await responder.context().close();

  const page = await as(browser, 'viewer', 390);
  await page.goto('/board');
  const card = page.locator(`[data-testid="board-incident"][data-incident-id="${incident.id}"]`);
  await expect(card).toBeVisible();
  // Opened 65 min ago: team lead and manager reached (the worker records them within seconds).
  await expect(card).toHaveAttribute('data-tier', 'manager', { timeout: 45_000 });
  await expectNoOverflow(page, 390);
  await expect(card.getByTestId('board-countdown')).toHaveText(/^in \d+ h( \d+ min)?$/);

  const cardBox = await box(card);
  expect(cardBox.x + cardBox.width).toBeLessThanOrEqual(390);
  const chips = await card.locator('[data-testid="engaged"] > li').all();
  expect(chips.length).toBeGreaterThanOrEqual(2);
  const chipBoxes = await Promise.all(chips.map(box));
  for (const [i, a] of chipBoxes.entries()) {
    expect(a.x).toBeGreaterThanOrEqual(cardBox.x);
    expect(a.x + a.width).toBeLessThanOrEqual(cardBox.x + cardBox.width + 0.5);
    for (const b of chipBoxes.slice(i + 1)) expect(overlaps(a, b), 'two chips overlap').toBe(false);
  }
  // The stats beside each other do not overlap either.
  const open = await box(card.getByTestId('board-open-for'));
  const next = await box(card.getByTestId('board-countdown'));
  expect(overlaps(open, next)).toBe(false);
  await page.screenshot({ path: test.info().outputPath('board-390.png'), fullPage: true });
  await page.context().close();
});
