import { expect, test } from '@playwright/test';
import { e2eEnv } from './env';

const sameOrigin = { origin: e2eEnv.baseUrl };

test('the simulator shows who is paged when, from the guide’s matrix and the roster an admin edits', async ({ browser, page }) => {
  // `page` is a viewer: a manager glancing at the board.
  await page.goto('/board');
  await expect(page.getByTestId('board')).toBeVisible();
  const sim = page.getByTestId('simulator');
  await sim.getByTestId('simulate-severity').selectOption('P1');
  await expect(sim.getByTestId('simulate-step')).toHaveCount(4);
  await expect(sim.getByTestId('simulate-step').nth(0)).toHaveAttribute('data-role', 'team-lead');
  await expect(sim.getByTestId('simulate-step').nth(0)).toContainText('15 min');
  await expect(sim.getByTestId('simulate-step').nth(1)).toHaveAttribute('data-role', 'manager');
  await expect(sim.getByTestId('simulate-step').nth(3)).toContainText('24 h');
  await sim.getByTestId('simulate-severity').selectOption('P3');
  await expect(sim.getByTestId('simulate-step')).toHaveCount(2);
  await expect(sim.getByTestId('simulate-step').nth(0)).toHaveAttribute('data-role', 'team-lead');
  await expect(sim.getByTestId('simulate-step').nth(0)).toContainText('4 h');

  // An admin puts someone on call; the simulator names them.
  const admin = await (await browser.newContext({ storageState: e2eEnv.storageState('admin') })).newPage();
  const before = await (await admin.request.get('/api/roster')).json();
  try {
    await admin.goto('/admin/roster');
    await admin.getByTestId('roster-edit').click();
    await admin.getByTestId('roster-person-on-call').fill('Ada Oncall');
    await admin.getByTestId('roster-contact-on-call').fill('+1 555 0100');
    await admin.getByTestId('roster-save').click();
    await expect(admin.locator('[data-testid="roster-row"][data-role="on-call"]')).toContainText('Ada Oncall');
    await expect(admin.locator('[data-testid="roster-row"][data-role="on-call"]')).toContainText('P0 at 15 min');

    await page.reload();
    await page.getByTestId('simulate-severity').selectOption('P0');
    await expect(page.locator('[data-testid="simulate-step"][data-role="on-call"]')).toContainText('Ada Oncall');
  } finally {
    await admin.request.put('/api/roster', { headers: sameOrigin, data: before });
    await admin.context().close();
  }
});
