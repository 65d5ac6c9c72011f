import { expect, test, type Page } from '@playwright/test';
import { e2eEnv } from './env';
import { advanceClock, resetSandbox, sandboxUrl } from './sandbox';
import { advanceUntilStatus, ecs, fillConfirmation, operation, operationIdFromUrl, pageAs } from './operations-helpers';

const PROD = { cluster: 'codeflow-cluster', service: 'codeflow-service' };
const STAGING = { cluster: 'codeflow-staging', service: 'codeflow-service' };
const servicePath = (s: { cluster: string; service: string }) => `/services/${s.cluster}/${s.service}`;
const sameOrigin = { origin: e2eEnv.baseUrl };

/** AWS writes the sandbox has answered so far (Update*, Register*, Modify*, Stop*, Continue*…). */
async function awsWrites(): Promise<number> {
  const { calls } = (await (await fetch(`${sandboxUrl}/_sandbox/calls`)).json()) as { calls: Record<string, number> };
  return Object.entries(calls)
    .filter(([op]) => /:(Update|Register|Modify|Create|Delete|Put|Set|Continue|Stop)/.test(op))
    .reduce((n, [, count]) => n + count, 0);
}

test.beforeEach(async () => {
  await resetSandbox();
});

// A production rollout plus its 5-minute bake, followed on AWS time in 20 s steps.
test.setTimeout(240_000);

