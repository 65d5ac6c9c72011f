import { expect, test } from '@playwright/test';
import { advanceClock, aws, hasAwsCli, resetSandbox } from './sandbox';

test.beforeEach(async () => {
  await resetSandbox();
});

const row = (page: import('@playwright/test').Page, cluster: string, service: string) =>
  page.locator(`[data-testid="service-row"][data-service="${service}"][data-cluster="${cluster}"]`);

test('the overview lists the sandbox fleet with verdicts, counts and versions', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('sandbox-banner')).toBeVisible();
  await expect(page.getByTestId('service-row')).toHaveCount(9);
  const codeflow = row(page, 'codeflow-cluster', 'codeflow-service');
  await expect(codeflow).toHaveAttribute('data-verdict', 'healthy');
  await expect(codeflow).toContainText('3 / 3');
  await expect(codeflow).toContainText('v1.4.2');
  await expect(codeflow).toContainText('codeflow:1');
  const broken = row(page, 'codeflow-staging', 'reports-worker');
  await expect(broken).toHaveAttribute('data-verdict', 'down');
  await expect(broken).toContainText(/crash loop, \d+ tasks failed in \d/);
  // Worst first: the down service leads the table.
  await expect(page.getByTestId('service-row').first()).toHaveAttribute('data-service', 'reports-worker');
  await expect(page.getByTestId('updated-ago')).toContainText(/updated \d+ ?s ago/);
});

test('filters live in the URL, so a link reproduces the view', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('filter-q').fill('payments');
  await expect(page).toHaveURL(/[?&]q=payments/);
  await expect(page.getByTestId('service-row')).toHaveCount(1);

  await page.goto('/?cluster=codeflow-staging&verdict=down');
  await expect(page.getByTestId('service-row')).toHaveCount(1);
  await expect(page.getByTestId('service-row')).toHaveAttribute('data-service', 'reports-worker');
  await expect(page.getByTestId('filter-cluster')).toHaveValue('codeflow-staging');

  await page.goto('/?cluster=codeflow-cluster');
  await expect(page.getByTestId('service-row')).toHaveCount(5);
});

test('a bad image rolled out with the AWS CLI shows as failing, then as rolled back', async ({ page }) => {
  test.skip(!(await hasAwsCli()), 'the AWS CLI (`aws`) is not on PATH');
  await page.goto('/');
  const codeflow = row(page, 'codeflow-cluster', 'codeflow-service');
  await expect(codeflow).toHaveAttribute('data-verdict', 'healthy');

  const registered = await aws('ecs', 'register-task-definition', '--family', 'codeflow', '--container-definitions',
    JSON.stringify([{ name: 'codeflow', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.5.0-bad', essential: true, portMappings: [{ containerPort: 3000 }] }]));
  await aws('ecs', 'update-service', '--cluster', 'codeflow-cluster', '--service', 'codeflow-service', '--task-definition', `codeflow:${registered.taskDefinition.revision}`);

  await advanceClock(20);
  // Deploying; degraded once a minute of the bad version's metrics is in (whether 20 s crossed a minute depends on the start).
  await expect(codeflow).toHaveAttribute('data-verdict', /^(deploying|degraded)$/);
  await expect(codeflow).toContainText('rolling out codeflow:2');

  // Tasks start at 30 s and exit at 40 s: three failures trip the circuit breaker.
  await advanceClock(25);
  await expect(codeflow).toHaveAttribute('data-verdict', /^(deploying|degraded)$/);
  await expect(codeflow).toContainText('rolling back to codeflow:1');
  await expect(codeflow).toContainText('circuit breaker');

  // Rolled back; the latency and 5xx alarms clear once their evaluation windows hold good minutes again.
  await advanceClock(300);
  await expect(codeflow).toHaveAttribute('data-verdict', 'healthy', { timeout: 30_000 });
  await expect(codeflow).toContainText('rolled back to codeflow:1 after a failed deployment');
  await expect(codeflow).toContainText('codeflow:1');
});
