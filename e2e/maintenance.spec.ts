import { expect, test, type Page } from '@playwright/test';
import { e2eEnv } from './env';
import { sandboxUrl } from './sandbox';

const HOUR_MS = 3600_000;

/**
 * The sandbox on real time, so its hourly recovery points line up with the console's clock. In
 * the first moments of an hour the newest point may not be read yet (cached for 30 s): wait past it.
 */
async function resetSandboxRealTime(): Promise<void> {
  const intoHour = Date.now() % HOUR_MS;
  if (intoHour < 90_000) await new Promise((r) => setTimeout(r, 90_000 - intoHour));
  const response = await fetch(`${sandboxUrl}/_sandbox/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: 42, speed: 1 }) });
  expect(response.ok).toBe(true);
}

async function expectDrPanel(page: Page): Promise<void> {
  const panel = page.getByTestId('dr-status-panel');
  await expect(panel).toContainText('RTO 4 h · RPO 1 h');
  const db = panel.locator('[data-testid="dr-database"][data-database="codeflow-db"]');
  await expect(db).toHaveAttribute('data-state', 'ok');
  await expect(db).toContainText('Within RPO');
  await expect(db.getByTestId('dr-age')).toHaveText(/^last recovery point (\d+s|\d+m) ago$/);
  const staging = panel.locator('[data-testid="dr-database"][data-database="codeflow-staging-db"]');
  await expect(staging).toHaveAttribute('data-state', 'breached');
  await expect(staging).toContainText('RPO breached');
  await expect(staging.getByTestId('dr-age')).toHaveText(/^last recovery point [56]h ago \(\d+h past the RPO\)$/);
  await expect(staging).toContainText('Newer backup partial');
  await expect(panel.getByTestId('dr-summary')).toHaveText('1 of 2 beyond RPO');
}

test.describe('maintenance and DR', () => {
  test.beforeAll(async () => {
    // Up to 90 s of waiting at the top of an hour, more than the default hook timeout.
    test.setTimeout(150_000);
    await resetSandboxRealTime();
  });

  test('a responder marks a weekly task done: who and when show, overdue ones stay flagged, DR ages come from the sandbox', async ({ browser }) => {
    const context = await browser.newContext({ storageState: e2eEnv.storageState('responder') });
    const page = await context.newPage();
    await page.goto('/maintenance');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Maintenance' })).toBeVisible();
    await expectDrPanel(page);

    const row = page.locator('[data-testid="maintenance-task"][data-task="rotate-logs"]');
    // Fresh database: nothing was ever recorded, so every task is overdue ("never done").
    await expect(row).toHaveAttribute('data-state', 'overdue');
    await expect(page.locator('[data-testid="maintenance-task"][data-task="dr-testing"]')).toHaveAttribute('data-state', 'overdue');
    const overdueBefore = await page.locator('[data-testid="maintenance-task"][data-state="overdue"]').count();
    expect(overdueBefore).toBeGreaterThan(1);

    await row.getByTestId('mark-done').click();
    await row.getByTestId('complete-note').fill('Rotated /ecs/codeflow; archived to S3 (e2e)');
    await row.getByTestId('complete-confirm').click();

    await expect(row).toHaveAttribute('data-state', 'ok');
    await expect(row.getByTestId('last-done')).toContainText('Rui Responder');
    await expect(row.getByTestId('last-done')).toContainText(/\d+s ago/);
    await expect(row.getByTestId('last-done')).toContainText('Rotated /ecs/codeflow');
    await expect(row).toContainText(/due in [67]d/);
    await expect(page.locator('[data-testid="maintenance-task"][data-state="overdue"]')).toHaveCount(overdueBefore - 1);
    // The one done sorts after the overdue ones.
    await expect(page.getByTestId('maintenance-task').last()).toHaveAttribute('data-task', 'rotate-logs');

    await row.getByRole('button', { name: 'History' }).click();
    await expect(page.getByTestId('task-history')).toContainText('Rui Responder');

    const audit = await (await page.request.get('/api/audit?action=maintenance.complete')).json();
    const outcomes = (audit.entries as { outcome: string; target: string }[]).filter((e) => e.target === 'maintenance/rotate-logs').map((e) => e.outcome);
    expect(outcomes).toEqual(expect.arrayContaining(['intent', 'success']));

    // Bad input is a 400 naming the field.
    const future = await page.request.post('/api/maintenance/rotate-logs/complete', { headers: { origin: e2eEnv.baseUrl }, data: { doneAt: new Date(Date.now() + 86_400_000).toISOString() } });
    expect(future.status()).toBe(400);
    expect((await future.json()).error.message).toContain('doneAt');
    const unknown = await page.request.post('/api/maintenance/no-such-task/complete', { headers: { origin: e2eEnv.baseUrl }, data: {} });
    expect(unknown.status()).toBe(404);
    await context.close();
  });

  test('a viewer sees the checklist, the overdue tasks and the DR panel, but cannot mark anything done', async ({ page }) => {
    await page.goto('/maintenance');
    await expectDrPanel(page);
    await expect(page.locator('[data-testid="maintenance-task"][data-state="overdue"]').first()).toBeVisible();
    await expect(page.getByTestId('maintenance-counts')).toContainText(/[1-9]\d* overdue/);
    await expect(page.getByTestId('mark-done')).toHaveCount(0);

    const refused = await page.request.post('/api/maintenance/verify-backups/complete', { headers: { origin: e2eEnv.baseUrl }, data: { note: 'viewer tries' } });
    expect(refused.status()).toBe(403);
    expect((await refused.json()).error.code).toBe('forbidden');
    const list = await (await page.request.get('/api/maintenance')).json();
    expect(list.tasks.find((t: { id: string }) => t.id === 'verify-backups').lastDone).toBeNull();
    const dr = await (await page.request.get('/api/dr/status')).json();
    expect(dr.rtoHours).toBe(4);
    expect(dr.rpoHours).toBe(1);
  });
});
