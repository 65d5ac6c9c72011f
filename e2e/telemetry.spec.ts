import { expect, test } from '@playwright/test';
import { resetSandbox } from './sandbox';

test.beforeEach(async () => {
  await resetSandbox();
});

test('alarms: ALARM states first, the guide’s Codeflow-HighCPU listed, history on demand', async ({ page }) => {
  await page.goto('/alarms');
  const rows = page.getByTestId('alarm-row');
  await expect(page.locator('[data-testid="alarm-row"][data-alarm="Codeflow-HighCPU"]')).toBeVisible();
  const states = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-state') ?? ''));
  const rank: Record<string, number> = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };
  for (let i = 1; i < states.length; i++) expect(rank[states[i]!]!).toBeGreaterThanOrEqual(rank[states[i - 1]!]!);
  await page.locator('[data-testid="alarm-row"][data-alarm="Codeflow-HighCPU"]').getByRole('button', { name: /history of Codeflow-HighCPU/ }).click();
  await expect(page.getByTestId('alarm-history')).toBeVisible();
});

test('the service page charts the guide’s metrics and lists the service’s alarms', async ({ page }) => {
  await page.goto('/services/codeflow-cluster/codeflow-service');
  await expect(page.getByTestId('service-alarms')).toContainText('Codeflow-HighCPU');
  for (const metric of ['cpu', 'memory', 'requests', 'latency', 'errors', 'targets']) {
    await expect(page.locator(`[data-testid="metrics-chart"][data-metric="${metric}"]`), metric).toBeVisible();
  }
  await expect(page.getByTestId('metrics-range')).toBeVisible();
});

test('metrics reject a reversed or too-old range with the allowed range', async ({ request }) => {
  const reversed = await request.get('/api/metrics/services/codeflow-cluster/codeflow-service?range=custom&from=2026-11-27T02:00:00Z&to=2026-11-27T01:00:00Z');
  expect(reversed.status()).toBe(400);
  expect((await reversed.json()).error.message).toMatch(/range|before|after/i);
  const old = await request.get('/api/metrics/services/codeflow-cluster/codeflow-service?range=custom&from=2020-01-01T00:00:00Z&to=2020-01-01T01:00:00Z');
  expect(old.status()).toBe(400);
});
