import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { expect, test } from '@playwright/test';
import { resetSandbox, sandboxUrl } from './sandbox';

async function resetWithFleet(fleetSize: number) {
  const response = await fetch(`${sandboxUrl}/_sandbox/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: 42, speed: 0, fleetSize }) });
  if (!response.ok) throw new Error(`sandbox reset: ${response.status} ${await response.text()}`);
}

test.afterAll(async () => {
  await resetSandbox();
});

test('2,000 services: rows are windowed while scrolling, filtering needs no fetch, a row opens its service', async ({ page }) => {
  // The first full read of 2,000 services is stretched by the AWS budget (100 % in e2e: seconds; 25 %: about a minute).
  test.setTimeout(240_000);
  await resetWithFleet(2000);
  await page.goto('/');
  const rows = page.getByTestId('service-rows');
  await expect(rows).toHaveAttribute('data-total', '2000', { timeout: 200_000 });
  await expect(rows).toHaveAttribute('data-windowed', 'true');
  await expect(page.getByTestId('cluster-freshness').first()).toContainText(/AWS budget \d+ %/);

  // Only the rows near the viewport are in the DOM.
  const rendered = await page.getByTestId('service-row').count();
  expect(rendered).toBeGreaterThan(10);
  expect(rendered).toBeLessThan(150);
  const firstBefore = await page.getByTestId('service-row').first().getAttribute('data-service');

  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await expect(page.getByTestId('service-row').first()).not.toHaveAttribute('data-service', firstBefore!);
  await expect(page.getByTestId('service-row').last()).toBeInViewport();
  expect(await page.getByTestId('service-row').count()).toBeLessThan(150);

  // Filtering works on the data already in the browser: no request to the fleet API.
  await page.evaluate(() => window.scrollTo(0, 0));
  let fleetRequests = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/fleet') fleetRequests++;
  });
  await page.getByTestId('filter-q').fill('pdf-export-009');
  await expect(page.getByTestId('service-row')).toHaveCount(1);
  const row = page.getByTestId('service-row');
  await expect(row).toHaveAttribute('data-cluster', 'codeflow-staging');
  expect(fleetRequests).toBe(0);

  // The whole row is a link: a click on its tasks cell opens the service.
  await row.locator('td').nth(3).click();
  await expect(page).toHaveURL(/\/services\/codeflow-staging\/pdf-export-009$/);
  await expect(page.getByTestId('service-name')).toContainText('pdf-export-009');
});

test('live updates: a change made outside Codeflow reaches the open overview without a reload', async ({ page }) => {
  await resetSandbox();
  const stream = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/fleet/events');
  await page.goto('/');
  const row = page.locator('[data-testid="service-row"][data-cluster="codeflow-cluster"][data-service="payments-api"]');
  await expect(row).toBeVisible();
  // Over the event stream, its big events gzipped (each compressed once for every viewer), not the polling fallback.
  expect(new URL((await stream).url()).searchParams.get('compressed')).toBe('gzip');
  await expect(page.getByTestId('fleet-overview')).toHaveAttribute('data-live-mode', 'live');
  await expect(page.getByTestId('cluster-freshness').first()).toContainText(/updated \d+ ?s ago · AWS budget \d+ %/);
  // Cluster names are shown whole, and two services of the same name in two clusters are told apart by them.
  await expect(page.locator('[data-testid="service-row"][data-service="codeflow-service"][data-cluster="codeflow-staging"]')).toContainText('codeflow-staging');
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

  const ecs = new ECSClient({ region: 'us-east-1', endpoint: sandboxUrl, credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' } });
  await ecs.send(new UpdateServiceCommand({ cluster: 'codeflow-cluster', service: 'payments-api', desiredCount: 7 }));
  ecs.destroy();

  await expect(row).toContainText('/ 7');
  await expect(page.getByTestId('fleet-overview')).toHaveAttribute('data-live-mode', 'live');
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
});

test('a stream that opens but stays silent gives way to polling: the overview still shows the fleet', async ({ page }) => {
  // The event stream's request is held unanswered (a proxy that buffers, or a first event stuck behind a big incident's load).
  await page.route((url) => url.pathname === '/api/fleet/events', () => undefined);
  const polled = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/fleet', { timeout: 20_000 });
  await page.goto('/');
  await polled;
  await expect(page.locator('[data-testid="service-row"]').first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('fleet-overview')).toHaveAttribute('data-live-mode', 'polling');
});
