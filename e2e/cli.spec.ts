import { statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { cliConfigDir, codeflow, codeflowUntil } from './cli-helpers';
import { e2eEnv } from './env';
import { resetSandbox } from './sandbox';

// The real `codeflow` binary against the real server: login stores a token, reads go through the API.
test.describe.configure({ mode: 'serial' });

let configDir: string;
let secret: string;
let responderSecret: string;

async function createToken(browser: import('@playwright/test').Browser, role: 'viewer' | 'responder' | 'operator'): Promise<string> {
  const context = await browser.newContext({ storageState: e2eEnv.storageState(role) });
  const created = await context.request.post('/api/tokens', { headers: { origin: e2eEnv.baseUrl }, data: { name: `e2e-cli-${role}`, role, expiresInDays: 1 } });
  expect(created.status()).toBe(201);
  const { secret } = await created.json();
  await context.close();
  return secret;
}

test.beforeAll(async ({ browser }) => {
  await resetSandbox();
  secret = await createToken(browser, 'viewer');
  responderSecret = await createToken(browser, 'responder');
  configDir = cliConfigDir();
});

test('without a login the CLI says how to sign in (exit 2)', async () => {
  const result = await codeflow(['status'], { configDir: cliConfigDir() });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('codeflow login');
});

test('login rejects what is not a token, and a token the server does not know', async () => {
  const malformed = await codeflow(['login', e2eEnv.baseUrl, '--token-stdin'], { configDir, input: 'hunter2' });
  expect(malformed.code).toBe(2);
  expect(malformed.stderr).toContain('start with cf_');
  const unknown = await codeflow(['login', e2eEnv.baseUrl, '--token-stdin'], { configDir, input: `cf_${'x'.repeat(40)}` });
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain(`codeflow login ${e2eEnv.baseUrl}`);
});

test('login stores the token readable by its owner only; whoami shows the role', async () => {
  const login = await codeflow(['login', e2eEnv.baseUrl, '--token-stdin'], { configDir, input: `${secret}\n` });
  expect(login.stderr).toBe('');
  expect(login.code).toBe(0);
  expect(login.stdout).toContain('(viewer)');
  expect(statSync(join(configDir, 'codeflow', 'credentials.json')).mode & 0o777).toBe(0o600);

  const whoami = await codeflow(['whoami', '--json'], { configDir });
  expect(whoami.code).toBe(0);
  expect(JSON.parse(whoami.stdout)).toMatchObject({ role: 'viewer', via: 'token', server: e2eEnv.baseUrl });
});

test('status lists the fleet as text (no colour on a pipe) and as JSON', async () => {
  const text = await codeflow(['status'], { configDir });
  expect(text.code).toBe(0);
  expect(text.stdout).toMatch(/^CLUSTER\s+SERVICE\s+VERDICT/);
  expect(text.stdout).toMatch(/codeflow-cluster\s+codeflow-service\s+\w+/);
  expect(text.stdout).not.toContain('\u001b[');

  const json = await codeflow(['status', '--json', '--cluster', 'codeflow-staging'], { configDir });
  expect(json.code).toBe(0);
  const fleet = JSON.parse(json.stdout) as { services: { cluster: string; name: string; verdict: string }[] };
  expect(fleet.services.length).toBeGreaterThan(0);
  expect(new Set(fleet.services.map((s) => s.cluster))).toEqual(new Set(['codeflow-staging']));
  // The staging fleet has a broken service: worst first.
  expect(fleet.services[0]!.verdict).not.toBe('healthy');

  const unknownCluster = await codeflow(['status', '--cluster', 'nope'], { configDir });
  expect(unknownCluster.code).toBe(2);
  expect(unknownCluster.stderr).toContain('codeflow-cluster');
});

test('service shows one service; a bad reference is a usage error, an unknown one a failure', async () => {
  const shown = await codeflow(['service', 'codeflow-cluster/codeflow-service'], { configDir });
  expect(shown.code).toBe(0);
  expect(shown.stdout).toContain('codeflow-cluster/codeflow-service');
  expect(shown.stdout).toMatch(/revision\s+codeflow:\d+/);
  expect(shown.stdout).toContain('TARGET GROUP');

  expect((await codeflow(['service', 'codeflow-service'], { configDir })).code).toBe(2);
  const missing = await codeflow(['service', 'codeflow-cluster/no-such-service'], { configDir });
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/not found|no service/i);
});

