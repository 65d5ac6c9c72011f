import { expect, test, type Page } from '@playwright/test';
import { e2eEnv } from './env';
import { advanceClock, resetSandbox, sandboxUrl } from './sandbox';
import { pageAs } from './operations-helpers';
import { DEFAULT_HARD_MAX_DESIRED_COUNT, desiredCountIssue } from '../lib/ops/contract';

const PROD = { cluster: 'codeflow-cluster', service: 'codeflow-service' };
const servicePath = `/services/${PROD.cluster}/${PROD.service}`;
const sameOrigin = { origin: e2eEnv.baseUrl };

async function updateService(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(sandboxUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonEC2ContainerServiceV20141113.UpdateService',
      authorization: 'AWS4-HMAC-SHA256 Credential=e2e/20261127/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ cluster: PROD.cluster, service: PROD.service, ...body }),
  });
  if (!response.ok) throw new Error(`UpdateService: ${response.status} ${await response.text()}`);
}

async function advanceUntil(page: Page, testId: string, { step = 20, timeout = 120_000 } = {}) {
  await expect
    .poll(
      async () => {
        const visible = await page.getByTestId(testId).isVisible();
        if (!visible) await advanceClock(step);
        return visible;
      },
      { timeout, intervals: [1_000] },
    )
    .toBe(true);
}

test.beforeEach(async () => {
  await resetSandbox();
});

test.setTimeout(240_000);

test('a plan made stale by a change outside Codeflow is refused with 409, and re-planning shows the new basis', async ({ browser }) => {
  const page = await pageAs(browser, 'operator');
  await page.goto(servicePath);
  await page.getByTestId('action-scale').click();
  const dialog = page.getByTestId('op-dialog');
  await dialog.getByTestId('op-count-input').fill('4');
  await dialog.getByTestId('op-plan-button').click();
  await expect(dialog.getByTestId('plan-cost')).toBeVisible();
  await expect(dialog.getByTestId('plan-summary')).toContainText('3');

  // Someone scales by hand meanwhile.
  await updateService({ desiredCount: 5 });
  await dialog.getByTestId('op-confirm-name').fill(PROD.service);
  await dialog.getByTestId('op-reason').fill('e2e: more headroom for the sale');
  await dialog.getByTestId('op-submit').click();
  await expect(dialog.getByTestId('op-error')).toHaveAttribute('data-status', '409');
  await expect(dialog.getByTestId('op-error')).toContainText('changed since you planned');

  await dialog.getByTestId('op-replan').click();
  await expect(dialog.getByTestId('op-error')).toHaveCount(0);
  await expect(dialog.getByTestId('plan-summary')).toContainText('5');
  await dialog.getByTestId('op-submit').click();
  await expect(page).toHaveURL(/\/operations\/[^/]+$/);
  await expect(page.getByTestId('operation')).toHaveAttribute('data-kind', 'scale');
  // Followed to the end on AWS time, so the service's lock is free for the next test.
  await expect
    .poll(
      async () => {
        const status = await page.getByTestId('operation').getAttribute('data-status');
        if (status !== 'succeeded') await advanceClock(20);
        return status;
      },
      { timeout: 120_000, intervals: [1_000] },
    )
    .toBe('succeeded');
  await expect(page.getByTestId('op-rollout-desired')).toContainText('4');
  await page.context().close();
});

test('the dialog checks input beside each field, with the numbers: a count above the limit, no "Try again", fixed at once; an empty count or image says why "Review plan" is disabled', async ({ browser }) => {
  // The e2e server runs with the default policy; its limit and the message's wording come from the contract.
  const limit = DEFAULT_HARD_MAX_DESIRED_COUNT;
  const message = desiredCountIssue(limit + 1, limit)!;
  expect(message).toBe(`${limit + 1} is above the limit of ${limit} tasks`);

  const page = await pageAs(browser, 'operator');
  await page.goto(servicePath);
  await page.getByTestId('action-scale').click();
  const dialog = page.getByTestId('op-dialog');
  const count = dialog.getByTestId('op-count-input');
  const countError = dialog.locator('[data-testid="op-input-error"][data-field="desiredCount"]');
  const review = dialog.getByTestId('op-plan-button');

  await count.fill(String(limit + 1));
  await expect(countError).toHaveText(message);
  await expect(count).toHaveAttribute('aria-invalid', 'true');
  await expect(count).toHaveAccessibleDescription(message);
  await expect(review).toBeDisabled();
  await count.press('Enter');
  await expect(dialog.getByTestId('op-plan-error')).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  // The API refuses the same count with the same words, on the same field.
  const refused = await page.request.post(`/api/services/${PROD.cluster}/${PROD.service}/plan`, { headers: sameOrigin, data: { kind: 'scale', desiredCount: limit + 1 } });
  expect(refused.status()).toBe(400);
  expect(((await refused.json()) as { error: unknown }).error).toMatchObject({ subCode: 'invalid', fields: [{ path: 'desiredCount', message }] });

  // Fixing the value clears its message at once.
  await count.fill('4');
  await expect(countError).toHaveCount(0);
  await expect(count).not.toHaveAttribute('aria-invalid', 'true');
  await expect(review).toBeEnabled();
  await count.fill('-1');
  await expect(countError).toHaveText(desiredCountIssue(-1, limit)!);

  // An empty count: no error, but "Review plan" is disabled and says why.
  await count.fill('');
  await expect(dialog.getByTestId('op-input-error')).toHaveCount(0);
  await expect(review).toBeDisabled();
  await expect(dialog.getByTestId('op-plan-disabled-reason')).toBeVisible();
  await expect(dialog.getByTestId('op-plan-disabled-reason')).toContainText('Enter the desired count');

  // The server's own field messages sit beside their field too, and go when it changes: an incident that does not exist.
  await count.fill('4');
  await review.click();
  await expect(dialog.getByTestId('plan-summary')).toContainText('4');
  await dialog.getByTestId('op-confirm-name').fill(PROD.service);
  await dialog.getByTestId('op-reason').fill('e2e: more headroom');
  const incident = dialog.getByTestId('op-incident');
  await incident.fill('INC-98765');
  await dialog.getByTestId('op-submit').click();
  const incidentError = dialog.locator('[data-testid="op-input-error"][data-field="incidentId"]');
  await expect(incidentError).toContainText('no incident INC-98765 exists');
  await expect(incident).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByTestId('op-error')).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await incident.fill('');
  await expect(incidentError).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(dialog).toHaveCount(0);

  // An empty image: the same.
  await page.getByTestId('action-deploy').click();
  const deploy = page.getByTestId('op-dialog');
  await expect(deploy.getByTestId('op-plan-button')).toBeDisabled();
  await expect(deploy.getByTestId('op-plan-disabled-reason')).toContainText('Enter the image to deploy');
  await deploy.getByTestId('op-image-input').fill('v1 5');
  await expect(deploy.locator('[data-testid="op-input-error"][data-field="image"]')).toContainText('no spaces');
  await deploy.getByTestId('op-image-input').fill('v1.5.0');
  await expect(deploy.getByTestId('op-input-error')).toHaveCount(0);
  await expect(deploy.getByTestId('op-plan-disabled-reason')).toHaveCount(0);
  await expect(deploy.getByTestId('op-plan-button')).toBeEnabled();
  await page.context().close();
});

