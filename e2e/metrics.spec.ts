import { expect, test, type APIRequestContext } from '@playwright/test';
import { e2eEnv } from './env';

/** Sum of every sample of `name` whose labels include all of `labels`. */
function total(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(/,(?=\w+=")/);
    if (wanted.every((w) => have.includes(w))) sum += Number(m[3]);
  }
  return sum;
}

async function scrape(request: APIRequestContext): Promise<string> {
  const response = await request.get('/api/metrics', { headers: { authorization: `Bearer ${e2eEnv.metricsToken}` } });
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

test('a Prometheus scrape sees AWS calls, cache lookups and API latency move as people use the console', async ({ page, request }) => {
  const before = await scrape(request);
  expect(before).toMatch(/^# TYPE codeflow_http_request_duration_seconds histogram$/m);
  expect(before).toMatch(/^process_cpu_user_seconds_total \d/m);

  await page.goto('/');
  await expect(page.getByTestId('service-row').first()).toBeVisible();
  await page.goto('/services/codeflow-cluster/codeflow-service');
  await expect(page.getByTestId('service-name')).toHaveText('codeflow-service');
  // The fleet TTL is 1 s in the e2e server: wait past it, so the next API read asks AWS again.
  await page.waitForTimeout(1_200);
  const fleet = await page.request.get('/api/fleet');
  expect(fleet.status()).toBe(200);

  const after = await scrape(request);
  const aws = (t: string) => total(t, 'codeflow_aws_calls_total', { service: 'ECS', outcome: 'ok' });
  expect(aws(after), 'ECS calls counted').toBeGreaterThan(aws(before));
  expect(total(after, 'codeflow_aws_calls_total', { operation: 'DescribeServices' })).toBeGreaterThan(0);
  expect(total(after, 'codeflow_aws_call_duration_seconds_count', { service: 'ECS' })).toBeGreaterThan(0);

  const fleetRequests = (t: string) => total(t, 'codeflow_http_request_duration_seconds_count', { route: '/api/fleet', method: 'GET', status_class: '2xx' });
  expect(fleetRequests(after), 'the /api/fleet request is in the latency histogram').toBeGreaterThan(fleetRequests(before));
  expect(total(after, 'codeflow_cache_lookups_total', { cache: 'fleet' })).toBeGreaterThan(total(before, 'codeflow_cache_lookups_total', { cache: 'fleet' }));
  // Labels are route patterns, never concrete paths or ids.
  expect(after).not.toMatch(/route="[^"]*codeflow-service/);
});

test('every API response carries a request id, the caller’s own when it sends a sane one', async ({ page }) => {
  const mine = await page.request.get('/api/fleet', { headers: { 'x-request-id': 'e2e-trace-0123456789' } });
  expect(mine.headers()['x-request-id']).toBe('e2e-trace-0123456789');
  const generated = await page.request.get('/api/me', { headers: { 'x-request-id': 'bad id' } });
  expect(generated.headers()['x-request-id']).toMatch(/^[0-9a-f]{12}$/);
  const refused = await page.request.get('/api/admin/users');
  expect(refused.status()).toBe(403);
  expect(refused.headers()['x-request-id']).toMatch(/^[0-9a-f]{12}$/);
});

test('a signed-in session is not a metrics token', async ({ page }) => {
  // page.request carries the viewer's session cookie.
  const response = await page.request.get('/api/metrics');
  expect(response.status()).toBe(401);
  expect(response.headers()['www-authenticate']).toMatch(/^Bearer/);
  expect(await response.text()).not.toContain('codeflow_');
});
