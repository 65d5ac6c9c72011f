import { expect, test } from '@playwright/test';
import { resetSandbox } from './sandbox';
import { advanceUntilStatus, ecs, operation, pageAs } from './operations-helpers';

const PROD = { cluster: 'codeflow-cluster', service: 'codeflow-service' };

test.beforeEach(async () => {
  await resetSandbox();
});

// A production rollout into the idle group, the switch, then the 5-minute bake, on AWS time.
test.setTimeout(240_000);

test('an operator deploys codeflow-service by listener switch: approved by an admin, green takes the traffic once healthy', async ({ browser }) => {
  const page = await pageAs(browser, 'operator');
  await page.goto(`/services/${PROD.cluster}/${PROD.service}`);
  await page.getByTestId('action-deploy').click();
  const dialog = page.getByTestId('op-dialog');
  await dialog.getByTestId('op-strategy-listener-switch').check();
  await dialog.getByTestId('op-image-input').fill('v1.5.0');
  await dialog.getByTestId('op-plan-button').click();

  // The plan: revision A → B, the image, and listener :443 blue → green with its stages in order.
  await expect(dialog.getByTestId('plan-summary')).toContainText('listener codeflow-blue → codeflow-green');
  await expect(dialog.getByTestId('plan-image')).toContainText('codeflow:v1.5.0');
  await expect(dialog.getByTestId('plan-listener-switch')).toContainText('codeflow-blue');
  await expect(dialog.getByTestId('plan-listener-switch')).toContainText('codeflow-green');
  await expect(dialog.getByTestId('plan-stage')).toHaveCount(5);
  await expect(dialog.locator('[data-testid="plan-change"]').filter({ hasText: 'Listener :443' })).toContainText('codeflow-green 100');
  await expect(dialog.locator('[data-testid="plan-guard"][data-guard="listener_switch"]')).toHaveAttribute('data-status', 'ok');
  await expect(dialog.getByTestId('plan')).toHaveAttribute('data-requires-approval', 'true');

  await dialog.getByTestId('op-confirm-name').fill(PROD.service);
  await dialog.getByTestId('op-reason').fill('e2e: v1.5.0 by listener switch');
  await dialog.getByTestId('op-submit').click();
  await expect(page).toHaveURL(/\/operations\/[^/]+$/);
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  await expect(operation(page)).toHaveAttribute('data-status', 'awaiting_approval');

  // Production: an admin (another operator) approves on the Operations page.
  const admin = await pageAs(browser, 'admin');
  await admin.goto('/operations');
  await admin.locator(`[data-testid="pending-row"][data-operation-id="${id}"]`).getByTestId('pending-approve').click();
  await expect(admin.locator(`[data-testid="pending-row"][data-operation-id="${id}"]`)).toHaveCount(0);
  await admin.context().close();

  // The progress view shows the stages as they happen, then the outcome.
  await page.reload();
  await expect(page.locator('[data-testid="op-step"][data-step="verify"]')).toContainText(/stage 1|switched|stage 2/, { timeout: 30_000 });
  await advanceUntilStatus(page, 'succeeded', { timeout: 150_000 });
  await expect(page.locator('[data-testid="op-step"][data-step="verify"]')).toContainText('forwards 100 % to codeflow-green');

  // ECS: the new revision, its tasks in codeflow-green; the audit log has the switch, fenced and audited.
  const described = await ecs('DescribeServices', { cluster: PROD.cluster, services: [PROD.service] });
  expect(described.services[0].taskDefinition).toMatch(/codeflow:2$/);
  expect(described.services[0].loadBalancers[0].targetGroupArn).toContain('targetgroup/codeflow-green/');
  const audit = await (await page.request.get('/api/audit?action=ops.*')).json();
  const actions = (audit.entries as { action: string; outcome: string; target: string | null }[]).filter((e) => e.target === `${PROD.cluster}/${PROD.service}`).map((e) => `${e.action}:${e.outcome}`);
  expect(actions).toContain('ops.deploy.modify-listener:intent');
  expect(actions).toContain('ops.deploy.modify-listener:success');
  await page.context().close();
});

test('a service on ECS native blue/green offers no listener switch: neither the deploy strategy nor switch traffic', async ({ browser }) => {
  const page = await pageAs(browser, 'admin');
  // Listener switching between two groups, no native blue/green: both are offered.
  await page.goto(`/services/${PROD.cluster}/${PROD.service}`);
  await expect(page.getByTestId('action-switch-traffic')).toBeVisible();
  await page.getByTestId('action-deploy').click();
  await expect(page.getByTestId('op-dialog').getByTestId('op-strategy-listener-switch')).toBeVisible();

  // checkout-api: ECS shifts its traffic itself (BLUE_GREEN with a production listener rule).
  await page.goto('/services/codeflow-staging/checkout-api');
  await expect(page.getByTestId('action-deploy')).toBeVisible();
  await expect(page.getByTestId('action-switch-traffic')).toHaveCount(0);
  await page.getByTestId('action-deploy').click();
  const dialog = page.getByTestId('op-dialog');
  await expect(dialog.getByTestId('op-image-input')).toBeVisible();
  await expect(dialog.getByTestId('op-strategy-listener-switch')).toHaveCount(0);
});