test('an admin makes Codeflow read-only: a banner says so, action buttons are disabled, and the API refuses writes', async ({ browser }) => {
  const admin = await pageAs(browser, 'admin');
  await admin.goto('/operations');
  await admin.getByTestId('read-only-toggle').click();
  await admin.getByTestId('reason-input').fill('e2e: change freeze for the audit');
  await admin.getByTestId('reason-confirm').click();
  await expect(admin.getByTestId('read-only-control')).toHaveAttribute('data-read-only', 'true');
  await expect(admin.getByTestId('read-only-banner')).toContainText('change freeze');

  const operator = await pageAs(browser, 'operator');
  try {
    await operator.goto(servicePath);
    await expect(operator.getByTestId('read-only-banner')).toBeVisible();
    await expect(operator.getByTestId('action-rollback')).toBeDisabled();
    await expect(operator.getByTestId('action-deploy')).toHaveAttribute('title', /read-only: e2e: change freeze/);
    const refused = await operator.request.post('/api/operations', {
      headers: { ...sameOrigin, 'Idempotency-Key': 'e2e-read-only-0001' },
      data: { ...PROD, request: { kind: 'restart' }, fingerprint: 'x', confirmName: PROD.service, reason: 'e2e: during the freeze' },
    });
    expect(refused.status()).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/read-only/i);
  } finally {
    const off = await admin.request.put('/api/settings/read-only', { headers: sameOrigin, data: { readOnly: false, reason: 'e2e: freeze over' } });
    expect(off.status()).toBe(200);
  }
  await operator.reload();
  await expect(operator.getByTestId('action-rollback')).toBeEnabled();
  await admin.context().close();
  await operator.context().close();
});

test('in production a tripped trigger proposes a rollback, and one click rolls back', async ({ browser }) => {
  const operator = await pageAs(browser, 'operator');
  await operator.goto(servicePath);
  await operator.getByTestId('action-deploy').click();
  const dialog = operator.getByTestId('op-dialog');
  // A slow image: its tasks are healthy (ECS keeps it), but p95 goes past 500 ms — the operator's call.
  await dialog.getByTestId('op-image-input').fill('v1.5.0-slow');
  await dialog.getByTestId('op-plan-button').click();
  await dialog.getByTestId('op-confirm-name').fill(PROD.service);
  await dialog.getByTestId('op-reason').fill('e2e: release v1.5.0');
  await dialog.getByTestId('op-submit').click();
  await expect(operator).toHaveURL(/\/operations\/[^/]+$/);
  const id = new URL(operator.url()).pathname.split('/').pop()!;

  const admin = await pageAs(browser, 'admin');
  const approved = await admin.request.post(`/api/operations/${id}/approve`, { headers: sameOrigin, data: {} });
  expect(approved.status()).toBe(200);
  await admin.context().close();

  // Production's policy proposes; the operator decides, with one click.
  await advanceUntil(operator, 'op-rollback-proposed', { step: 10 });
  await expect(operator.locator('[data-testid="op-trigger"][data-tripped="true"]').first()).toBeVisible();
  await expect(operator.locator('[data-testid="op-trigger"][data-trigger="p95_latency"]')).toHaveAttribute('data-tripped', 'true');
  await operator.getByTestId('op-rollback-now').click();
  await expect(operator).not.toHaveURL(new RegExp(`/operations/${id}$`));
  await expect(operator.getByTestId('operation')).toHaveAttribute('data-kind', 'rollback');
  await expect(operator.getByTestId('op-reason-text')).toContainText('one-click rollback');
  await expect
    .poll(
      async () => {
        const status = await operator.getByTestId('operation').getAttribute('data-status');
        if (status !== 'succeeded') await advanceClock(20);
        return status;
      },
      { timeout: 120_000, intervals: [1_000] },
    )
    .toBe('succeeded');
  await operator.context().close();
});
