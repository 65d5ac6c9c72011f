import { defineConfig, devices } from '@playwright/test';
import { e2eEnv } from './e2e/env';

// scripts/test.mjs resolves the browser: '' means Playwright's own, a path means Debian's chromium.
const executablePath = process.env.CHROMIUM_PATH || undefined;

export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: e2eEnv.outputDir,
  use: {
    baseURL: e2eEnv.baseUrl,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  projects: [
    // Signs in once per role through the sandbox's OIDC issuer and keeps each session for the tests.
    { name: 'sign-in', testMatch: /auth\.setup\.ts/, use: { ...devices['Desktop Chrome'] } },
    {
      name: 'chromium',
      dependencies: ['sign-in'],
      use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, storageState: e2eEnv.storageState('viewer') },
    },
  ],
  webServer: {
    // The same command a user runs: builds when needed, starts the sandbox and `next start`.
    command: 'node cli/codeflow.mjs start',
    url: `http://127.0.0.1:${e2eEnv.port}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    env: e2eEnv.serverEnv,
  },
});
