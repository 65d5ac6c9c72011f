import { expect, test } from '@playwright/test';
import { OPERATION_ROUTES } from '../lib/api/operations/routes';
import { can, minimumRole } from '../lib/auth/can';
import { e2eEnv } from './env';
import { ROLES } from './sign-in';

/**
 * The role matrix of the guarded-action routes, generated from their one declaration
 * (lib/api/operations/routes.ts): every write route answers 401 without a session and 403 to every
 * role below the one it declares, before anything reaches AWS.
 */
// A service no other journey operates on, so the console's background work (refreshes, the runner
// following other specs' operations) never names it in a write or a plan read.
const SAMPLE: Record<string, string> = { id: '00000000-0000-4000-8000-000000000000', cluster: 'codeflow-staging', service: 'search-indexer' };
const writeRoutes = Object.entries(OPERATION_ROUTES)
  .map(([key, { action }]) => {
    const [method, pattern] = key.split(' ') as [string, string];
    return { method, pattern, path: pattern.replace(/\[(\w+)\]/g, (_m, name: string) => SAMPLE[name]!), action };
  })
  .filter((r) => r.method !== 'GET');
const sameOrigin = { origin: e2eEnv.baseUrl };

/** Where the sandbox's call log stands now: what `operationCallsSince` counts from. */
async function callLogPosition(): Promise<number> {
  return ((await (await fetch(`${e2eEnv.sandboxUrl}/_sandbox/calls`)).json()) as { seq: number }).seq;
}

/** The writes, and the reads only a plan or an operation makes, that named SAMPLE's service since `since`. */
async function operationCallsSince(since: number): Promise<Record<string, number>> {
  const response = await fetch(`${e2eEnv.sandboxUrl}/_sandbox/calls/mentioning`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: SAMPLE.service, since }) });
  const { calls, complete } = (await response.json()) as { calls: Record<string, number>; complete: boolean };
  expect(complete, 'the sandbox call log reaches back to the start of the test').toBe(true);
  return Object.fromEntries(Object.entries(calls).filter(([op]) => /:(Update|Register|Modify|Create|Delete|Put|Set|Continue|Stop)|ecs:(ListTaskDefinitions|DescribeServiceRevisions|ListServiceDeployments)/.test(op)));
}

test.describe('operations role matrix (from lib/api/operations/routes.ts)', () => {
  test('the matrix covers every write route of the pipeline', () => {
    expect(writeRoutes.map((r) => `${r.method} ${r.pattern}`)).toEqual(
      expect.arrayContaining(['POST /api/operations', 'POST /api/operations/[id]/approve', 'POST /api/operations/[id]/reject', 'POST /api/operations/[id]/cancel', 'POST /api/operations/[id]/continue', 'POST /api/operations/[id]/rollback', 'POST /api/operations/locks/release', 'POST /api/services/[cluster]/[service]/plan', 'PUT /api/settings/read-only']),
    );
  });

  test.describe('without a session', () => {
    test.use({ storageState: { cookies: [], origins: [] } });
    test('401 on every write route, no AWS call', async ({ request }) => {
      const since = await callLogPosition();
      for (const route of writeRoutes) {
        const response = await request.fetch(route.path, { method: route.method, headers: sameOrigin, data: {} });
        expect(response.status(), `${route.method} ${route.path}`).toBe(401);
      }
      expect(await operationCallsSince(since)).toEqual({});
    });
  });

  for (const role of ROLES) {
    const refused = writeRoutes.filter((r) => !can({ role }, r.action));
    if (refused.length === 0) continue;
    test.describe(`as ${role}`, () => {
      test.use({ storageState: e2eEnv.storageState(role) });
      test(`403 on the ${refused.length} write routes above ${role}, no AWS call`, async ({ request }) => {
        const since = await callLogPosition();
        for (const route of refused) {
          const response = await request.fetch(route.path, { method: route.method, headers: sameOrigin, data: { cluster: SAMPLE.cluster, service: SAMPLE.service, request: { kind: 'scale', desiredCount: 3 }, reason: 'matrix' } });
          const where = `${role} ${route.method} ${route.path} (${route.action} needs ${minimumRole(route.action)})`;
          expect(response.status(), where).toBe(403);
          expect((await response.json()).error.message, where).toContain(`needs ${minimumRole(route.action)}`);
        }
        expect(await operationCallsSince(since)).toEqual({});
      });
    });
  }

  test.describe('the probe itself', () => {
    test.use({ storageState: e2eEnv.storageState('operator') });
    test('an allowed plan of the same service is seen by the call counter the refusals are checked with', async ({ request }) => {
      const since = await callLogPosition();
      const response = await request.post(`/api/services/${SAMPLE.cluster}/${SAMPLE.service}/plan`, { headers: sameOrigin, data: { kind: 'rollback' } });
      expect(response.status(), await response.text()).toBe(200);
      expect(Object.keys(await operationCallsSince(since))).toContain('ecs:ListServiceDeployments');
    });
  });
});
