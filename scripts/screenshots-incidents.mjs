// Regenerates docs/board.png and docs/incident.png from a running console in sandbox mode:
// `npm start`, then `node scripts/screenshots-incidents.mjs [http://localhost:3000]`. Opens a few
// incidents through the API as the demo admin (started minutes or hours ago, so the board shows
// tiers reached and countdowns), then photographs the board as a wall screen (dark) and one incident.
import { chromium } from '@playwright/test';
import { resolveChromium } from './chromium.mjs';

const base = process.argv[2] ?? 'http://localhost:3000';
const executablePath = (await resolveChromium({ install: false })) || undefined;
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });

const signIn = await browser.newContext();
const page = await signIn.newPage();
await page.goto(`${base}/signin`);
await page.getByTestId('signin-button').click();
await page.getByTestId('sandbox-user-admin').click();
await page.getByTestId('current-user').waitFor();
const state = await signIn.storageState();
const api = page.request;
const headers = { origin: new URL(base).origin };
const ago = (minutes) => new Date(Date.now() - minutes * 60_000).toISOString();

async function call(method, path, data) {
  const response = await api.fetch(`${base}${path}`, { method, headers, data });
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.json();
}

const me = await call('GET', '/api/me');
const { users } = await call('GET', '/api/users/commanders');
const commander = users.find((u) => u.name === me.name) ?? users[0];
const svc = (service, cluster = 'codeflow-cluster') => ({ cluster, service });

const p0 = (
  await call('POST', '/api/incidents', {
    title: 'Checkout returns 503 for every request',
    severity: 'P0',
    services: [svc('codeflow-service')],
    source: { kind: 'alarm', ref: 'Codeflow-HighCPU' },
    openedAt: ago(52),
    note: 'ALB 5xx at 100% since 02:10; last deploy 02:04',
  })
).incident;
const p1 = (
  await call('POST', '/api/incidents', {
    title: 'Search latency p95 above 2 s',
    severity: 'P1',
    services: [svc('codeflow-service')],
    commanderUserId: commander?.id,
    openedAt: ago(13.6),
  })
).incident;
const p2 = (await call('POST', '/api/incidents', { title: 'Reports worker crash-looping on staging', severity: 'P2', services: [svc('reports-worker', 'codeflow-staging')], openedAt: ago(71) })).incident;
await call('PATCH', `/api/incidents/${p1.id}`, { status: 'acknowledged' });
await call('PATCH', `/api/incidents/${p2.id}`, { status: 'mitigated', note: 'Scaled to zero until the fix ships' });
await call('PATCH', `/api/incidents/${p0.id}`, { commanderUserId: commander?.id });
for (const step of p0.playbook.slice(0, 2)) await call('POST', `/api/incidents/${p0.id}/playbook/${encodeURIComponent(step.id)}`, { done: true });
await signIn.close();
// Let the escalation worker record the tiers already due.
await new Promise((r) => setTimeout(r, 7000));

const shots = [
  { path: '/board', file: 'docs/board.png', colorScheme: 'dark', viewport: { width: 1600, height: 900 } },
  { path: `/incidents/${p0.id}`, file: 'docs/incident.png', colorScheme: 'light', viewport: { width: 1400, height: 1000 } },
];
for (const shot of shots) {
  const ctx = await browser.newContext({ viewport: shot.viewport, colorScheme: shot.colorScheme, storageState: state });
  const p = await ctx.newPage();
  await p.goto(base + shot.path, { waitUntil: 'networkidle' });
  await p.waitForTimeout(1500);
  await p.screenshot({ path: shot.file });
  await ctx.close();
  console.log(`wrote ${shot.file}`);
}
await browser.close();
