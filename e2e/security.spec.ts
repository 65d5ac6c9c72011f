import { readFileSync } from 'node:fs';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { encode } from 'next-auth/jwt';
import { can } from '../lib/auth/can';
import { e2eEnv } from './env';
import { listApiRoutes, listPages } from './routes';
import { ROLES } from './sign-in';

const routes = listApiRoutes();
const protectedRoutes = routes.filter((r) => r.action !== null);
const sameOrigin = { origin: e2eEnv.baseUrl };

async function callRoute(request: APIRequestContext, route: { path: string; method: string }, headers: Record<string, string> = {}) {
  return request.fetch(route.path, { method: route.method, headers, data: route.method === 'GET' ? undefined : {}, maxRedirects: 0 });
}

/** An event stream never ends, and Playwright's request waits for the whole body: read its status, then hang up. */
const isEventStream = (route: { path: string; method: string }) => route.method === 'GET' && route.path.endsWith('/events');
async function eventStreamStatus(role: string, path: string): Promise<number> {
  const state = JSON.parse(readFileSync(e2eEnv.storageState(role), 'utf8')) as { cookies: { name: string; value: string }[] };
  const abort = new AbortController();
  const response = await fetch(new URL(path, e2eEnv.baseUrl), { headers: { cookie: state.cookies.map((c) => `${c.name}=${c.value}`).join('; ') }, signal: abort.signal });
  abort.abort();
  return response.status;
}

test.describe('authorization in the server', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('every API route is found and declares the action it needs', () => {
    expect(routes.length).toBeGreaterThan(3);
    for (const route of protectedRoutes) expect(route.action, `${route.method} ${route.path} (${route.file})`).toBeTruthy();
  });

  test('no session → 401 on every protected route, without a stack trace', async ({ request }) => {
    for (const route of protectedRoutes) {
      const response = await callRoute(request, route, sameOrigin);
      expect(response.status(), `${route.method} ${route.path}`).toBe(401);
      const body = await response.text();
      expect(body).toContain('"unauthorized"');
      expect(body).not.toMatch(/at .+\.(js|ts):\d+/);
    }
  });

  test('no session → every page sends the browser to sign in', async ({ request }) => {
    for (const path of listPages()) {
      const response = await request.get(path, { maxRedirects: 0 });
      expect(response.status(), path).toBe(307);
      expect(response.headers().location, path).toMatch(/\/signin\?callbackUrl=/);
    }
  });

  test('forged, expired and malformed credentials → 401, never a crash', async ({ request }) => {
    const expired = await encode({ token: { uid: '00000000-0000-4000-8000-000000000000', authAt: 1 }, secret: e2eEnv.sessionSecret, maxAge: -60 });
    const wrongSecret = await encode({ token: { uid: 'x', authAt: Math.floor(Date.now() / 1000) }, secret: 'another-secret-another-secret-another-secret', maxAge: 3600 });
    const attempts: Record<string, string>[] = [
      { cookie: 'next-auth.session-token=garbage' },
      { cookie: `next-auth.session-token=${expired}` },
      { cookie: `next-auth.session-token=${wrongSecret}` },
      { authorization: 'Bearer' },
      { authorization: 'Bearer not-a-codeflow-token' },
      { authorization: `Bearer cf_${'A'.repeat(43)}` },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: `Bearer ${'x'.repeat(5000)}` },
    ];
    for (const headers of attempts) {
      const response = await request.get('/api/fleet', { headers });
      expect(response.status(), JSON.stringify(headers).slice(0, 80)).toBe(401);
    }
  });

  test('the x-middleware-subrequest header changes nothing (CVE-2025-29927)', async ({ request }) => {
    for (const value of ['middleware', 'proxy', 'middleware:middleware:middleware:middleware:middleware', 'proxy:proxy:proxy:proxy:proxy', 'src/middleware:src/middleware:src/middleware:src/middleware:src/middleware']) {
      const api = await request.get('/api/fleet', { headers: { 'x-middleware-subrequest': value } });
      expect(api.status()).toBe(401);
      const page = await request.get('/', { headers: { 'x-middleware-subrequest': value }, maxRedirects: 0 });
      expect(page.status()).toBe(307);
    }
  });

  test('metrics answer only to their own token, without a stack trace', async ({ request }) => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: `Bearer cf_${'A'.repeat(43)}` }] as Record<string, string>[]) {
      const response = await request.get('/api/metrics', { headers });
      expect(response.status(), JSON.stringify(headers)).toBe(401);
      expect(await response.text()).not.toMatch(/at .+\.(js|ts):\d+|process_cpu/);
    }
  });

  test('health stays public and says nothing internal', async ({ request }) => {
    const response = await request.get('/api/health');
    expect(response.status()).toBe(200);
    expect(Object.keys(await response.json()).sort()).toEqual(['checks', 'status', 'timestamp', 'uptime', 'version']);
  });
});

for (const role of ROLES) {
  test.describe(`as ${role}`, () => {
    test.use({ storageState: e2eEnv.storageState(role) });

    test(`${role}: every route answers as can() says, and refused writes reach no AWS`, async ({ request }) => {
      const awsWrites = async () => {
        const { calls } = (await (await fetch(`${e2eEnv.sandboxUrl}/_sandbox/calls`)).json()) as { calls: Record<string, number> };
        return Object.entries(calls).filter(([op]) => /:(Update|Register|Modify|Create|Delete|Put|Set|Continue|Stop)/.test(op)).reduce((n, [, count]) => n + count, 0);
      };
      const writesBefore = await awsWrites();
      for (const route of protectedRoutes) {
        const status = isEventStream(route) ? await eventStreamStatus(role, route.path) : (await callRoute(request, route, sameOrigin)).status();
        const allowed = can({ role }, route.action!);
        const where = `${role} ${route.method} ${route.path} (${route.action})`;
        if (allowed) expect([401, 403], where).not.toContain(status);
        else expect(status, where).toBe(403);
      }
      expect(await awsWrites(), 'refused requests made no AWS write').toBe(writesBefore);
    });

    test(`${role}: writes from another site or without an Origin are refused`, async ({ request }) => {
      for (const route of protectedRoutes.filter((r) => r.method !== 'GET')) {
        for (const headers of [{ origin: 'https://evil.example' }, {}, { origin: 'null' }] as Record<string, string>[]) {
          const response = await callRoute(request, route, headers);
          expect(response.status(), `${route.method} ${route.path} ${JSON.stringify(headers)}`).toBe(403);
        }
      }
    });
  });
}
