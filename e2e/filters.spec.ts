import { expect, test } from '@playwright/test';
import { e2eEnv } from './env';

/*
 * The filter bars' free-text fields (components/ui/text-filter.tsx): typing stays in the field,
 * the URL — and with it the query — follows after a pause or on Enter, and a value that could not
 * be valid is marked, explained and never sent.
 */

test('security: an invalid cluster name is marked and never reaches the URL; a valid one does, after a pause', async ({ page }) => {
  await page.goto('/security');
  const cluster = page.getByTestId('filter-cluster');
  await cluster.fill('bad name');
  await expect(cluster).toHaveAttribute('aria-invalid', 'true');
  await expect(cluster).toHaveAttribute('title', /letters, numbers, - and _/);
  await cluster.press('Enter');
  await page.waitForTimeout(600); // past the debounce
  expect(new URL(page.url()).searchParams.has('cluster')).toBe(false);

  await cluster.fill('codeflow-cluster');
  await expect(cluster).not.toHaveAttribute('aria-invalid', 'true');
  await expect.poll(() => new URL(page.url()).searchParams.get('cluster')).toBe('codeflow-cluster');
  // Suggestions come from the findings on screen.
  await expect(page.locator('#findings-cluster-options option[value="codeflow-cluster"]')).toHaveCount(1);
});

test.describe('as an admin', () => {
  test.use({ storageState: e2eEnv.storageState('admin') });

  test('audit: the action field suggests the known actions and filters on Enter; clearing it drops the filter', async ({ page }) => {
    await page.goto('/audit');
    const action = page.getByTestId('filter-action');
    await expect(page.locator('#audit-action-options option[value="ops.request"]')).toHaveCount(1);
    await action.fill('token.*');
    await action.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('action')).toBe('token.*');
    await action.fill('');
    await expect.poll(() => new URL(page.url()).searchParams.has('action')).toBe(false);
  });
});
