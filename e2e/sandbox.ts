import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { e2eEnv } from './env';

const exec = promisify(execFile);

/** The sandbox the console under test talks to (started by `codeflow start`, see playwright.config.ts). */
export const sandboxUrl = e2eEnv.sandboxUrl;

async function admin(path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${sandboxUrl}/_sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  if (!response.ok) throw new Error(`sandbox ${path}: ${response.status} ${await response.text()}`);
}

/** A frozen, seeded fleet: every test starts from the same state. */
export const resetSandbox = (seed = 42) => admin('reset', { seed, speed: 0 });
export const advanceClock = (seconds: number) => admin('clock/advance', { seconds });

export async function hasAwsCli(): Promise<boolean> {
  try {
    await exec('aws', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** Runs the real AWS CLI against the sandbox, as an operator following the guide would. */
export async function aws(...args: string[]): Promise<any> {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'e2e', AWS_SECRET_ACCESS_KEY: 'e2e', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
  const { stdout } = await exec('aws', ['--endpoint-url', sandboxUrl, '--output', 'json', ...args], { env });
  return stdout.trim() ? JSON.parse(stdout) : null;
}
