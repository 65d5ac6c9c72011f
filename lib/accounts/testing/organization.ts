import assert from 'node:assert/strict';
import { startSandbox, type RunningSandbox } from '../../../sandbox/server';
import { SANDBOX_ACCOUNTS, sandboxAccountsConfig } from '../../sandbox/organization';

export interface SandboxOrganization {
  running: RunningSandbox;
  /** A call to the sandbox's admin API (faults, trust policies, STS); fails the test when refused. */
  admin(method: string, path: string, body?: unknown): Promise<unknown>;
}

/**
 * The sandbox playing the organisation (three accounts, two Regions), with this process configured
 * the way `codeflow start` configures the console for it: its endpoint, any static keys (they belong
 * to the production account) and CODEFLOW_ACCOUNTS. Import the modules under test after this.
 */
export async function startSandboxOrganization(): Promise<SandboxOrganization> {
  const running = await startSandbox({ organization: SANDBOX_ACCOUNTS, seed: 42, speed: 0, fleetSize: 0 });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: running.url,
    AWS_ACCESS_KEY_ID: 'AKIDCODEFLOWTEST',
    AWS_SECRET_ACCESS_KEY: 'test',
    CODEFLOW_SANDBOX: '1',
    CODEFLOW_ACCOUNTS: JSON.stringify(sandboxAccountsConfig()),
  });
  delete process.env.AWS_PROFILE;
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${running.url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
    return res.json() as Promise<unknown>;
  };
  return { running, admin };
}
