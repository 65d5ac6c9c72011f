import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, test, type Browser } from '@playwright/test';
import { cliConfigDir, codeflow } from './cli-helpers';
import { e2eEnv } from './env';
import { advanceClock, resetSandbox, sandboxUrl } from './sandbox';

// Guarded actions from the terminal: the real `codeflow` binary, through the server's API and its guards.
test.describe.configure({ mode: 'serial' });

const tokens: Record<'viewer' | 'operator', string> = { viewer: '', operator: '' };
const as = (role: keyof typeof tokens) => ({ configDir: cliConfigDir(), env: { CODEFLOW_URL: e2eEnv.baseUrl, CODEFLOW_TOKEN: tokens[role] } });

async function createToken(browser: Browser, role: keyof typeof tokens): Promise<string> {
  const context = await browser.newContext({ storageState: e2eEnv.storageState(role) });
  const created = await context.request.post('/api/tokens', { headers: { origin: e2eEnv.baseUrl }, data: { name: `e2e-cli-ops-${role}`, role, expiresInDays: 1 } });
  expect(created.status()).toBe(201);
  const { secret } = await created.json();
  await context.close();
  return secret;
}

const writes = async () => {
  const calls = (await (await fetch(`${sandboxUrl}/_sandbox/calls`)).json()) as Record<string, number>;
  return ['UpdateService', 'RegisterTaskDefinition', 'StopServiceDeployment', 'ModifyListener'].reduce((n, op) => n + Object.entries(calls).filter(([k]) => k.endsWith(op)).reduce((m, [, v]) => m + v, 0), 0);
};

test.beforeAll(async ({ browser }) => {
  await resetSandbox();
  tokens.viewer = await createToken(browser, 'viewer');
  tokens.operator = await createToken(browser, 'operator');
});

test('--dry-run prints the plan and changes nothing; bad input is a usage error before anything is sent', async () => {
  const before = await writes();
  const plan = await codeflow(['scale', 'codeflow-staging/codeflow-service', '--count', '4', '--dry-run'], as('operator'));
  expect(plan.stderr).toBe('');
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain('codeflow-service');
  expect(plan.stdout).toMatch(/→ 4/);
  expect(plan.stdout).toContain('[staging]');

  const json = await codeflow(['restart', 'codeflow-cluster/codeflow-service', '--dry-run', '--json'], as('operator'));
  expect(json.stderr).toBe('');
  expect(json.code).toBe(0);
  const restart = JSON.parse(json.stdout) as { kind: string; environment: string; fingerprint: string };
  expect(restart).toMatchObject({ kind: 'restart', environment: 'production' });
  expect(restart.fingerprint.length).toBeGreaterThan(10);

  expect((await codeflow(['scale', 'codeflow-staging/codeflow-service', '--count', '-1', '--dry-run'], as('operator'))).code).toBe(2);
  expect((await codeflow(['scale', 'codeflow-staging/codeflow-service', '--dry-run'], as('operator'))).code).toBe(2);
  const badImage = await codeflow(['deploy', 'codeflow-staging/codeflow-service', '--image', 'not a ref!', '--dry-run'], as('operator'));
  expect(badImage.code).toBe(2);
  expect(badImage.stderr).toContain('image');
  const noConfirm = await codeflow(['scale', 'codeflow-staging/codeflow-service', '--count', '3', '--reason', 'x', '--yes'], as('operator'));
  expect(noConfirm.code).toBe(2);
  expect(noConfirm.stderr).toContain('--confirm codeflow-service');
  expect(await writes()).toBe(before);
});

test('a viewer token is refused (exit 3) and nothing reaches AWS', async () => {
  const before = await writes();
  const refused = await codeflow(['scale', 'codeflow-staging/codeflow-service', '--count', '3', '--reason', 'cli', '--yes', '--confirm', 'codeflow-service'], as('viewer'));
  expect(refused.code).toBe(3);
  expect(refused.stderr).toContain('needs operator');
  expect(await writes()).toBe(before);
});

