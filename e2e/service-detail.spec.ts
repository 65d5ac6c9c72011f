import { expect, test } from '@playwright/test';
import { resetSandbox } from './sandbox';

test.beforeEach(async () => {
  await resetSandbox();
});

test('the service page shows deployments, tasks, target health, task definition and events', async ({ page }) => {
  await page.goto('/');
  await page.locator('[data-testid="service-row"][data-service="codeflow-service"][data-cluster="codeflow-cluster"]').getByRole('link', { name: 'codeflow-service' }).click();
  await expect(page).toHaveURL(/\/services\/codeflow-cluster\/codeflow-service$/);
  await expect(page.getByTestId('service-name')).toHaveText('codeflow-service');
  await expect(page.getByTestId('service-detail')).toHaveAttribute('data-verdict', 'healthy');

  await expect(page.getByTestId('deployment-row')).toHaveCount(1);
  await expect(page.getByTestId('deployment-row')).toHaveAttribute('data-rollout', 'COMPLETED');
  await expect(page.getByTestId('task-row')).toHaveCount(3);
  await expect(page.getByTestId('target')).toHaveCount(3);
  await expect(page.locator('[data-testid="target"][data-state="healthy"]')).toHaveCount(3);
  await expect(page.getByTestId('listener-split').first()).toContainText('100%');

  const taskDefinition = page.getByTestId('task-definition');
  await expect(taskDefinition).toContainText('DATABASE_URL');
  await expect(taskDefinition).toContainText('NODE_ENV');
  // Names only: neither environment values nor where secrets live leave the server.
  await expect(page.locator('body')).not.toContainText('secretsmanager');
  await expect(page.getByTestId('event').first()).toBeVisible();
  await expect(page.getByRole('link', { name: /AWS console/i })).toHaveAttribute('href', /console\.aws\.amazon\.com\/ecs\/v2\/clusters\/codeflow-cluster\/services\/codeflow-service/);
});

test('a crash-looping service shows its stopped tasks with reason and exit code', async ({ page }) => {
  await page.goto('/services/codeflow-staging/reports-worker');
  await expect(page.getByTestId('service-detail')).toHaveAttribute('data-verdict', 'down');
  const { advanceClock } = await import('./sandbox');
  await advanceClock(60);
  await expect(page.getByTestId('stopped-task').first()).toContainText('Essential container in task exited');
  await expect(page.getByTestId('stopped-task').first()).toContainText(/exit(ed)?( code)? 1/i);
});

test('unknown names get a 404 that says which name was not found', async ({ page }) => {
  const missingService = await page.goto('/services/codeflow-cluster/no-such-service');
  expect(missingService?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toContainText('no-such-service');

  const missingCluster = await page.goto('/services/no-such-cluster/codeflow-service');
  expect(missingCluster?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toContainText('no-such-cluster');
});

test('the API validates names and answers errors without internals', async ({ request }) => {
  const invalid = await request.get('/api/services/codeflow-cluster/bad%20name!');
  expect(invalid.status()).toBe(400);
  const body = await invalid.json();
  expect(body.error.code).toBe('invalid');
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);

  const missing = await request.get('/api/services/codeflow-cluster/ghost');
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error.message).toContain('ghost');

  const health = await request.get('/api/health');
  expect(health.status()).toBe(200);
  const h = await health.json();
  expect(Object.keys(h)).toEqual(expect.arrayContaining(['status', 'timestamp', 'version', 'uptime']));
  expect(h.status).toBe('healthy');
  expect(health.headers()['cache-control']).toContain('no-store');
});
