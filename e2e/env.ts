import { join } from 'node:path';

/**
 * Where the console under test runs and how it is configured. scripts/test.mjs picks free ports,
 * a fresh data directory and, for the PostgreSQL pass, DATABASE_URL; the defaults let
 * `npx playwright test` run on its own.
 */
const port = Number(process.env.E2E_PORT ?? 3210);
const sandboxPort = Number(process.env.E2E_SANDBOX_PORT ?? 4210);
const dataDir = process.env.E2E_DATA_DIR ?? join(process.cwd(), '.codeflow', 'e2e');
// Fixed for the run so tests can also forge (expired, tampered) session cookies with it.
const sessionSecret = process.env.E2E_SESSION_SECRET ?? 'e2e-session-secret-0123456789abcdefghijklmnopqrstuvwxyz';
// Turns /api/metrics on for the run; e2e/metrics.spec.ts scrapes with it.
const metricsToken = 'e2e-metrics-token-0123456789abcdef';
// Traces, screenshots and the signed-in sessions of this run: one directory per pass, since
// scripts/test.mjs runs its two passes side by side and Playwright empties its output directory at start.
const outputDir = process.env.E2E_OUTPUT_DIR ?? join(process.cwd(), 'test-results');

export const e2eEnv = {
  port,
  sandboxPort,
  baseUrl: `http://localhost:${port}`,
  sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
  sessionSecret,
  metricsToken,
  database: process.env.E2E_DATABASE_URL ? 'postgres' : 'pglite',
  outputDir,
  storageState: (role: string) => join(outputDir, '.auth', `${role}.json`),
  serverEnv: {
    PORT: String(port),
    SANDBOX_PORT: String(sandboxPort),
    CODEFLOW_MODE: 'sandbox',
    // One account in one Region, as the specs were written against; e2e/accounts.spec.ts runs the organisation.
    CODEFLOW_SANDBOX_ACCOUNTS: process.env.E2E_SANDBOX_ACCOUNTS ?? 'single',
    // Warnings and errors only: one access-log line per request would bury Playwright's own output.
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    CODEFLOW_FLEET_TTL_MS: '1000',
    // The sandbox shares its quota with nobody, and the 2,000-service spec should not leave a minute-long refresh queue behind it.
    CODEFLOW_AWS_BUDGET_PCT: '100',
    // Metrics are read once a minute in production; here the sandbox clock jumps, so read them as often as ECS.
    CODEFLOW_TELEMETRY_TTL_MS: '1000',
    // Confirm roles at the IdP before a write after 2 s instead of 5 min, so the test need not wait.
    CODEFLOW_ROLE_RECHECK_SECONDS: '2',
    CODEFLOW_DATA_DIR: dataDir,
    NEXTAUTH_SECRET: sessionSecret,
    CODEFLOW_METRICS_TOKEN: metricsToken,
    // The authorization suite must hold without proxy.ts; scripts/test.mjs runs one pass with it off.
    CODEFLOW_PROXY: process.env.E2E_PROXY ?? 'on',
    ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
  } as Record<string, string>,
};
