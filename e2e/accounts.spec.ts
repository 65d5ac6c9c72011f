import { expect, test, type Browser, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eEnv } from './env';
import { fillConfirmation, operationIdFromUrl } from './operations-helpers';
import { signInAs, type DemoRole } from './sign-in';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { freePort } from '../lib/aws/testing/moto';
import { SANDBOX_EXTERNAL_ID } from '../lib/sandbox/organization';

/*
 * `codeflow start` as a user runs it, with the sandbox playing the organisation: production
 * (us-east-1 and the DR Region us-west-2), staging reached through its roles, and a security
 * account. Its own console on its own ports and data directory (the suite's console plays one
 * account); the build the suite made is reused, so this costs one start.
 */
const PRODUCTION = '123456789012';
const STAGING = '210987654321';
const SECURITY = '555555555555';

test.describe.configure({ mode: 'serial' });

test.describe('every account and Region in one console', () => {
  let server: ChildProcess;
  let base: string;
  let sandbox: string;
  let output = '';

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    const [port, sandboxPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${port}`;
    sandbox = `http://127.0.0.1:${sandboxPort}`;
    const { DATABASE_URL: _shared, ...env } = e2eEnv.serverEnv;
    server = spawn(process.execPath, ['cli/codeflow.mjs', 'start'], {
      env: {
        ...process.env,
        ...env,
        PORT: String(port),
        SANDBOX_PORT: String(sandboxPort),
        CODEFLOW_DATA_DIR: mkdtempSync(join(tmpdir(), 'codeflow-e2e-accounts-')),
        CODEFLOW_SANDBOX_ACCOUNTS: 'organization',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await expect.poll(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status ?? 0, { timeout: 150_000, message: 'the organisation console did not start' }).toBe(200);
    // Every world frozen at the same moment: the rollouts below move only when the clock is advanced.
    await admin('POST', '/_sandbox/reset', { seed: 42, speed: 0 });
  });

  test.afterAll(async () => {
    server?.kill('SIGTERM');
  });

  async function admin(method: string, path: string, body?: unknown) {
    const res = await fetch(`${sandbox}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  }

  async function pageAs(browser: Browser, role: DemoRole, path = '/'): Promise<Page> {
    const page = await (await browser.newContext({ baseURL: base })).newPage();
    await signInAs(page, role, path);
    return page;
  }

  /** An operation as the API gives it, read in the page (its session, its origin). */
  async function operationOf(page: Page, id: string): Promise<{ account: string; region: string; status: string }> {
    const body = await page.evaluate(async (path) => (await fetch(path)).json(), `/api/operations/${id}`);
    if (!body.operation) throw new Error(`GET /api/operations/${id}: ${JSON.stringify(body)}`);
    return body.operation;
  }

  /** The image a service in codeflow-cluster runs in one account and Region, asked of AWS as a client would: staging through its role. */
  async function imageOf(account: string, region: string, service: string): Promise<string> {
    const base = { accessKeyId: 'e2e', secretAccessKey: 'e2e' };
    let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = base;
    if (account !== PRODUCTION) {
      const sts = new STSClient({ endpoint: sandbox, region, credentials: base });
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/CodeflowReadOnly`, RoleSessionName: 'e2e-check', ExternalId: SANDBOX_EXTERNAL_ID }));
      credentials = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    }
    const ecs = new ECSClient({ endpoint: sandbox, region, credentials });
    const { services } = await ecs.send(new DescribeServicesCommand({ cluster: 'codeflow-cluster', services: [service] }));
    const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: services![0]!.taskDefinition! }));
    return taskDefinition!.containerDefinitions![0]!.image!;
  }

  /** The sandbox's clock moves on until the operation on screen reaches `status` (rollouts and bake run on AWS time). */
  async function advanceUntil(page: Page, status: RegExp) {
    await expect
      .poll(
        async () => {
          const now = await page.getByTestId('operation').getAttribute('data-status');
          if (now && status.test(now)) return now;
          await admin('POST', '/_sandbox/clock/advance', { seconds: 30 });
          return now;
        },
        { timeout: 120_000, intervals: [1_000] },
      )
      .toMatch(status);
  }

  test('the overview shows every account and Region, with filters kept in the URL', async ({ browser }) => {
    const page = await pageAs(browser, 'viewer');
    const summary = page.getByTestId('place-summary');
    await expect(summary.getByTestId('account-summary')).toHaveCount(3);
    await expect(summary.locator(`[data-testid="place-status"][data-account="${PRODUCTION}"]`)).toHaveCount(2);
    // The same cluster and service in three places, each row saying where.
    const rows = page.locator('[data-testid="service-row"][data-service="codeflow-service"][data-cluster="codeflow-cluster"]');
    await expect(rows).toHaveCount(3);
    await expect(page.locator(`[data-testid="service-row"][data-account="${STAGING}"]`).first()).toContainText('staging · us-east-1');

    await page.getByTestId('filter-account').selectOption(STAGING);
    await expect(page).toHaveURL(new RegExp(`account=${STAGING}`));
    await expect(page.locator('[data-testid="service-row"]')).toHaveCount(3);
    await expect(page.locator(`[data-testid="service-row"]:not([data-account="${STAGING}"])`)).toHaveCount(0);
    // The URL reproduces the view.
    await page.goto(`/?account=${PRODUCTION}&region=us-west-2`);
    await expect(page.getByTestId('filter-region')).toHaveValue('us-west-2');
    await expect(page.locator('[data-testid="service-row"]')).toHaveCount(2);
    // A row opens its own account's service.
    await page.locator('[data-testid="service-row"][data-service="codeflow-service"]').getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`/services/codeflow-cluster/codeflow-service\\?account=${PRODUCTION}&region=us-west-2`));
    await expect(page.getByTestId('service-place')).toContainText(`production (${PRODUCTION}) us-west-2`);
    await page.context().close();
  });

  test('alarms, findings, logs and DR read every account and Region, and the switcher (A) filters them', async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await pageAs(browser, 'operator', '/alarms');
    // The guide's Codeflow-HighCPU exists in production and in staging: two rows, each saying where.
    const highCpu = page.locator('[data-testid="alarm-row"][data-alarm="Codeflow-HighCPU"]');
    await expect(highCpu).toHaveCount(2);
    await expect(highCpu.and(page.locator(`[data-account="${STAGING}"]`))).toContainText('staging · us-east-1');

    // The switcher: A, a few letters, Enter — the page's filters follow, in the URL.
    await page.locator('body').press('a');
    await page.getByTestId('place-switcher-input').fill('staging east');
    await expect(page.getByTestId('place-choice')).toHaveCount(1);
    await page.getByTestId('place-switcher-input').press('Enter');
    await expect(page).toHaveURL(new RegExp(`/alarms\\?account=${STAGING}&region=us-east-1`));
    await expect(page.getByTestId('place-switcher-current')).toHaveText('staging · us-east-1');
    await expect(highCpu).toHaveCount(1);
    await expect(page.locator(`[data-testid="alarm-row"]:not([data-account="${STAGING}"])`)).toHaveCount(0);
    // Its history is read in staging, through staging's role.
    await highCpu.getByRole('button', { name: /Show history of Codeflow-HighCPU/ }).click();
    await expect(page.getByTestId('alarm-history').locator('li').first()).toBeVisible();

    // Findings of one account, archived there with the operator's session and audited with the place.
    await page.goto(`/security?account=staging`);
    const rows = page.getByTestId('finding-row');
    await expect(rows.first()).toBeVisible();
    await expect(page.locator(`[data-testid="finding-row"]:not([data-account="${STAGING}"])`)).toHaveCount(0);
    const id = await rows.first().getAttribute('data-finding-id');
    await rows.first().getByTestId('finding-open').click();
    await page.getByTestId('archive-button').click();
    await page.getByTestId('reason-input').fill('e2e: staging scanner, ticket SEC-77');
    await page.getByTestId('reason-confirm').click();
    await expect(page.getByTestId('archive-result')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.locator(`[data-testid="finding-row"][data-finding-id="${id}"]`)).toHaveCount(0);
    const audit = await page.evaluate(async () => (await fetch('/api/audit?action=finding.archive')).json());
    const entry = (audit.entries as { reason: string | null; outcome: string; params: Record<string, unknown> }[]).find((e) => e.outcome === 'intent' && e.reason?.includes('SEC-77'));
    expect(entry?.params).toMatchObject({ account: STAGING, region: 'us-east-1' });

    // Logs: one account and Region at a time, chosen beside the group.
    await page.goto(`/logs?account=${STAGING}&region=us-east-1`);
    await expect(page.getByTestId('log-place')).toHaveValue(`${STAGING}/us-east-1`);
    await expect(page.getByTestId('log-line').first()).toBeVisible({ timeout: 20_000 });
    const unknown = await page.goto(`/logs?account=qa`);
    expect(unknown?.status()).toBe(404);

    // DR: each database read where its ARN says, labelled; a filter on staging leaves none.
    await page.goto('/maintenance');
    await expect(page.locator('[data-testid="dr-database"][data-database="codeflow-db"]')).toContainText('production · us-east-1');
    await page.goto(`/maintenance?account=${STAGING}`);
    await expect(page.getByTestId('dr-none-shown')).toBeVisible();
    await page.context().close();
  });

  test('an account whose role refuses is shown as such while the others stay live', async ({ browser }) => {
    // The console notices at its next listing of the account's clusters (every 12 s here), then asks STS again.
    test.setTimeout(150_000);
    await admin('PUT', `/_sandbox/accounts/${SECURITY}/trust`, { deny: true });
    // Credentials already issued serve until they expire (as in AWS); the refusal shows at the next
    // AssumeRole, which the sandbox forces by expiring what it issued.
    await admin('POST', '/_sandbox/sts/expire', {});
    try {
      const page = await pageAs(browser, 'viewer');
      const security = page.locator(`[data-testid="place-status"][data-account="${SECURITY}"]`);
      await expect(security).toHaveAttribute('data-error', 'true', { timeout: 90_000 });
      await expect(security.getByTestId('place-error')).toContainText(/AccessDenied on sts:AssumeRole .*CodeflowReadOnly/);
      // Production and staging still answer, and keep updating.
      await expect(page.locator(`[data-testid="service-row"][data-account="${STAGING}"]`)).toHaveCount(3);
      await expect(page.locator(`[data-testid="place-status"][data-account="${PRODUCTION}"][data-error]`)).toHaveCount(0);
      await page.context().close();
    } finally {
      await admin('PUT', `/_sandbox/accounts/${SECURITY}/trust`, { deny: false });
    }
  });

  test('an operator deploys and rolls back in the staging account without approval, and scales in the DR Region', async ({ browser }) => {
    // Three rollouts with their bake times, on AWS time.
    test.setTimeout(240_000);
    const page = await pageAs(browser, 'operator', `/services/codeflow-cluster/codeflow-service?account=${STAGING}&region=us-east-1`);
    await page.getByTestId('action-deploy').click();
    const dialog = page.getByTestId('op-dialog');
    await dialog.getByTestId('op-image-input').fill('v1.5.0-rc.3');
    await dialog.getByTestId('op-plan-button').click();
    await expect(dialog.getByTestId('plan-place')).toContainText(`${STAGING}, us-east-1`);
    await expect(dialog.getByTestId('plan')).toHaveAttribute('data-requires-approval', 'false');
    await fillConfirmation(page, 'codeflow-service', 'e2e: rc.3 to staging');
    await dialog.getByTestId('op-submit').click();
    const deployId = await operationIdFromUrl(page);
    // The operation says where it runs, and links back to staging's service, not production's.
    await expect(page.getByTestId('operation-place')).toHaveText('staging · us-east-1');
    await expect(page.getByTestId('operation').getByRole('link', { name: 'codeflow-service' }).first()).toHaveAttribute('href', `/services/codeflow-cluster/codeflow-service?account=${STAGING}&region=us-east-1`);
    await advanceUntil(page, /^succeeded$/);

    // It ran in the staging account, not in production's codeflow-service of the same name.
    const op = await operationOf(page, deployId);
    expect([op.account, op.region]).toEqual([STAGING, 'us-east-1']);
    // Staging's service runs the new image; production's codeflow-service of the same name does not.
    expect(await imageOf(STAGING, 'us-east-1', 'codeflow-service')).toContain(':v1.5.0-rc.3');
    expect(await imageOf(PRODUCTION, 'us-east-1', 'codeflow-service')).not.toContain('rc.3');

    // Roll it back, again in staging.
    await page.goto(`/services/codeflow-cluster/codeflow-service?account=${STAGING}&region=us-east-1`);
    await page.getByTestId('action-rollback').click();
    const rollback = page.getByTestId('op-dialog');
    await expect(rollback.getByTestId('plan')).toBeVisible();
    await expect(rollback.getByTestId('plan-place')).toContainText(STAGING);
    await fillConfirmation(page, 'codeflow-service', 'e2e: back to rc.2');
    await rollback.getByTestId('op-submit').click();
    await operationIdFromUrl(page);
    await advanceUntil(page, /^(succeeded|failed)$/);
    await expect(page.locator('[data-testid="op-step"][data-step="execute"]')).toHaveAttribute('data-status', 'done');

    // Scale the production DR Region's standby from 1 to 2.
    await page.goto(`/services/codeflow-cluster/codeflow-worker?account=${PRODUCTION}&region=us-west-2`);
    await page.getByTestId('action-scale').click();
    const scale = page.getByTestId('op-dialog');
    await scale.getByTestId('op-count-input').fill('2');
    await scale.getByTestId('op-plan-button').click();
    await expect(scale.getByTestId('plan-place')).toContainText(`${PRODUCTION}, us-west-2`);
    await fillConfirmation(page, 'codeflow-worker', 'e2e: warm the DR standby');
    await scale.getByTestId('op-submit').click();
    await operationIdFromUrl(page);
    await advanceUntil(page, /^succeeded$/);
    await page.context().close();
  });

  test('a production deploy in the DR Region waits for a second operator', async ({ browser }) => {
    // Production's rollout and 5-minute bake, on AWS time.
    test.setTimeout(180_000);
    const page = await pageAs(browser, 'operator', `/services/codeflow-cluster/codeflow-service?account=${PRODUCTION}&region=us-west-2`);
    await page.getByTestId('action-deploy').click();
    const dialog = page.getByTestId('op-dialog');
    await dialog.getByTestId('op-image-input').fill('v1.4.3');
    await dialog.getByTestId('op-plan-button').click();
    await expect(dialog.getByTestId('plan')).toHaveAttribute('data-requires-approval', 'true');
    await fillConfirmation(page, 'codeflow-service', 'e2e: DR to v1.4.3');
    await dialog.getByTestId('op-submit').click();
    const id = await operationIdFromUrl(page);
    await expect(page.getByTestId('operation')).toHaveAttribute('data-status', 'awaiting_approval');

    const approver = await pageAs(browser, 'admin', '/operations');
    const pending = approver.locator(`[data-testid="pending-row"][data-operation-id="${id}"]`);
    await pending.getByTestId('pending-approve').click();
    // Approved once the row leaves the pending list (navigating away sooner can cancel the request).
    await expect(pending).toHaveCount(0);
    await approver.goto(`/operations/${id}`);
    await expect(approver.getByTestId('operation')).not.toHaveAttribute('data-status', 'awaiting_approval');
    await advanceUntil(approver, /^succeeded$/);
    const op = await operationOf(approver, id);
    expect([op.account, op.region]).toEqual([PRODUCTION, 'us-west-2']);
    expect(await imageOf(PRODUCTION, 'us-west-2', 'codeflow-service')).toContain(':v1.4.3');
    // Its audit entries name the account and Region it ran in.
    const audit = await approver.evaluate(async (path) => (await fetch(path)).json(), '/api/audit?action=ops.*&limit=200');
    const own = (audit.entries as { params: { operationId?: string; account?: string; region?: string } | null }[]).filter((e) => e.params?.operationId === id);
    expect(own.length).toBeGreaterThan(2);
    expect(own.every((e) => e.params!.account === PRODUCTION && e.params!.region === 'us-west-2')).toBe(true);
    await approver.context().close();
    await page.context().close();
  });
});
