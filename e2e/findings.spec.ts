import { expect, test } from '@playwright/test';
import { e2eEnv } from './env';
import { resetSandbox } from './sandbox';

const severityRank: Record<string, number> = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };

test.beforeEach(async () => {
  await resetSandbox();
});

test('GuardDuty findings: HIGH and CRITICAL first, details in a drawer, no archive for a viewer', async ({ page }) => {
  await page.goto('/security');
  const rows = page.getByTestId('finding-row');
  await expect(rows.first()).toBeVisible();
  const severities = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-severity') ?? ''));
  expect(severities.length).toBeGreaterThan(0);
  // Severity never rises down the list: the guide's HIGH/CRITICAL come first.
  for (let i = 1; i < severities.length; i++) expect(severityRank[severities[i]!]!).toBeLessThanOrEqual(severityRank[severities[i - 1]!]!);

  await rows.first().getByTestId('finding-open').click();
  const drawer = page.getByTestId('finding-drawer');
  await expect(drawer).toBeVisible();
  await expect(drawer.getByTestId('finding-description')).not.toBeEmpty();
  await expect(page.getByTestId('archive-button')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
});

test('an operator archives a finding with a reason; it leaves the open list and is audited', async ({ browser }) => {
  const context = await browser.newContext({ storageState: e2eEnv.storageState('operator') });
  const page = await context.newPage();
  await page.goto('/security');
  const first = page.getByTestId('finding-row').first();
  const id = await first.getAttribute('data-finding-id');
  await first.getByTestId('finding-open').click();
  await page.getByTestId('archive-button').click();
  await page.getByTestId('reason-input').fill('e2e: known scanner, ticket SEC-42');
  await page.getByTestId('reason-confirm').click();
  await expect(page.getByTestId('archive-result')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.locator(`[data-testid="finding-row"][data-finding-id="${id}"]`)).toHaveCount(0);

  // The intent (with the reason) is written before the GuardDuty call, the outcome after it.
  const audit = await (await page.request.get('/api/audit?action=finding.archive')).json();
  const entries = audit.entries as { seq: number; reason: string | null; outcome: string; intentSeq: number | null }[];
  const intent = entries.find((e) => e.outcome === 'intent' && e.reason?.includes('SEC-42'));
  expect(intent).toBeTruthy();
  expect(entries.some((e) => e.outcome === 'success' && e.intentSeq === intent!.seq)).toBe(true);
  await context.close();
});

test('read-only mode covers GuardDuty too: the archive button is disabled with the reason, and the API answers 403', async ({ browser }) => {
  const sameOrigin = { origin: e2eEnv.baseUrl };
  const adminContext = await browser.newContext({ storageState: e2eEnv.storageState('admin') });
  const admin = await adminContext.newPage();
  const on = await admin.request.put('/api/settings/read-only', { headers: sameOrigin, data: { readOnly: true, reason: 'e2e: security freeze' } });
  expect(on.status()).toBe(200);
  const context = await browser.newContext({ storageState: e2eEnv.storageState('operator') });
  const page = await context.newPage();
  try {
    await page.goto('/security');
    const first = page.getByTestId('finding-row').first();
    const id = await first.getAttribute('data-finding-id');
    await first.getByTestId('finding-open').click();
    await expect(page.getByTestId('archive-button')).toBeDisabled();
    await expect(page.getByTestId('archive-read-only')).toContainText('e2e: security freeze');
    const refused = await page.request.post('/api/findings/archive', { headers: sameOrigin, data: { ids: [id], archived: true, reason: 'e2e: during the freeze' } });
    expect(refused.status()).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/^Codeflow is in read-only mode .*e2e: security freeze/);
  } finally {
    const off = await admin.request.put('/api/settings/read-only', { headers: sameOrigin, data: { readOnly: false, reason: 'e2e: freeze over' } });
    expect(off.status()).toBe(200);
  }
  await page.reload();
  await page.getByTestId('finding-row').first().getByTestId('finding-open').click();
  await expect(page.getByTestId('archive-button')).toBeEnabled();
  await expect(page.getByTestId('archive-read-only')).toHaveCount(0);
  await context.close();
  await adminContext.close();
});
