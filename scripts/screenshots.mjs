// Regenerates the README's screenshots from a running console: `npm start`, then
// `node scripts/screenshots.mjs [http://localhost:3000]`. Uses the same Chromium as the tests.
import { chromium } from '@playwright/test';
import { resolveChromium } from './chromium.mjs';

const base = process.argv[2] ?? 'http://localhost:3000';
const executablePath = (await resolveChromium({ install: false })) || undefined;
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });

const shots = [
  { path: '/', file: 'docs/overview.png', colorScheme: 'light' },
  { path: '/', file: 'docs/overview-dark.png', colorScheme: 'dark' },
  { path: '/services/codeflow-cluster/codeflow-service', file: 'docs/service.png', colorScheme: 'light', fullPage: true },
];
for (const shot of shots) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: shot.colorScheme });
  await page.goto(base + shot.path, { waitUntil: 'networkidle' });
  await page.waitForTimeout(500);
  await page.screenshot({ path: shot.file, fullPage: shot.fullPage ?? false });
  await page.close();
  console.log(`wrote ${shot.file}`);
}
await browser.close();
