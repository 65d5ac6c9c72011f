import { randomUUID } from 'node:crypto';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { e2eEnv } from './env';
import { advanceClock, aws, resetSandbox } from './sandbox';
import type { DemoRole } from './sign-in';

/*
 * The 3 a.m. page, in the browser at 1280 px: what an on-call engineer reads must be stable, named
 * as people name things, and say its units.
 */

const sameOrigin = { origin: e2eEnv.baseUrl };
const PROD = { cluster: 'codeflow-cluster', service: 'codeflow-service' };

async function as(browser: Browser, role: DemoRole): Promise<Page> {
  const context = await browser.newContext({ storageState: e2eEnv.storageState(role), viewport: { width: 1280, height: 800 } });
  return context.newPage();
}

test.beforeEach(async () => {
  await resetSandbox();
});

// Several page loads each, on AWS time the tests move on; a busy CI box needs the room.
test.setTimeout(120_000);

test('a crash-looping service stays down with how many tasks failed, and its crashed tasks come first with exit codes', async ({ page }) => {
  const row = page.locator('[data-testid="service-row"][data-cluster="codeflow-staging"][data-service="reports-worker"]');
  await page.goto('/');
  await expect(row).toHaveAttribute('data-verdict', 'down');
  // A task starts every ~30 s and dies 10 s later: the verdict used to flip Down ↔ Deploying with it.
  for (let i = 0; i < 6; i++) {
    await advanceClock(7);
    await page.reload();
    await expect(row).toHaveAttribute('data-verdict', 'down');
    await expect(row).toContainText(/crash loop, \d+ tasks failed in \d+ (d|h|min)/);
  }

  await page.goto('/services/codeflow-staging/reports-worker');
  await expect(page.getByTestId('service-detail')).toHaveAttribute('data-verdict', 'down');
  await expect(page.getByTestId('service-reasons')).toContainText(/crash loop, \d+ tasks failed in/);
  await advanceClock(120);
  const stopped = page.getByTestId('stopped-task');
  await expect(stopped.first()).toHaveAttribute('data-crashed', 'true', { timeout: 20_000 });
  await expect(stopped.first().getByTestId('stopped-exit-code')).toHaveText('exit 1');
  // Bounded, crashed ones before any the scheduler stopped (exit 0).
  const flags = await stopped.evaluateAll((els) => els.map((e) => e.getAttribute('data-crashed')));
  expect(flags.length).toBeLessThanOrEqual(10);
  expect(flags.indexOf('false') === -1 || flags.lastIndexOf('true') < flags.indexOf('false')).toBe(true);
  await expect(page.getByTestId('stopped-summary')).toContainText(/crashed first/);
});

