// Regenerates the guarded-action screenshots (docs/deploy-dialog.png, docs/operation-progress.png)
// from a running console in sandbox mode: `npm start`, then
// `node scripts/screenshots-ops.mjs [http://localhost:3000] [http://127.0.0.1:<sandbox port>]`.
// Resets the sandbox, deploys a bad image to production as the operator, approves it as the admin
// and follows it on AWS time until its triggers trip.
import { chromium } from '@playwright/test';
import { resolveChromium } from './chromium.mjs';

const base = process.argv[2] ?? 'http://localhost:3000';
const sandbox = process.argv[3] ?? process.env.SANDBOX_URL;
if (!sandbox) throw new Error('usage: node scripts/screenshots-ops.mjs <console url> <sandbox url>');
const admin = async (path, body) => {
  const r = await fetch(`${sandbox}/_sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  if (!r.ok) throw new Error(`sandbox ${path}: ${r.status}`);
};

const executablePath = (await resolveChromium({ install: false })) || undefined;
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });

async function signIn(role, colorScheme, height = 860) {
  const context = await browser.newContext({ viewport: { width: 1280, height }, colorScheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${base}/signin`);
  await page.getByTestId('signin-button').click();
  await page.getByTestId(`sandbox-user-${role}`).click();
  await page.getByTestId('current-user').waitFor();
  return page;
}

await admin('reset', { seed: 42, speed: 0 });
const operator = await signIn('operator', 'light', 1100);
await operator.goto(`${base}/services/codeflow-cluster/codeflow-service`);
await operator.getByTestId('action-deploy').click();
const dialog = operator.getByTestId('op-dialog');
await dialog.getByTestId('op-image-input').fill('v1.5.0-bad');
await dialog.getByTestId('op-plan-button').click();
await dialog.getByTestId('plan').waitFor();
await dialog.getByTestId('op-confirm-name').fill('codeflow-service');
await dialog.getByTestId('op-reason').fill('Release v1.5.0: faster checkout (CHG-2291)');
await dialog.getByTestId('op-incident').fill('CHG-2291');
await operator.waitForTimeout(300);
await operator.screenshot({ path: 'docs/deploy-dialog.png' });
console.log('wrote docs/deploy-dialog.png');
await dialog.getByTestId('op-submit').click();
await operator.waitForURL(/\/operations\/[^/]+$/);
const url = operator.url();
const id = url.split('/').pop();

const approver = await signIn('admin', 'dark');
const approved = await approver.request.post(`${base}/api/operations/${id}/approve`, { headers: { origin: new URL(base).origin }, data: {} });
if (!approved.ok()) throw new Error(`approve: ${approved.status()} ${await approved.text()}`);

// On AWS time: the rollout starts, the new tasks crash, 5xx and latency trip the triggers.
const night = await signIn('operator', 'dark');
await night.goto(url);
for (let i = 0; i < 60 && !(await night.getByTestId('op-rollback-proposed').isVisible()); i++) {
  await admin('clock/advance', { seconds: 10 });
  await night.waitForTimeout(1200);
}
await night.waitForTimeout(2500);
await night.screenshot({ path: 'docs/operation-progress.png' });
console.log('wrote docs/operation-progress.png');
await browser.close();
