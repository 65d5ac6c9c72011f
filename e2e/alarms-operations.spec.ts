import { expect, test } from '@playwright/test';
import { e2eEnv } from './env';
import { resetSandbox, sandboxUrl } from './sandbox';
import { advanceUntilStatus, fillConfirmation, operation, operationIdFromUrl, pageAs } from './operations-helpers';

/**
 * Guide §4.1 from the console: an operator creates a service's recommended alarms in one
 * operation and changes one; the lower roles see no alarm buttons and the API refuses them.
 */
const STAGING = { cluster: 'codeflow-staging', service: 'codeflow-service' };
const servicePath = `/services/${STAGING.cluster}/${STAGING.service}`;
/** Production's codeflow-service has the guide's alarms from the start. */
const PROD = { cluster: 'codeflow-cluster', service: 'codeflow-service' };
const sameOrigin = { origin: e2eEnv.baseUrl };

/** The sandbox's alarms whose names start with `prefix`, read over CloudWatch's own query protocol. */
async function alarmsNamed(prefix: string): Promise<{ name: string; threshold: number }[]> {
  const body = new URLSearchParams({ Action: 'DescribeAlarms', Version: '2010-08-01', AlarmNamePrefix: prefix });
  const response = await fetch(sandboxUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=e2e/20261127/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0' },
    body,
  });
  const xml = await response.text();
  return [...xml.matchAll(/<member>\s*<AlarmName>([^<]+)<\/AlarmName>[\s\S]*?<Threshold>([^<]+)<\/Threshold>/g)].map((m) => ({ name: m[1]!, threshold: Number(m[2]) }));
}

/** PutMetricAlarm, DeleteAlarms, EnableAlarmActions, DisableAlarmActions the sandbox has answered. */
async function alarmWrites(): Promise<number> {
  const { calls } = (await (await fetch(`${sandboxUrl}/_sandbox/calls`)).json()) as { calls: Record<string, number> };
  return ['PutMetricAlarm', 'DeleteAlarms', 'EnableAlarmActions', 'DisableAlarmActions'].reduce((n, op) => n + (calls[`monitoring:${op}`] ?? 0), 0);
}

test.beforeEach(async () => {
  await resetSandbox();
});
test.setTimeout(180_000);

test('an operator creates the recommended alarms in one operation, then changes one; CloudWatch shows both', async ({ browser }) => {
  const page = await pageAs(browser, 'operator');
  await page.goto(servicePath);
  const card = page.getByTestId('service-alarms');
  await card.getByTestId('alarms-recommended').click();

  const dialog = page.getByTestId('op-dialog');
  await expect(dialog).toHaveAttribute('data-kind', 'alarms');
  const items = dialog.getByTestId('plan-alarm');
  await expect(items.first()).toBeVisible();
  const names = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-alarm')));
  expect(names).toEqual(expect.arrayContaining(['codeflow-staging-codeflow-service-HighCPU', 'codeflow-staging-codeflow-service-HighMemory']));
  for (const item of await items.all()) await expect(item).toHaveAttribute('data-action', 'create');
  // Each alarm shows the exact AWS CLI command, every required option given.
  await expect(dialog.getByTestId('plan-alarm-command').first()).toContainText('aws cloudwatch put-metric-alarm --alarm-name codeflow-staging-codeflow-service-HighCPU');
  await expect(dialog.getByTestId('plan-alarm-command').first()).toContainText('--evaluation-periods 1');

  const before = await alarmWrites();
  await fillConfirmation(page, STAGING.service, 'guide §4.1: the recommended alarms');
  await dialog.getByTestId('op-submit').click();
  await operationIdFromUrl(page);
  await advanceUntilStatus(page, 'succeeded', { step: 5 });
  await expect(operation(page)).toContainText('CloudWatch shows every change');
  expect(await alarmWrites()).toBe(before + names.length);
  expect((await alarmsNamed('codeflow-staging-codeflow-service-')).map((a) => a.name).sort()).toEqual([...names].sort());

  // Change one: the editor opens on its configuration; the plan names the one field that changes.
  await page.goto(servicePath);
  const cpu = card.locator('[data-testid="alarm-row"][data-alarm="codeflow-staging-codeflow-service-HighCPU"]');
  await cpu.getByTestId('alarm-edit').click();
  const editor = page.getByTestId('alarm-editor');
  await expect(editor.getByTestId('alarm-threshold')).toHaveValue('70');
  await editor.getByTestId('alarm-threshold').fill('75');
  await editor.getByTestId('alarm-review').click();
  const change = dialog.locator('[data-testid="plan-alarm"][data-alarm="codeflow-staging-codeflow-service-HighCPU"]');
  await expect(change).toHaveAttribute('data-action', 'update');
  await expect(change).toContainText('threshold 70 → 75');
  await fillConfirmation(page, STAGING.service, 'CPU alarm too noisy at 70 %');
  await dialog.getByTestId('op-submit').click();
  await operationIdFromUrl(page);
  await advanceUntilStatus(page, 'succeeded', { step: 5 });
  expect((await alarmsNamed('codeflow-staging-codeflow-service-HighCPU'))[0]!.threshold).toBe(75);
});

