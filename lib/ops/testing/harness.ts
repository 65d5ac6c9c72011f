import { after, before, beforeEach } from 'node:test';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { users } from '../../db/schema';
import { testClients } from '../../aws/testing/fixtures';
import type { CurrentUser } from '../../auth/identity';
import type { TestTarget } from '../../db/test-targets';
import { startSandbox, type RunningSandbox } from '../../../sandbox/server';
import { awsClock, type OpsContext } from '../context';
import { DEFAULT_POLICY, type PolicyConfig } from '../policy-config';

const enrolled = new Map<string, CurrentUser>();

/**
 * A signed-in person as lib/ops sees one; ids are stable per subject. Each one is also a row in
 * the users table of every fresh test database (lib/ops re-reads roles from it at approval and execution).
 */
export const testUser = (subject: string, role: CurrentUser['role'] = 'operator'): CurrentUser => {
  const user: CurrentUser = {
    id: `00000000-0000-4000-8000-${subject.padStart(12, '0').slice(-12)}`,
    issuer: 'https://idp.test',
    subject,
    name: subject[0]!.toUpperCase() + subject.slice(1),
    email: null,
    role,
    via: { kind: 'session', authenticatedAt: Date.now() },
  };
  enrolled.set(subject, user);
  return user;
};

/** Writes the test users into `db` with their roles (as sign-in would). */
export async function enrollUsers(db: Db, people: Iterable<CurrentUser> = enrolled.values()): Promise<void> {
  for (const u of people) {
    await db
      .insert(users)
      .values({ issuer: u.issuer, subject: u.subject, name: u.name, idpRole: u.role })
      .onConflictDoUpdate({ target: [users.issuer, users.subject], set: { idpRole: u.role, roleOverride: null } });
  }
}

/** An admin changes someone's role (users.role_override), as the admin page does. */
export async function setRole(db: Db, user: CurrentUser, role: CurrentUser['role']): Promise<CurrentUser> {
  await db.update(users).set({ roleOverride: role }).where(and(eq(users.issuer, user.issuer), eq(users.subject, user.subject)));
  return { ...user, role };
}

/** The sandbox's clock, as `codeflow start` hands it to the server. */
export const sandboxClock = (url: string) => awsClock(`${url}/_sandbox/state`, true);

/** The default policy with a one-minute bake and a generous deadline, so tests step verification quickly. */
export function quickPolicy(adjust: (environments: PolicyConfig['environments']) => void = () => {}): PolicyConfig {
  const environments = structuredClone(DEFAULT_POLICY.environments);
  for (const p of Object.values(environments)) Object.assign(p, { bakeSeconds: 60, verifyDeadlineSeconds: 900 });
  adjust(environments);
  return { ...DEFAULT_POLICY, environments, lockTtlSeconds: 60 };
}

/** The crash tests' execution heartbeat and staleness: a killed process's operation is taken over in seconds, not 20 s. */
export const CRASH_EXECUTION_TIMING = { heartbeatMs: 500, staleMs: 3000 };

/**
 * The policy of the crash tests' processes (the killed one and the survivor alike):
 * quickPolicy, and with CRASH_NO_APPROVAL=1 no approval in production (a blue/green deploy of
 * codeflow-service executes at once).
 */
export function crashPolicy(env: Record<string, string | undefined> = process.env): PolicyConfig {
  return quickPolicy((envs) => {
    if (env.CRASH_NO_APPROVAL === '1') envs.production!.approvalFor = [];
  });
}

export interface OpsSandbox {
  url(): string;
  /** How often the sandbox received `service:Operation` (e.g. `ecs:UpdateService`). */
  calls(name: string): Promise<number>;
  advance(seconds: number): Promise<Response>;
}

/**
 * One frozen sandbox per suite, reset before each test, with a fresh database behind a new
 * OpsContext handed to `onContext` (tests keep it in their own `ctx` and may change its policy).
 */
export function useOpsSandbox(target: TestTarget, opts: { maxConnections: number; policy: () => PolicyConfig; onContext: (ctx: OpsContext) => void }): OpsSandbox {
  let running: RunningSandbox | undefined;
  before(async () => {
    running = await startSandbox({ seed: 42, speed: 0 });
  });
  after(async () => {
    await running?.close();
  });
  beforeEach(async () => {
    running!.sandbox.reset({ seed: 42, speed: 0 });
    const db = (await target.fresh({ migrated: true, maxConnections: opts.maxConnections })).db;
    await enrollUsers(db);
    opts.onContext({ db, aws: testClients(running!.url), policy: opts.policy(), awsNow: sandboxClock(running!.url) });
  });
  const url = () => running!.url;
  return {
    url,
    calls: async (name) => {
      const body = (await (await fetch(`${url()}/_sandbox/calls`)).json()) as { calls: Record<string, number> };
      return body.calls[name] ?? 0;
    },
    advance: (seconds) => fetch(`${url()}/_sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds }) }),
  };
}

/** Where the tests' operations and locks are: without configured places, account "default" in the clients' Region. */
export const TEST_PLACE = { account: 'default', region: 'us-east-1' } as const;
