import { expect, test, type Page } from '@playwright/test';
import { advanceClock, aws, hasAwsCli, resetSandbox } from './sandbox';

/*
 * The "done when": a bad rollout shows on the metrics, alarm, logs and verdict of its
 * service within one minute of sandbox time. The clock moves by exactly 60 s after the rollout;
 * every wait below is polling for the console to catch up in wall time (its caches), never sleep.
 */
test.beforeEach(async () => {
  await resetSandbox();
});

const row = (page: Page, cluster: string, service: string) => page.locator(`[data-testid="service-row"][data-service="${service}"][data-cluster="${cluster}"]`);

test('a bad rollout shows on the verdict, metrics, alarm and logs of its service within a minute of sandbox time', async ({ page }) => {
  test.skip(!(await hasAwsCli()), 'the AWS CLI (`aws`) is not on PATH');
  test.setTimeout(120_000);

  await page.goto('/');
  const codeflow = row(page, 'codeflow-cluster', 'codeflow-service');
  await expect(codeflow).toHaveAttribute('data-verdict', 'healthy');
  // Quiet: target health from CloudWatch, its alarms OK.
  await expect(codeflow.getByTestId('targets-cell')).toHaveAttribute('data-healthy', '3');
  await expect(codeflow.getByTestId('alarms-cell')).toHaveAttribute('data-state', 'OK');

  const registered = await aws('ecs', 'register-task-definition', '--family', 'codeflow', '--container-definitions',
    JSON.stringify([{ name: 'codeflow', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.5.0-bad', essential: true, portMappings: [{ containerPort: 3000 }], logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/codeflow', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs' } } }]));
  await aws('ecs', 'update-service', '--cluster', 'codeflow-cluster', '--service', 'codeflow-service', '--task-definition', `codeflow:${registered.taskDefinition.revision}`);
  await advanceClock(60);

  // The overview: the verdict names the rollback trigger, the alarm column fires.
  await expect(codeflow).toHaveAttribute('data-verdict', 'degraded', { timeout: 30_000 });
  await expect(codeflow).toContainText(/p95 \d+ ms > 500 ms/);
  await expect(codeflow.getByTestId('alarms-cell')).toHaveAttribute('data-state', 'ALARM', { timeout: 30_000 });

  // The service page: verdict and reasons, the alarm, and the latency and 5xx charts over their triggers.
  await page.goto('/services/codeflow-cluster/codeflow-service');
  await expect(page.getByTestId('service-detail')).toHaveAttribute('data-verdict', 'degraded');
  await expect(page.getByTestId('service-reasons')).toContainText(/p95 \d+ ms > 500 ms/);
  await expect(page.getByTestId('service-reasons')).toContainText(/5xx [\d.]+ % > 5 %/);
  await expect(page.getByTestId('service-reasons')).toContainText('alarm Codeflow-5xxRate in ALARM');
  await expect(page.locator('[data-testid="service-alarms"] [data-testid="alarm-row"][data-alarm="Codeflow-5xxRate"]')).toHaveAttribute('data-state', 'ALARM');
  await expect(page.locator('[data-testid="metrics-chart"][data-metric="latency"]')).toHaveAttribute('data-over-trigger', 'true');
  // The 5xx chart's newest point is the minute in progress (0 % until it has requests): its series holds the bad minute.
  const metrics = await (await page.request.get('/api/metrics/services/codeflow-cluster/codeflow-service?range=1h')).json();
  const errors = metrics.charts.find((c: any) => c.id === 'errors').lines[0].values as number[];
  expect(Math.max(...errors)).toBeGreaterThan(5);

  // The logs: failing requests (and, once a task has died in the minute, the crash) in /ecs/codeflow.
  await page.goto('/logs?group=/ecs/codeflow');
  await expect(page.getByTestId('log-line').filter({ hasText: /Unhandled exception|exited with code 1|"status":50[023]/ }).first()).toBeVisible();
});

test('the overview shows alarm state, open HIGH/CRITICAL findings and target health per service', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('service-row')).toHaveCount(9);
  // Every service behind a load balancer has its target counts; workers have none to show.
  await expect(row(page, 'codeflow-cluster', 'payments-api').getByTestId('targets-cell')).toBeVisible();
  await expect(row(page, 'codeflow-cluster', 'codeflow-worker').getByTestId('targets-cell')).toHaveCount(0);
  await expect(row(page, 'codeflow-cluster', 'codeflow-service').getByTestId('alarms-cell')).toBeVisible();
  // Findings come from GuardDuty: the API carries each service's open HIGH/CRITICAL summary.
  const api = await (await page.request.get('/api/fleet')).json();
  const withFindings = api.services.filter((s: any) => s.telemetry?.findings?.count > 0);
  for (const s of withFindings) await expect(row(page, s.cluster, s.name).getByTestId('findings-cell')).toContainText(String(s.telemetry.findings.count));
  expect(api.services.every((s: any) => s.telemetry && s.telemetry.findings !== null)).toBe(true);
});