test('codeflow alarms: the plan lists each alarm with its aws cloudwatch command; an operator applies the recommended set, a viewer is refused (exit 3)', async () => {
  test.setTimeout(120_000);
  const dry = await codeflow(['alarms', 'codeflow-staging/codeflow-service', '--recommended', '--dry-run'], as('operator'));
  expect(dry.stderr).toBe('');
  expect(dry.code).toBe(0);
  expect(dry.stdout).toMatch(/create\s+codeflow-staging-codeflow-service-HighCPU: CPUUtilization Average > 70 for 1×300 s/);
  expect(dry.stdout).toContain('aws cloudwatch put-metric-alarm --alarm-name codeflow-staging-codeflow-service-HighCPU');
  expect((await codeflow(['alarms', 'codeflow-staging/codeflow-service', '--dry-run'], as('operator'))).code).toBe(2);

  const refused = await codeflow(['alarms', 'codeflow-staging/codeflow-service', '--recommended', '--reason', 'cli', '--yes', '--confirm', 'codeflow-service'], as('viewer'));
  expect(refused.code).toBe(3);
  expect(refused.stderr).toContain('needs operator');

  const applied = await codeflow(['alarms', 'codeflow-staging/codeflow-service', '--recommended', '--reason', 'guide §4.1 from the CLI', '--yes', '--confirm', 'codeflow-service'], as('operator'));
  expect(applied.stderr).toBe('');
  expect(applied.code, applied.stdout).toBe(0);
  expect(applied.stdout).toContain('alarms of codeflow-staging/codeflow-service succeeded');
  // Applied: the same request now has nothing to do, and says so (exit 3, blocked).
  const again = await codeflow(['alarms', 'codeflow-staging/codeflow-service', '--recommended', '--dry-run'], as('operator'));
  expect(again.code).toBe(3);
  expect(again.stdout).toContain('every alarm is already as asked');
});

test('an operator scales a staging service and the CLI follows it to success (clock advanced, no sleeping on AWS)', async () => {
  test.setTimeout(180_000);
  const { configDir, env } = as('operator');
  const child = spawn(
    process.execPath,
    [join(process.cwd(), 'cli', 'codeflow.mjs'), 'scale', 'codeflow-staging/codeflow-service', '--count', '3', '--reason', 'cli e2e', '--yes', '--confirm', 'codeflow-service'],
    { env: { PATH: process.env.PATH ?? '', HOME: configDir, XDG_CONFIG_HOME: configDir, ...env } as unknown as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let code: number | null | undefined;
  // The rollout and the bake run on the sandbox's clock: move it on until the CLI reports the end.
  for (let i = 0; i < 90 && code === undefined; i++) {
    await advanceClock(20);
    code = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 1500))]);
  }
  if (code === undefined) child.kill('SIGINT');
  expect(stderr).toBe('');
  expect(code, stdout).toBe(0);
  expect(stdout).toContain('Started:');
  expect(stdout).toMatch(/verify: (running|done)/);
  expect(stdout).toContain('scale of codeflow-staging/codeflow-service succeeded');
});

test('a production deploy waits for a second operator: exit 4, and the operation is pending in the API', async ({ browser }) => {
  const result = await codeflow(
    ['deploy', 'codeflow-cluster/codeflow-service', '--image', 'v9.9.9', '--reason', 'cli e2e', '--yes', '--confirm', 'codeflow-service', '--json'],
    as('operator'),
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(4);
  const operation = JSON.parse(result.stdout) as { id: string; status: string };
  expect(operation.status).toBe('awaiting_approval');

  // Leave the service free for later tests: the admin rejects it.
  const admin = await browser.newContext({ storageState: e2eEnv.storageState('admin') });
  const rejected = await admin.request.post(`/api/operations/${operation.id}/reject`, { headers: { origin: e2eEnv.baseUrl }, data: { reason: 'cli e2e cleanup' } });
  expect(rejected.status()).toBe(200);
  await admin.close();
});
