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
const SAMPLE: Record<string, string> = { id: '00000000-0000-4000-8000-000000000000', cluster: 'codeflow-staging', service: 'codeflow-service' };
const writeRoutes = Object.entries(OPERATION_ROUTES)
  .map(([key, { action }]) => {
    const [method, pattern] = key.split(' ') as [string, string];
    return { method, pattern, path: pattern.replace(/\[(\w+)\]/g, (_m, name: string) => SAMPLE[name]!), action };
  })
  .filter((r) => r.method !== 'GET');
const sameOrigin = { origin: e2eEnv.baseUrl };

async function awsCalls(): Promise<number> {
  const { calls } = (await (await fetch(`${e2eEnv.sandboxUrl}/_sandbox/calls`)).json()) as { calls: Record<string, number> };
  // Writes, and the reads only a plan or an operation makes (the console's own refreshes read services too).
  return Object.entries(calls)
    .filter(([op]) => /:(Update|Register|Modify|Create|Delete|Put|Set|Continue|Stop)|ecs:(ListTaskDefinitions|DescribeServiceRevisions|ListServiceDeployments)/.test(op))
    .reduce((n, [, count]) => n + count, 0);
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
      const before = await awsCalls();
      for (const route of writeRoutes) {
        const response = await request.fetch(route.path, { method: route.method, headers: sameOrigin, data: {} });
        expect(response.status(), `${route.method} ${route.path}`).toBe(401);
      }
      expect(await awsCalls()).toBe(before);
    });
  });

  for (const role of ROLES) {
    const refused = writeRoutes.filter((r) => !can({ role }, r.action));
    if (refused.length === 0) continue;
    test.describe(`as ${role}`, () => {
      test.use({ storageState: e2eEnv.storageState(role) });
      test(`403 on the ${refused.length} write routes above ${role}, no AWS call`, async ({ request }) => {
        const before = await awsCalls();
        for (const route of refused) {
          const response = await request.fetch(route.path, { method: route.method, headers: sameOrigin, data: { cluster: SAMPLE.cluster, service: SAMPLE.service, request: { kind: 'scale', desiredCount: 3 }, reason: 'matrix' } });
          const where = `${role} ${route.method} ${route.path} (${route.action} needs ${minimumRole(route.action)})`;
          expect(response.status(), where).toBe(403);
          expect((await response.json()).error.message, where).toContain(`needs ${minimumRole(route.action)}`);
        }
        expect(await awsCalls()).toBe(before);
      });
    });
  }
});
