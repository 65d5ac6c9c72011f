import { expect, test } from '@playwright/test';
import { e2eEnv } from './env';
import { advanceClock, resetSandbox } from './sandbox';
import { pageAs } from './operations-helpers';

/*
 * The seams between operations and incidents, in the browser: a deploy that went wrong becomes an
 * incident (prefilled from the operation), the incident's timeline shows the operations on its
 * service with links, and a playbook step's action link opens the guarded-action dialog.
 */

const STAGING = { cluster: 'codeflow-staging', service: 'codeflow-service' };
const servicePath = `/services/${STAGING.cluster}/${STAGING.service}`;
const sameOrigin = { origin: e2eEnv.baseUrl };

test.beforeEach(async () => {
  await resetSandbox();
});

test.setTimeout(240_000);

test('a rolled-back deploy opens a prefilled incident whose timeline links the operations; its playbook action opens the deploy dialog', async ({ browser }) => {
  const page = await pageAs(browser, 'operator');
  await page.goto(servicePath);
  await page.getByTestId('action-deploy').click();
  const dialog = page.getByTestId('op-dialog');
  await dialog.getByTestId('op-image-input').fill('v1.6.0-bad');
  await dialog.getByTestId('op-plan-button').click();
  await expect(dialog.getByTestId('plan-image')).toContainText('v1.6.0-bad');
  await dialog.getByTestId('op-confirm-name').fill(STAGING.service);
  await dialog.getByTestId('op-reason').fill('e2e: ship v1.6.0');
  await dialog.getByTestId('op-submit').click();
  await expect(page).toHaveURL(/\/operations\/[^/]+$/);
  const operationId = new URL(page.url()).pathname.split('/').pop()!;
  const operation = page.getByTestId('operation');

  // Nothing to open an incident about while it goes well.
  await expect(page.getByTestId('op-open-incident')).toHaveCount(0);
  await expect
    .poll(
      async () => {
        const status = await operation.getAttribute('data-status');
        if (status !== 'rolled_back') await advanceClock(10);
        return status;
      },
      { timeout: 150_000, intervals: [1_000] },
    )
    .toBe('rolled_back');

  // A viewer sees the operation but no way to open an incident.
  const viewer = await pageAs(browser, 'viewer');
  await viewer.goto(`/operations/${operationId}`);
  await expect(viewer.getByTestId('operation')).toHaveAttribute('data-status', 'rolled_back');
  await expect(viewer.getByTestId('op-open-incident-button')).toHaveCount(0);
  await viewer.context().close();

  await page.getByTestId('op-open-incident-button').click();
  const open = page.getByTestId('open-incident-dialog');
  await expect(open).toBeVisible();
  await expect(open.getByTestId('incident-title-input')).toHaveValue(/^Deploy of codeflow-staging\/codeflow-service rolled back: Rollback trigger tripped/);
  // Staging: P2 (production would be P1).
  await expect(open.getByTestId('severity-option-P2').locator('input')).toBeChecked();
  await expect(open.getByTestId('incident-source')).toContainText('Deploy codeflow-staging/codeflow-service (rolled back)');
  await open.getByTestId('open-incident-submit').click();

  await expect(page).toHaveURL(/\/incidents\/[^/]+$/);
  const incident = page.getByTestId('incident');
  await expect(incident).toHaveAttribute('data-severity', 'P2');
  const incidentId = (await incident.getAttribute('data-incident-id'))!;
  const detail = (await (await page.request.get(`/api/incidents/${incidentId}`)).json()) as {
    incident: { source: { kind: string; ref: string }; services: { cluster: string; service: string }[] };
    timeline: { kind: string; ref: string | null; text: string }[];
    sources: { name: string; ok: boolean }[];
  };
  expect(detail.incident.source).toMatchObject({ kind: 'operation', ref: operationId });
  // The affected service names the account and Region the operation ran in (the sandbox's one account here).
  expect(detail.incident.services).toEqual([{ account: '123456789012', region: 'us-east-1', ...STAGING }]);
  expect(detail.sources.find((s) => s.name === 'operations')).toMatchObject({ ok: true });
  expect(detail.timeline.filter((e) => e.kind === 'operation' && e.ref === operationId).map((e) => e.text)).toEqual([
    expect.stringMatching(/^codeflow-staging\/codeflow-service: Deploy requested: .*reason: e2e: ship v1\.6\.0$/),
    expect.stringMatching(/^codeflow-staging\/codeflow-service: Deploy rolled back: Rollback trigger tripped/),
  ]);

  // On the page: the operation entries link to the operation.
  const entry = page.locator('[data-testid="timeline-entry"][data-kind="operation"]').filter({ hasText: 'Deploy rolled back' });
  await expect(entry).toBeVisible();
  await entry.getByTestId('timeline-operation-link').click();
  await expect(page).toHaveURL(new RegExp(`/operations/${operationId}$`));

  // The API alone: an operation id is enough, the title and service come from the operation.
  const viaApi = await page.request.post('/api/incidents', { headers: sameOrigin, data: { severity: 'P3', source: { kind: 'operation', ref: operationId } } });
  expect(viaApi.status()).toBe(201);
  const opened = ((await viaApi.json()) as { incident: { title: string; services: unknown[] } }).incident;
  expect(opened.title).toMatch(/^Deploy of codeflow-staging\/codeflow-service rolled back/);
  expect(opened.services).toEqual([{ account: '123456789012', region: 'us-east-1', ...STAGING }]);
  const unknown = await page.request.post('/api/incidents', { headers: sameOrigin, data: { severity: 'P3', source: { kind: 'operation', ref: '00000000-0000-4000-8000-000000000000' } } });
  expect(unknown.status()).toBe(400);
  expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/^source\.ref: /);

  // The P2 playbook's "Implement fix" step links to the deploy dialog of the affected service, in its account and Region.
  await page.goto(`/incidents/${incidentId}`);
  const action = page.getByTestId('playbook-action').first();
  await expect(action).toHaveAttribute('href', `${servicePath}?action=deploy`);
  await action.click();
  await expect(page.getByTestId('op-dialog')).toHaveAttribute('data-kind', 'deploy');
  // The parameter is dropped: closing and reloading does not reopen it.
  await expect(page).toHaveURL(new RegExp(`${servicePath}$`));
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('op-dialog')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('service-detail')).toBeVisible();
  await expect(page.getByTestId('op-dialog')).toHaveCount(0);
  await page.context().close();
});

