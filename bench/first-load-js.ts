/**
 * The overview's first-load JavaScript, as a signed-in browser really downloads it: every script
 * the page loads, gzipped. Goal ≤ 150 KB with the charts not included (recharts loads lazily, on
 * the service page only). Prints the total, the largest chunks, and whether recharts leaked in.
 *
 *   npm run bench:js
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { freePort } from '../lib/aws/testing/moto';

async function main() {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const server = spawn(process.execPath, ['cli/codeflow.mjs', 'start'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORT: String(port), CODEFLOW_MODE: 'sandbox', CODEFLOW_DATA_DIR: mkdtempSync(join(tmpdir(), 'codeflow-bench-')) },
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    for (let i = 0; i < 600; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const context = await browser.newContext();
    const signIn = await context.newPage();
    await signIn.goto(`${base}/signin`);
    await signIn.getByTestId('signin-button').click();
    await signIn.getByTestId('sandbox-user-viewer').click();
    await signIn.getByTestId('current-user').waitFor();
    const state = await context.storageState();
    await context.close();

    for (const path of ['/', '/services/codeflow-cluster/codeflow-service']) {
      const fresh = await browser.newContext({ storageState: state });
      const page = await fresh.newPage();
      const scripts: { url: string; gzip: number; recharts: boolean }[] = [];
      page.on('response', async (response) => {
        if (response.request().resourceType() !== 'script') return;
        const body = await response.body().catch(() => null);
        if (body) scripts.push({ url: new URL(response.url()).pathname, gzip: gzipSync(body).length, recharts: body.includes('recharts') });
      });
      await page.goto(base + path, { waitUntil: 'networkidle' });
      await page.waitForTimeout(1000);
      const total = scripts.reduce((n, s) => n + s.gzip, 0);
      const charts = scripts.filter((s) => s.recharts).reduce((n, s) => n + s.gzip, 0);
      console.log(`${path}: ${(total / 1024).toFixed(1)} KB gzipped JS in ${scripts.length} scripts; recharts: ${charts ? `${(charts / 1024).toFixed(1)} KB` : 'not loaded'}`);
      for (const s of scripts.sort((a, b) => b.gzip - a.gzip).slice(0, 12)) console.log(`  ${(s.gzip / 1024).toFixed(1)} KB  ${s.url}`);
      if (path === '/') console.log(`  goal ≤ 150 KB without charts: ${total - charts <= 150 * 1024 ? 'met' : 'MISSED'}${charts ? ' (recharts leaked into the overview)' : ''}`);
      await fresh.close();
    }
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