test('after a deploy the breaker rolled back: history, chart markers and the incident timeline name the bad revision; incidents open from the service page and live at their number', async ({ browser }) => {
  test.setTimeout(300_000);
  const registered = await aws('ecs', 'register-task-definition', '--family', 'codeflow', '--container-definitions',
    JSON.stringify([{ name: 'codeflow', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.5.0-bad', essential: true, portMappings: [{ containerPort: 3000 }] }]));
  const bad = `codeflow:${registered.taskDefinition.revision} (v1.5.0-bad)`;
  await aws('ecs', 'update-service', '--cluster', PROD.cluster, '--service', PROD.service, '--task-definition', `codeflow:${registered.taskDefinition.revision}`);
  // Tasks start at 30 s and exit at 40 s: three failures trip the breaker, which rolls back.
  await advanceClock(20);
  await advanceClock(25);
  await advanceClock(300);

  const responder = await as(browser, 'responder');
  await responder.goto(`/services/${PROD.cluster}/${PROD.service}`);
  // The failed revision stays in the service's history after the rollback replaced it.
  const history = responder.getByTestId('history-row');
  await expect(async () => {
    await responder.reload();
    await expect(responder.locator('[data-testid="history-row"][data-outcome="rolled-back"]')).toHaveCount(1, { timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  const rolledBack = responder.locator('[data-testid="history-row"][data-outcome="rolled-back"]');
  await expect(rolledBack.getByTestId('history-revision')).toHaveText(bad);
  await expect(rolledBack).toContainText('failed, rolled back');
  await expect.poll(() => history.count()).toBeGreaterThanOrEqual(2);
  await expect(responder.getByTestId('deployment-history')).toContainText('1 failed or rolled back');

  // Every deployment in the chart's range is marked; the rolled-back one flagged.
  const markers = responder.getByTestId('deployment-marker');
  // The server may answer the first read from its cache (refreshing behind it): the next one has both.
  await expect(async () => {
    await responder.reload();
    await expect.poll(() => markers.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  }).toPass({ timeout: 90_000 });
  const badMarker = responder.locator('[data-testid="deployment-marker"][data-outcome="rolled-back"]');
  await expect(badMarker).toContainText(bad);
  await expect(badMarker).toContainText('failed, rolled back');
  await expect(responder.getByTestId('metrics-deployments-note')).toContainText(/\d+ deployments in range, 1 failed/);
  // Deployment numbers sit above the plot; no threshold label shares their space.
  const cpu = responder.locator('[data-testid="metrics-chart"][data-metric="cpu"]');
  const texts = await cpu.locator('svg text:not(.recharts-cartesian-axis-tick-value)').evaluateAll((els) =>
    els.map((e) => ({ text: e.textContent ?? '', ...JSON.parse(JSON.stringify(e.getBoundingClientRect())) as DOMRect })),
  );
  // The rollback followed its failed deploy within a minute: one label for both, "1✕,2", not two on top of each other.
  const deploymentLabels = texts.filter((n) => /^\d+✕?(,\d+✕?)*$/.test(n.text));
  const thresholdLabels = texts.filter((n) => /target|trigger/.test(n.text));
  expect(deploymentLabels.map((d) => d.text)).toContain('1✕,2');
  expect(thresholdLabels.length).toBeGreaterThanOrEqual(1);
  for (const d of deploymentLabels) {
    for (const t of thresholdLabels) {
      const apart = d.right <= t.left || t.right <= d.left || d.bottom <= t.top || t.bottom <= d.top;
      expect(apart, `deployment label ${d.text} overlaps "${t.text}"`).toBe(true);
    }
  }

  // "Open incident" on the service page, the service already picked; the title's limit is shown, not cut silently.
  await responder.getByTestId('service-open-incident').click();
  const dialog = responder.getByTestId('open-incident-dialog');
  await expect(dialog.locator(`[data-testid="picked-service"][data-service="${PROD.cluster}/${PROD.service}"]`)).toBeVisible();
  const title = dialog.getByTestId('incident-title-input');
  await title.fill('x'.repeat(250));
  await expect(title).toHaveValue('x'.repeat(200));
  await expect(dialog.getByTestId('incident-title-count')).toHaveText('200 / 200 — at the limit');
  await title.fill(`e2e: 5xx after ${bad}`);
  await expect(dialog.getByTestId('incident-title-count')).toHaveText(`${`e2e: 5xx after ${bad}`.length} / 200`);
  // 24-hour UTC, typed; not the browser's AM/PM picker.
  const startedAt = dialog.getByTestId('incident-opened-at');
  await expect(startedAt).toHaveAttribute('type', 'text');
  await startedAt.fill(new Date(Date.now() - 10 * 60_000).toISOString().slice(0, 19).replace('T', ' '));
  await dialog.getByTestId('open-incident-submit').click();

  // The incident lives at its number, as the UI and the CLI call it.
  // A new page on a busy machine can take a while to render after its data has arrived.
  await expect(responder).toHaveURL(/\/incidents\/\d+$/, { timeout: 45_000 });
  const number = new URL(responder.url()).pathname.split('/').pop()!;
  const incident = responder.getByTestId('incident');
  await expect(incident).toBeVisible({ timeout: 30_000 });
  const id = (await incident.getAttribute('data-incident-id'))!;
  const byNumber = await responder.request.get(`/api/incidents/${number}`);
  expect(byNumber.status()).toBe(200);
  expect(((await byNumber.json()) as { incident: { id: string; number: number } }).incident).toMatchObject({ id, number: Number(number) });
  // Deployments on its timeline are named family:rev (image tag), not by a service revision's number.
  await expect(responder.locator('[data-testid="timeline-entry"][data-kind="deployment"]').filter({ hasText: `deployment of ${bad} started` })).toHaveCount(1, { timeout: 20_000 });
  await expect(responder.getByTestId('timeline')).not.toContainText(/revision \d{10,}/);

  // A viewer has no "Open incident" on the service page.
  const viewer = await as(browser, 'viewer');
  await viewer.goto(`/services/${PROD.cluster}/${PROD.service}`);
  await expect(viewer.getByTestId('service-detail')).toBeVisible();
  await expect(viewer.getByTestId('service-open-incident')).toHaveCount(0);
  await viewer.context().close();
  await responder.context().close();
});

test('unknown incidents and operations answer 404, in the page and the API', async ({ page }) => {
  for (const path of ['/incidents/999999', '/incidents/zzz', `/incidents/${randomUUID()}`, '/operations/zzz', `/operations/${randomUUID()}`]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByTestId('not-found')).toBeVisible();
  }
  await expect(page.getByTestId('not-found')).toContainText('No such operation');
  const missing = await page.request.get('/api/incidents/999999');
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error.message).toBe('No incident #999999');
  const invalid = await page.request.get('/api/incidents/zzz');
  expect(invalid.status()).toBe(400);
});

test('the board counts down with units and the simulator takes 24-hour UTC', async ({ browser, page }) => {
  const responder = await as(browser, 'responder');
  const opened = await responder.request.post('/api/incidents', {
    headers: sameOrigin,
    data: { title: 'e2e on-call: countdown units', severity: 'P1', services: [PROD], openedAt: new Date(Date.now() - 90 * 60_000).toISOString() },
  });
  expect(opened.status()).toBe(201);
  const { incident } = (await opened.json()) as { incident: { id: string; number: number } };
  await responder.context().close();

  await page.goto('/board');
  const card = page.locator(`[data-testid="board-incident"][data-incident-id="${incident.id}"]`);
  // 90 min into a P1: the director is next at 4 h, about 2 h 30 min away.
  await expect(card).toHaveAttribute('data-next', 'director', { timeout: 45_000 });
  await expect(card.getByTestId('board-countdown')).toHaveText(/^in 2 h (29|30) min$/);
  await expect(card.getByRole('link', { name: /e2e on-call: countdown units/ })).toHaveAttribute('href', `/incidents/${incident.number}`);

  const sim = page.getByTestId('simulator');
  const start = sim.getByTestId('simulate-start');
  await expect(start).toHaveAttribute('type', 'text');
  await expect(start).toHaveValue(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
  await sim.getByTestId('simulate-severity').selectOption('P1');
  await start.fill('2026-12-07 14:30');
  await expect(sim.getByTestId('simulate-step').nth(0)).toContainText('12-07 14:45');
  await expect(sim.getByTestId('simulate-step').nth(2)).toContainText('12-07 18:30');
  await expect(sim).not.toContainText(/\b(AM|PM)\b/);
  // An impossible time is refused, not guessed.
  await start.fill('2026-12-07 25:00');
  await expect(start).toHaveAttribute('aria-invalid', 'true');
  await expect(sim).toContainText('Pick a start time.');
});

test('the audit log shows each action whole', async ({ browser }) => {
  test.setTimeout(240_000);
  const operator = await as(browser, 'operator');
  // A deploy records ops.deploy.register-task-definition before anything else: the longest action there is.
  await operator.goto('/services/codeflow-staging/codeflow-service');
  await operator.getByTestId('action-deploy').click();
  const dialog = operator.getByTestId('op-dialog');
  await dialog.getByTestId('op-image-input').fill('v1.5.1');
  await dialog.getByTestId('op-plan-button').click();
  await dialog.getByTestId('op-confirm-name').fill('codeflow-service');
  await dialog.getByTestId('op-reason').fill('e2e: audit actions whole');
  await dialog.getByTestId('op-submit').click();
  // The audit entry is written before the AWS call, so the action is there as soon as the deploy is accepted.
  await expect(operator).toHaveURL(/\/operations\/[^/]+$/, { timeout: 150_000 });

  await operator.goto('/audit?action=ops.deploy.*');
  const row = operator.locator('[data-testid="audit-row"][data-action="ops.deploy.register-task-definition"]').first();
  await expect(row).toBeVisible({ timeout: 20_000 });
  const action = row.getByTestId('audit-action');
  await expect(action).toHaveText('ops.deploy.register-task-definition');
  // Nothing clipped: the text's own box fits inside its cell.
  const fits = await action.evaluate((el) => {
    const cell = el.closest('td')!.getBoundingClientRect();
    const text = el.getBoundingClientRect();
    return text.right <= cell.right + 0.5 && el.scrollWidth <= el.clientWidth + 1;
  });
  expect(fits).toBe(true);
  await operator.context().close();
});