test('?action= opens the matching guarded-action dialog only for those who may start it', async ({ browser }) => {
  const operator = await pageAs(browser, 'operator');
  await operator.goto(`${servicePath}?action=rollback`);
  await expect(operator.getByTestId('op-dialog')).toHaveAttribute('data-kind', 'rollback');
  await expect(operator.getByTestId('op-dialog').getByTestId('op-revision-select')).toBeVisible();
  await operator.goto(`${servicePath}?action=scale&range=6h`);
  await expect(operator.getByTestId('op-dialog')).toHaveAttribute('data-kind', 'scale');
  // Other parameters stay.
  await expect(operator).toHaveURL(new RegExp(`${servicePath}\\?range=6h$`));
  await operator.goto(`${servicePath}?action=explode`);
  await expect(operator.getByTestId('action-link-refused')).toContainText('not an action');
  await expect(operator.getByTestId('op-dialog')).toHaveCount(0);
  await operator.context().close();

  const responder = await pageAs(browser, 'responder');
  await responder.goto(`${servicePath}?action=rollback`);
  await expect(responder.getByTestId('action-link-refused')).toContainText('your role may not roll back');
  await expect(responder.getByTestId('op-dialog')).toHaveCount(0);
  await expect(responder.getByTestId('action-rollback')).toHaveCount(0);
  await responder.context().close();
});
