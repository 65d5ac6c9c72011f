import { expect, test, type Browser, type Page } from '@playwright/test';
import { e2eEnv } from './env';
import { aws, resetSandbox } from './sandbox';
import type { DemoRole } from './sign-in';

const ALARM = 'Codeflow-HighCPU';
const SERVICE = 'codeflow-cluster/codeflow-service';
const sameOrigin = { origin: e2eEnv.baseUrl };

async function as(browser: Browser, role: DemoRole): Promise<Page> {
  const context = await browser.newContext({ storageState: e2eEnv.storageState(role), viewport: { width: 1400, height: 900 } });
  return context.newPage();
}

/** A UTC `datetime-local` value `secondsAgo` before now, as the dialog's "started at" takes it. */
function utcInputAgo(secondsAgo: number): string {
  return new Date(Date.now() - secondsAgo * 1000).toISOString().slice(0, 19);
}

async function alarmInAlarm() {
  await resetSandbox();
  // The guide's alarm, tripped the way an operator would test it; the frozen sandbox clock keeps it there.
  await aws('cloudwatch', 'set-alarm-state', '--alarm-name', ALARM, '--state-value', 'ALARM', '--state-reason', 'e2e: CPU 97% for 5 minutes');
}

test('a responder opens a P1 from an alarm, ticks the playbook; a manager watches the board advance a tier; the responder resolves it', async ({ browser }) => {
  test.setTimeout(150_000);
  await alarmInAlarm();
  const responder = await as(browser, 'responder');
  const manager = await as(browser, 'viewer');

  // From the alarm in ALARM: title, services and the alarm as the source come prefilled.
  await responder.goto('/alarms');
  const row = responder.locator(`[data-testid="alarm-row"][data-alarm="${ALARM}"]`);
  // An earlier test may have left the alarm list in the server's cache (10 s, served stale while it
  // refreshes): reload until the new state shows rather than waiting for the page's own poll.
  await expect(async () => {
    await responder.reload();
    await expect(row).toHaveAttribute('data-state', 'ALARM', { timeout: 3_000 });
  }).toPass({ timeout: 45_000 });
  await row.getByTestId('alarm-open-incident').click();
  const dialog = responder.getByTestId('open-incident-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('incident-title-input')).toHaveValue(new RegExp(ALARM));
  await expect(dialog.getByTestId('incident-source')).toContainText(ALARM);
  await expect(dialog.locator(`[data-testid="picked-service"][data-service="${SERVICE}"]`)).toBeVisible();
  // The guide's definitions sit beside each severity.
  await expect(dialog.getByTestId('severity-option-P1')).toContainText('Major functionality broken');
  await expect(dialog.getByTestId('severity-option-P0')).toContainText('Service down, data loss');
  await dialog.getByTestId('severity-option-P1').click();
  // It started 14 min 50 s ago: the P1 matrix pulls in the team lead at 15 min, seconds from now.
  await dialog.getByTestId('incident-opened-at').fill(utcInputAgo(14 * 60 + 50));
  await dialog.getByTestId('open-incident-submit').click();

  await expect(responder).toHaveURL(/\/incidents\/[\w-]+$/);
  const incident = responder.getByTestId('incident');
  await expect(incident).toHaveAttribute('data-severity', 'P1');
  await expect(incident).toHaveAttribute('data-status', 'open');
  const id = (await incident.getAttribute('data-incident-id'))!;
  await expect(responder.getByTestId('incident-details')).toContainText('codeflow-service');

  // The P1 playbook (guide §6.2 p1_response): ticks record who; the mitigation step links to the rollback dialog.
  const steps = responder.getByTestId('playbook-step');
  await expect(steps.first()).toContainText('Notify engineering team');
  await steps.nth(0).getByTestId('playbook-tick').click();
  await expect(steps.nth(0)).toHaveAttribute('data-done', 'true');
  await expect(steps.nth(0).getByTestId('playbook-done-by')).toBeVisible();
  await steps.nth(1).getByTestId('playbook-tick').click();
  await expect(steps.nth(1)).toHaveAttribute('data-done', 'true');
  await expect(steps.nth(1).getByTestId('playbook-action')).toHaveAttribute('href', '/services/codeflow-cluster/codeflow-service?action=rollback');
  await expect(responder.getByTestId('playbook')).toContainText('2 of 4 done');

  // The manager's board: unacknowledged, team lead next, then reached within seconds; manager next.
  await manager.goto('/board');
  const card = manager.locator(`[data-testid="board-incident"][data-incident-id="${id}"]`);
  await expect(card).toBeVisible();
  await expect(card).toHaveAttribute('data-unacknowledged', 'true');
  await expect(card.getByTestId('unacknowledged-flag')).toBeVisible();
  await expect(card).toHaveAttribute('data-tier', 'team-lead', { timeout: 45_000 });
  await expect(card).toHaveAttribute('data-next', 'manager');
  await expect(card.locator('[data-testid="engaged-tier"][data-role="team-lead"]')).toBeVisible();
  // About 45 minutes to the manager, counting down on the wall screen.
  await expect(card.getByTestId('board-countdown')).toHaveText(/^in 4[45] min$/);

  // The responder acknowledges (the flag goes), sees the tier on the timeline, then resolves.
  await responder.getByTestId('status-acknowledge').click();
  await expect(incident).toHaveAttribute('data-status', 'acknowledged');
  await expect(card).toHaveAttribute('data-unacknowledged', 'false', { timeout: 15_000 });
  await expect(responder.locator('[data-testid="ladder-tier"][data-role="team-lead"]')).toHaveAttribute('data-reached', 'true');
  await expect(responder.locator('[data-testid="timeline-entry"][data-kind="escalation"]').first()).toBeVisible({ timeout: 15_000 });
  await responder.getByTestId('status-resolve').click();
  await expect(incident).toHaveAttribute('data-status', 'resolved');
  await expect(responder.getByTestId('status-reopen')).toBeVisible();
  await expect(card).toHaveCount(0, { timeout: 15_000 });

  await responder.context().close();
  await manager.context().close();
});

test('a viewer sees no write buttons anywhere incidents start, and the API answers 403', async ({ browser, page }) => {
  await alarmInAlarm();
  // An incident to look at, opened by a responder through the API.
  const responder = await as(browser, 'responder');
  const opened = await responder.request.post('/api/incidents', {
    headers: sameOrigin,
    data: { title: 'e2e: viewer cannot touch this', severity: 'P2', services: [{ cluster: 'codeflow-cluster', service: 'codeflow-service' }] },
  });
  expect(opened.status()).toBe(201);
  const { incident } = (await opened.json()) as { incident: { id: string; playbook: { id: string }[] } };
  await responder.context().close();

  // `page` is the viewer (the project's default session).
  await page.goto('/incidents');
  await expect(page.getByTestId('incident-row').first()).toBeVisible();
  await expect(page.getByTestId('open-incident')).toHaveCount(0);
  await page.goto('/alarms');
  await expect(async () => {
    await page.reload();
    await expect(page.locator(`[data-testid="alarm-row"][data-alarm="${ALARM}"]`)).toHaveAttribute('data-state', 'ALARM', { timeout: 3_000 });
  }).toPass({ timeout: 45_000 });
  await expect(page.getByTestId('alarm-open-incident')).toHaveCount(0);
  await page.goto(`/incidents/${incident.id}`);
  await expect(page.getByTestId('incident')).toBeVisible();
  await expect(page.getByTestId('status-actions')).toHaveCount(0);
  await expect(page.getByTestId('escalate-now')).toHaveCount(0);
  await expect(page.getByTestId('note-input')).toHaveCount(0);
  await expect(page.getByTestId('playbook-tick').first()).toBeDisabled();
  await page.goto('/admin/roster');
  await expect(page.getByTestId('roster-row').first()).toBeVisible();
  await expect(page.getByTestId('roster-edit')).toHaveCount(0);

  const base = `/api/incidents/${incident.id}`;
  const refused = [
    await page.request.post('/api/incidents', { headers: sameOrigin, data: { title: 'viewer', severity: 'P3' } }),
    await page.request.patch(base, { headers: sameOrigin, data: { status: 'acknowledged' } }),
    await page.request.post(`${base}/playbook/${incident.playbook[0]!.id}`, { headers: sameOrigin, data: { done: true } }),
    await page.request.post(`${base}/escalate`, { headers: sameOrigin, data: { reason: 'viewer tries' } }),
    await page.request.put('/api/roster', { headers: sameOrigin, data: { roster: [] } }),
  ];
  for (const r of refused) expect(r.status(), r.url()).toBe(403);
  // Reading is fine.
  expect((await page.request.get(base)).status()).toBe(200);
  expect((await page.request.get('/api/escalation/board')).status()).toBe(200);
});

test('a responder’s bad input is refused with the field named', async ({ browser }) => {
  const responder = await as(browser, 'responder');
  const post = (data: unknown) => responder.request.post('/api/incidents', { headers: sameOrigin, data });
  const cases: [unknown, RegExp][] = [
    [{ title: '', severity: 'P1' }, /title/i],
    [{ title: 'x', severity: 'P9' }, /severity/i],
    [{ title: 'x', severity: 'P1', openedAt: new Date(Date.now() + 3_600_000).toISOString() }, /openedAt/i],
  ];
  for (const [data, field] of cases) {
    const r = await post(data);
    expect(r.status(), JSON.stringify(data)).toBe(400);
    expect((await r.json()).error.message).toMatch(field);
  }
  // The dialog refuses a future start before asking the server.
  await responder.goto('/incidents');
  await responder.getByTestId('open-incident').click();
  const dialog = responder.getByTestId('open-incident-dialog');
  await dialog.getByTestId('incident-title-input').fill('e2e: future');
  await dialog.getByTestId('incident-opened-at').fill(new Date(Date.now() + 3_600_000).toISOString().slice(0, 19));
  await expect(dialog.getByTestId('open-incident-submit')).toBeDisabled();
  await responder.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await responder.context().close();
});