test('an operator rolls back codeflow-service to the previous revision end to end, once, and the audit log shows it', async ({ browser }) => {
  // The guide's deploy, done outside Codeflow: codeflow:2 over codeflow:1.
  const registered = await ecs('RegisterTaskDefinition', {
    family: 'codeflow',
    containerDefinitions: [
      { name: 'codeflow', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.4.3', essential: true, portMappings: [{ containerPort: 3000 }], environment: [{ name: 'NODE_ENV', value: 'production' }, { name: 'LOG_LEVEL', value: 'debug' }] },
    ],
    cpu: '512',
    memory: '1024',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
  });
  expect(registered.taskDefinition.revision).toBe(2);
  await ecs('UpdateService', { cluster: PROD.cluster, service: PROD.service, taskDefinition: 'codeflow:2' });
  await advanceClock(600);

  const page = await pageAs(browser, 'operator');
  await page.goto(servicePath(PROD));
  await page.getByTestId('action-rollback').click();
  const dialog = page.getByTestId('op-dialog');
  await expect(dialog).toBeVisible();
  // The previous completed revision is preselected; the plan says where from and where to.
  await expect(dialog.getByTestId('op-revision-select')).toHaveValue(/task-definition\/codeflow:1$/);
  await expect(dialog.getByTestId('plan-summary')).toContainText('codeflow:2');
  await expect(dialog.getByTestId('plan-summary')).toContainText('codeflow:1');
  await expect(dialog.getByTestId('plan-image').first()).toContainText('v1.4.2');

  // Nothing can be submitted until the name is typed exactly and a reason given.
  await expect(dialog.getByTestId('op-submit')).toBeDisabled();
  // No incident reference: one must name an existing incident (lib/ops/guards.test.ts covers it).
  await fillConfirmation(page, 'codeflow-servic', 'e2e: v1.4.3 breaks checkout');
  await expect(dialog.getByTestId('op-submit')).toBeDisabled();
  await dialog.getByTestId('op-confirm-name').fill(PROD.service);
  const writesBefore = await awsWrites();
  // A double click submits once: one Idempotency-Key per plan.
  await dialog.getByTestId('op-submit').dblclick();
  await operationIdFromUrl(page);

  await expect(operation(page)).toHaveAttribute('data-kind', 'rollback');
  await expect(page.getByTestId('op-reason-text')).toHaveText('e2e: v1.4.3 breaks checkout');
  await advanceUntilStatus(page, 'succeeded');
  await expect(page.locator('[data-testid="op-step"][data-step="verify"]')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('op-rollout-running')).toContainText('3');

  const { operations } = await (await page.request.get(`/api/operations?cluster=${PROD.cluster}&service=${PROD.service}`)).json();
  expect(operations.filter((o: { kind: string; reason: string }) => o.kind === 'rollback' && o.reason === 'e2e: v1.4.3 breaks checkout')).toHaveLength(1);
  expect(await awsWrites()).toBeGreaterThan(writesBefore);
  const service = await ecs('DescribeServices', { cluster: PROD.cluster, services: [PROD.service] });
  expect(service.services[0].taskDefinition).toMatch(/codeflow:1$/);

  // On the service's timeline, and in the audit log with its reason.
  await page.goto(servicePath(PROD));
  await expect(page.locator(`[data-testid="service-operation"][data-kind="rollback"]`).first()).toHaveAttribute('data-status', 'succeeded');
  await page.goto('/audit');
  const rows = page.getByTestId('audit-row').filter({ hasText: 'codeflow-cluster/codeflow-service' });
  await expect(rows.filter({ hasText: 'v1.4.3 breaks checkout' }).first()).toBeVisible();
  // The request, then the AWS write's intent (with the reason) before it and its outcome after it.
  const audit = await (await page.request.get('/api/audit?action=ops.*')).json();
  const entries = (audit.entries as { seq: number; action: string; target: string | null; reason: string | null; outcome: string; intentSeq: number | null }[]).filter(
    (e) => e.target === `${PROD.cluster}/${PROD.service}`,
  );
  expect(entries.some((e) => e.action === 'ops.request' && e.reason === 'e2e: v1.4.3 breaks checkout')).toBe(true);
  const intent = entries.find((e) => e.outcome === 'intent' && e.action.startsWith('ops.rollback'));
  expect(intent, 'audit intent of the rollback').toBeTruthy();
  expect(entries.some((e) => e.outcome === 'success' && e.intentSeq === intent!.seq)).toBe(true);
  await page.context().close();
});

test('a deploy of a bad image trips the rollback triggers and is rolled back', async ({ browser }) => {
  const page = await pageAs(browser, 'operator');
  await page.goto(servicePath(STAGING));
  await page.getByTestId('action-deploy').click();
  const dialog = page.getByTestId('op-dialog');
  await dialog.getByTestId('op-image-input').fill('v1.5.0-bad');
  await dialog.getByTestId('op-plan-button').click();
  await expect(dialog.getByTestId('plan-image')).toContainText('codeflow:v1.5.0-bad');
  await expect(dialog.getByTestId('plan')).toHaveAttribute('data-requires-approval', 'false');
  await fillConfirmation(page, STAGING.service, 'e2e: ship v1.5.0');
  await dialog.getByTestId('op-submit').click();
  await operationIdFromUrl(page);

  // Tasks start, crash, the circuit breaker trips; staging's policy rolls back by itself.
  await advanceUntilStatus(page, 'rolled_back', { step: 10 });
  await expect(page.locator('[data-testid="op-trigger"][data-tripped="true"]').first()).toBeVisible();
  // The automatic rollback is its own operation, linked from the deploy; it ends on the old image.
  await page.getByTestId('op-follow-up').click();
  await expect(operation(page)).toHaveAttribute('data-kind', 'rollback');
  // Finished and back on the old revision. (Its own bake may still count the bad minutes' 5xx and
  // end "failed" with a notification: lib/ops's verdict, not the rollback's effect, which is checked here.)
  await advanceUntilStatus(page, /^(succeeded|failed)$/, { step: 10 });
  await expect(page.locator('[data-testid="op-step"][data-step="execute"]')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('op-rollout-running')).toContainText('1');
  const service = await ecs('DescribeServices', { cluster: STAGING.cluster, services: [STAGING.service] });
  const running = await ecs('DescribeTaskDefinition', { taskDefinition: service.services[0].taskDefinition });
  expect(running.taskDefinition.containerDefinitions[0].image).not.toContain('bad');
  await page.context().close();
});

test('a production deploy waits for a second operator, which the requester cannot be', async ({ browser }) => {
  const page = await pageAs(browser, 'operator');
  await page.goto(servicePath(PROD));
  await page.getByTestId('action-deploy').click();
  const dialog = page.getByTestId('op-dialog');
  await dialog.getByTestId('op-image-input').fill('v1.4.3');
  await dialog.getByTestId('op-image-input').press('Enter');
  await expect(dialog.getByTestId('plan')).toHaveAttribute('data-requires-approval', 'true');
  await expect(dialog.locator('[data-testid="plan-guard"][data-status="requires_approval"]').first()).toBeVisible();
  // The tag is resolved in ECR; the revision will be registered pinned to that digest.
  const digest = dialog.getByTestId('plan-image-digest');
  await expect(digest).toHaveAttribute('data-status', 'resolved');
  await expect(digest).toContainText(/sha256:[a-f0-9]{64}/);
  await expect(digest).toContainText(/registered as 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/codeflow:v1\.4\.3@sha256:[a-f0-9]{64}/);
  await expect(dialog.getByTestId('op-approval-note')).toBeVisible();
  await fillConfirmation(page, PROD.service, 'e2e: release v1.4.3');
  await expect(dialog.getByTestId('op-submit')).toHaveText('Request approval');
  const writesBefore = await awsWrites();
  await dialog.getByTestId('op-submit').click();
  const id = await operationIdFromUrl(page);

  await expect(operation(page)).toHaveAttribute('data-status', 'awaiting_approval');
  await expect(page.getByTestId('op-waiting')).toContainText('another operator');
  await expect(page.getByTestId('op-approve')).toHaveCount(0);
  // The API refuses the requester too, and nothing reached AWS.
  const own = await page.request.post(`/api/operations/${id}/approve`, { headers: sameOrigin, data: {} });
  expect(own.status()).toBe(403);
  expect(((await own.json()) as { error: { message: string } }).error.message).toMatch(/own|requester|another/i);
  // Nor can it be continued before someone approves: a sub-code clients act on, not a message to parse.
  const early = await page.request.post(`/api/operations/${id}/continue`, { headers: sameOrigin, data: {} });
  expect(early.status()).toBe(409);
  expect(((await early.json()) as { error: { subCode?: string } }).error.subCode).toBe('approval_required');
  expect(await awsWrites()).toBe(writesBefore);

  // The Operations page lists it for everyone; the requester is told to wait.
  await page.goto('/operations');
  const mine = page.locator(`[data-testid="pending-row"][data-operation-id="${id}"]`);
  await expect(mine.getByTestId('pending-waiting')).toBeVisible();
  await expect(mine.getByTestId('pending-approve')).toHaveCount(0);

  // A second operator (the admin) approves; it runs.
  const admin = await pageAs(browser, 'admin');
  await admin.goto('/operations');
  await admin.locator(`[data-testid="pending-row"][data-operation-id="${id}"]`).getByTestId('pending-approve').click();
  await expect(admin.locator(`[data-testid="pending-row"][data-operation-id="${id}"]`)).toHaveCount(0);
  await admin.goto(`/operations/${id}`);
  await expect(operation(admin)).not.toHaveAttribute('data-status', 'awaiting_approval');
  await expect(admin.getByRole('main').getByText('Ada Admin').first()).toBeVisible();
  await advanceUntilStatus(admin, 'succeeded');
  await admin.context().close();
  await page.context().close();
});

for (const role of ['viewer', 'responder'] as const) {
  test(`a ${role} sees no action buttons, and the API refuses them with no AWS write`, async ({ browser }) => {
    const page = await pageAs(browser, role);
    await page.goto(servicePath(PROD));
    await expect(page.getByTestId('service-detail')).toBeVisible();
    await expect(page.getByTestId('service-operations')).toBeVisible();
    await expect(page.getByTestId('service-actions')).toHaveCount(0);
    await expect(page.locator('[data-testid^="action-"]')).toHaveCount(0);

    const writesBefore = await awsWrites();
    const plan = await page.request.post(`/api/services/${PROD.cluster}/${PROD.service}/plan`, { headers: sameOrigin, data: { kind: 'rollback' } });
    expect(plan.status()).toBe(403);
    for (const request of [{ kind: 'rollback' }, { kind: 'scale', desiredCount: 6 }, { kind: 'deploy', image: 'v1.4.3' }]) {
      const submit = await page.request.post('/api/operations', {
        headers: { ...sameOrigin, 'Idempotency-Key': `e2e-${role}-${request.kind}-0001` },
        data: { ...PROD, request, fingerprint: 'x', confirmName: PROD.service, reason: `e2e: ${role} tries` },
      });
      expect(submit.status(), JSON.stringify(request)).toBe(403);
    }
    expect(await awsWrites()).toBe(writesBefore);

    // They can still follow what happens.
    await page.goto('/operations');
    await expect(page.getByTestId('operations-page')).toBeVisible();
    await expect(page.getByTestId('read-only-control')).toHaveCount(0);
    await page.context().close();
  });
}