for (const role of ['viewer', 'responder'] as const) {
  test(`a ${role} sees no alarm buttons, and the API refuses an alarms plan and operation (403) with no CloudWatch write`, async ({ browser }) => {
    const page = await pageAs(browser, role);
    await page.goto(`/services/${PROD.cluster}/${PROD.service}`);
    const card = page.getByTestId('service-alarms');
    await expect(card.getByTestId('alarm-row').first()).toBeVisible();
    await expect(card.getByTestId('alarms-recommended')).toHaveCount(0);
    await expect(card.getByTestId('alarm-edit')).toHaveCount(0);
    const before = await alarmWrites();
    const request = { kind: 'alarms', alarms: { recommended: true } };
    const plan = await page.request.post(`/api/services/${PROD.cluster}/${PROD.service}/plan`, { headers: sameOrigin, data: request });
    expect(plan.status()).toBe(403);
    expect((await plan.json()).error.message).toMatch(/needs operator or above/);
    const submit = await page.request.post('/api/operations', {
      headers: { ...sameOrigin, 'idempotency-key': `alarms-${role}-${Date.now()}` },
      data: { cluster: PROD.cluster, service: PROD.service, request, fingerprint: 'x', confirmName: PROD.service, reason: 'not mine to do' },
    });
    expect(submit.status()).toBe(403);
    expect(await alarmWrites()).toBe(before);
  });
}

test('an operator silences a noisy alarm from the Alarms page (its actions off), and the page then says so', async ({ browser }) => {
  const page = await pageAs(browser, 'operator');
  await page.goto('/alarms');
  const row = page.locator('[data-testid="alarm-row"][data-alarm="Codeflow-HighLatency"]');
  await row.getByTestId('alarm-actions-toggle').click();
  const dialog = page.getByTestId('op-dialog');
  const item = dialog.locator('[data-testid="plan-alarm"][data-alarm="Codeflow-HighLatency"]');
  await expect(item).toHaveAttribute('data-action', 'disable-actions');
  await expect(dialog.getByTestId('plan-alarm-command')).toHaveText('aws cloudwatch disable-alarm-actions --alarm-names Codeflow-HighLatency --region us-east-1');
  await fillConfirmation(page, 'codeflow-service', 'flapping during INC-7; silenced until the fix ships');
  await dialog.getByTestId('op-submit').click();
  await operationIdFromUrl(page);
  await advanceUntilStatus(page, 'succeeded', { step: 5 });
  await page.goto('/alarms');
  await expect(row).toContainText('actions off');
  await expect(row.getByTestId('alarm-actions-toggle')).toHaveText('Actions on…');
});

test('an operator adds an alarm on the service\'s load balancer metric (p99 response time) with the editor', async ({ browser }) => {
  const page = await pageAs(browser, 'operator');
  await page.goto(servicePath);
  await page.getByTestId('service-alarms').getByTestId('alarms-new').click();
  const editor = page.getByTestId('alarm-editor');
  await editor.getByTestId('alarm-name').fill('codeflow-service-p99');
  await editor.getByTestId('alarm-metric').selectOption('TargetResponseTime');
  await editor.getByTestId('alarm-statistic').selectOption('p99');
  await editor.getByTestId('alarm-period').fill('60');
  await editor.getByTestId('alarm-threshold').fill('1');
  // 3 datapoints out of 2 periods cannot be: the editor says so and offers nothing to review.
  await editor.getByTestId('alarm-datapoints').fill('3');
  await editor.getByTestId('alarm-evaluation-periods').fill('2');
  await expect(editor.getByTestId('alarm-review')).toBeDisabled();
  await editor.getByTestId('alarm-datapoints').fill('2');
  await editor.getByTestId('alarm-review').click();
  const dialog = page.getByTestId('op-dialog');
  const item = dialog.locator('[data-testid="plan-alarm"][data-alarm="codeflow-service-p99"]');
  await expect(item).toHaveAttribute('data-action', 'create');
  await expect(item.getByTestId('plan-alarm-command')).toContainText('--namespace AWS/ApplicationELB --metric-name TargetResponseTime --extended-statistic p99 --period 60 --dimensions Name=LoadBalancer,Value=app/codeflow-staging-alb/');
  await fillConfirmation(page, STAGING.service, 'p99 alarm for the checkout path');
  await dialog.getByTestId('op-submit').click();
  await operationIdFromUrl(page);
  await advanceUntilStatus(page, 'succeeded', { step: 5 });
  expect((await alarmsNamed('codeflow-service-p99'))[0]!.threshold).toBe(1);
});
