import { expect, test } from '@playwright/test';
import { e2eEnv } from './env';
import { advanceClock, resetSandbox } from './sandbox';

test.beforeEach(async () => {
  await resetSandbox();
  // Log lines are written every simulated minute.
  await advanceClock(120);
});

test('live tail of /ecs/codeflow: lines arrive, pause and resume, text stays text', async ({ page }) => {
  await page.goto('/logs?group=/ecs/codeflow');
  await expect(page.getByTestId('log-line').first()).toBeVisible();
  await expect(page.getByTestId('tail-status')).toContainText(/live/i);
  await page.getByTestId('pause-button').click();
  await expect(page.getByTestId('tail-status')).toContainText(/paused/i);
  await page.getByTestId('pause-button').click();
  await expect(page.getByTestId('tail-status')).toContainText(/live/i);
  const before = await page.getByTestId('log-line').count();
  await advanceClock(120);
  await expect.poll(() => page.getByTestId('log-line').count(), { timeout: 10_000 }).toBeGreaterThan(before);
  // Nothing in a log line became markup.
  expect(await page.locator('[data-testid="log-line"] script, [data-testid="log-line"] img').count()).toBe(0);
});

test('an invalid filter pattern is refused with its position; an unknown group is a 404', async ({ request }) => {
  const bad = await request.get(`/api/logs/events?group=${encodeURIComponent('/ecs/codeflow')}&pattern=${encodeURIComponent('{ $.level = }')}`);
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toMatch(/position|column|at \d+/i);
  const missing = await request.get(`/api/logs/events?group=${encodeURIComponent('/ecs/nope')}`);
  expect(missing.status()).toBe(404);
});

test('Logs Insights: the guide’s query runs for a responder; a viewer sees no editor and the API says 403', async ({ browser, page }) => {
  await page.goto('/logs?group=/ecs/codeflow');
  await expect(page.getByTestId('insights-editor')).toHaveCount(0);
  const refused = await page.request.post('/api/logs/insights', {
    headers: { origin: e2eEnv.baseUrl },
    data: { groups: ['/ecs/codeflow'], query: 'fields @timestamp, @message | sort @timestamp desc | limit 100', start: new Date(Date.now() - 3600_000).toISOString(), end: new Date().toISOString() },
  });
  expect(refused.status()).toBe(403);

  const responder = await browser.newContext({ storageState: e2eEnv.storageState('responder') });
  const rpage = await responder.newPage();
  await rpage.goto('/logs?group=/ecs/codeflow');
  await rpage.getByRole('tab', { name: /insights/i }).click();
  await expect(rpage.getByTestId('insights-editor')).toHaveValue(/fields @timestamp, @message \| sort @timestamp desc \| limit 100/);
  await rpage.getByTestId('insights-run').click();
  await expect(rpage.getByTestId('insights-row').first()).toBeVisible();
  await responder.close();
});