test('logs reads a service’s log group; an ambiguous name asks for the cluster', async () => {
  const ambiguous = await codeflow(['logs', 'codeflow-service'], { configDir });
  expect(ambiguous.code).toBe(2);
  expect(ambiguous.stderr).toContain('codeflow-staging/codeflow-service');

  const lines = await codeflow(['logs', 'codeflow-cluster/codeflow-service', '--since', '1h', '--limit', '20', '--json'], { configDir });
  expect(lines.code).toBe(0);
  const events = lines.stdout.trim().split('\n').map((l) => JSON.parse(l) as { group: string; message: string });
  expect(events.length).toBeGreaterThan(0);
  expect(events.length).toBeLessThanOrEqual(20);
  expect(events[0]!.group).toBe('/ecs/codeflow');

  expect((await codeflow(['logs', '/ecs/codeflow', '--since', 'yesterday'], { configDir })).code).toBe(2);
  const badPattern = await codeflow(['logs', '/ecs/codeflow', '--filter', '{ $.level = '], { configDir });
  expect(badPattern.code).toBe(2);
});

test('logs --follow streams lines until interrupted, then exits 0', async () => {
  const follow = codeflowUntil(['logs', '/ecs/codeflow', '--follow'], { configDir }, (out) => out.split('\n').length > 3);
  await follow.seen;
  follow.child.kill('SIGINT');
  expect(await follow.exited).toBe(0);
});

test('audit verify checks the chain on the server', async () => {
  const result = await codeflow(['audit', 'verify'], { configDir });
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('audit chain intact');
});

test('--help works for every command and unknown commands are usage errors', async () => {
  for (const command of ['status', 'service', 'logs', 'login', 'audit', 'start']) {
    const help = await codeflow([command, '--help'], { configDir });
    expect(help.code, command).toBe(0);
    expect(help.stdout, command).toContain(`codeflow ${command}`);
  }
  const unknown = await codeflow(['frobnicate'], { configDir });
  expect(unknown.code).toBe(2);
});

test('incidents: a responder opens, acknowledges, escalates and resolves from the terminal; a viewer is refused (exit 3)', async () => {
  const asResponder = { configDir: cliConfigDir(), env: { CODEFLOW_URL: e2eEnv.baseUrl, CODEFLOW_TOKEN: responderSecret } };
  const refused = await codeflow(['incidents', 'open', '--title', 'from the viewer', '--severity', 'P2'], { configDir });
  expect(refused.code).toBe(3);
  expect(refused.stderr).toContain('incident.open');

  expect((await codeflow(['incidents', 'open', '--title', 'x', '--severity', 'P9'], asResponder)).code).toBe(2);
  const opened = await codeflow(
    ['incidents', 'open', '--title', 'CLI: checkout errors', '--severity', 'P1', '--service', 'codeflow-cluster/codeflow-service', '--started', '20m', '--json'],
    asResponder,
  );
  expect(opened.stderr).toBe('');
  expect(opened.code).toBe(0);
  const incident = JSON.parse(opened.stdout) as { number: number; severity: string; services: unknown[]; openedAt: string };
  expect(incident).toMatchObject({ severity: 'P1', services: [{ cluster: 'codeflow-cluster', service: 'codeflow-service' }] });
  expect(Date.now() - Date.parse(incident.openedAt)).toBeGreaterThan(19 * 60_000);
  const n = String(incident.number);

  const listed = await codeflow(['incidents'], { configDir });
  expect(listed.code).toBe(0);
  expect(listed.stdout).toMatch(new RegExp(`^${n}\\s+P1\\s+open`, 'm'));

  expect((await codeflow(['incidents', 'ack', n], asResponder)).stdout).toContain('acknowledged');
  expect((await codeflow(['incidents', 'escalate', n], asResponder)).code).toBe(2);
  const escalated = await codeflow(['incidents', 'escalate', n, '--reason', 'customers report failures'], asResponder);
  expect(escalated.code).toBe(0);
  expect(escalated.stdout).toContain('escalated');
  expect((await codeflow(['incidents', 'resolve', n], asResponder)).stdout).toContain('resolved');

  const shown = await codeflow(['incidents', 'show', n, '--json'], { configDir });
  const detail = JSON.parse(shown.stdout) as { incident: { status: string }; timeline: { kind: string }[] };
  expect(detail.incident.status).toBe('resolved');
  expect(detail.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['status', 'escalation']));
  expect((await codeflow(['incidents', 'ack', '99999'], asResponder)).code).toBe(1);
});
