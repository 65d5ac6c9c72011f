// Regenerates the README's screenshots from a running console: `npm start`, then
// `node scripts/screenshots.mjs [http://localhost:3000]`. Signs in through the sandbox's issuer as
// the admin, so every page is reachable. Uses the same Chromium as the tests.
import { chromium } from '@playwright/test';
import { resolveChromium } from './chromium.mjs';

const base = process.argv[2] ?? 'http://localhost:3000';
const executablePath = (await resolveChromium({ install: false })) || undefined;
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });

const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const signIn = await context.newPage();
await signIn.goto(`${base}/signin`);
await signIn.getByTestId('signin-button').click();
await signIn.getByTestId('sandbox-user-admin').waitFor();
await signIn.screenshot({ path: 'docs/sign-in.png' });
console.log('wrote docs/sign-in.png');
await signIn.getByTestId('sandbox-user-admin').click();
await signIn.getByTestId('current-user').waitFor();
const state = await context.storageState();
await context.close();

const shots = [
  { path: '/', file: 'docs/overview.png', colorScheme: 'light' },
  { path: '/', file: 'docs/overview-dark.png', colorScheme: 'dark' },
  { path: '/services/codeflow-cluster/codeflow-service', file: 'docs/service.png', colorScheme: 'light', fullPage: true },
  { path: '/audit', file: 'docs/audit.png', colorScheme: 'light' },
];
for (const shot of shots) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: shot.colorScheme, storageState: state });
  const page = await ctx.newPage();
  await page.goto(base + shot.path, { waitUntil: 'networkidle' });
  await page.waitForTimeout(500);
  await page.screenshot({ path: shot.file, fullPage: shot.fullPage ?? false });
  await ctx.close();
  console.log(`wrote ${shot.file}`);
}
await browser.close();
