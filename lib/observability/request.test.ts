import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { currentRequest, requestIdFrom, setRequestUser } from './context';
import { addObserver, type HttpRequestDone } from './hooks';
import { getLogger } from './logger';
import { observeRequest, routePattern } from './request';
import { captureLogs } from './testing/capture';

describe('routePattern', () => {
  it('puts the dynamic segments back as their names', () => {
    assert.equal(routePattern('/api/services/web/api', { cluster: 'web', service: 'api' }), '/api/services/[cluster]/[service]');
    assert.equal(routePattern('/api/fleet', {}), '/api/fleet');
    assert.equal(routePattern('/api/fleet', undefined), '/api/fleet');
  });

  it('matches params in route order, so equal values land on the right segments', () => {
    assert.equal(routePattern('/api/services/api/api', { cluster: 'api', service: 'api' }), '/api/services/[cluster]/[service]');
    assert.equal(routePattern('/api/incidents/x1/playbook/s%2F1', { id: 'x1', stepId: 's/1' }), '/api/incidents/[id]/playbook/[stepId]');
  });

  it('names catch-all segments', () => {
    assert.equal(routePattern('/api/auth/callback/oidc', { nextauth: ['callback', 'oidc'] }), '/api/auth/[...nextauth]');
  });
});

describe('requestIdFrom', () => {
  it('keeps a sane incoming id and replaces anything else', () => {
    assert.equal(requestIdFrom('0f9c3b2a-1111-4a4a-9b9b-123456789abc'), '0f9c3b2a-1111-4a4a-9b9b-123456789abc');
    assert.equal(requestIdFrom('Root=1-67891233-abcdef012345678912345678'), 'Root=1-67891233-abcdef012345678912345678');
    for (const bad of [null, '', 'short', 'has space in it', 'x'.repeat(200), 'inject\nnewline-here', '"quoted-value"', '<script>alert(1)</script>']) {
      const id = requestIdFrom(bad);
      assert.notEqual(id, bad);
      assert.match(id, /^[0-9a-f]{12}$/);
    }
  });
});

describe('observeRequest', () => {
  const capture = captureLogs();
  const done: HttpRequestDone[] = [];
  let remove: () => void;
  before(() => {
    remove = addObserver('test-http', { httpRequest: (r) => void done.push(r) });
  });
  after(() => {
    remove();
    capture.restore();
  });

  const request = (path: string, headers: Record<string, string> = {}) => {
    const url = `http://localhost${path}`;
    return { method: 'GET', url, headers: new Headers(headers), nextUrl: { pathname: new URL(url).pathname } };
  };

  it('gives every log line of the request, and the response, the same id: the caller’s when sane', async () => {
    capture.lines.length = 0;
    const ctx = { params: Promise.resolve({ cluster: 'web', service: 'api' }) };
    const res = await observeRequest(request('/api/services/web/api', { 'x-request-id': 'lb-trace-0123456789' }), ctx, async () => {
      getLogger().info('looking up the service');
      setRequestUser('alice-subject');
      await new Promise((r) => setTimeout(r, 2));
      getLogger().child({ component: 'aws' }).warn('slow AWS call');
      assert.equal(currentRequest()?.route, '/api/services/[cluster]/[service]');
      return Response.json({ ok: true });
    });
    assert.equal(res.headers.get('x-request-id'), 'lb-trace-0123456789');
    assert.equal(capture.lines.length, 3, 'two lines from the handler and one access line');
    for (const line of capture.lines) assert.equal(line.requestId, 'lb-trace-0123456789', JSON.stringify(line));
    const access = capture.lines.at(-1)!;
    assert.equal(access.msg, 'GET /api/services/[cluster]/[service] 200');
    assert.equal(access.route, '/api/services/[cluster]/[service]');
    assert.equal(access.status, 200);
    assert.equal(access.user, 'alice-subject');
    assert.equal(typeof access.durationMs, 'number');
    assert.ok(!JSON.stringify(capture.lines).includes('authorization'));
    assert.deepEqual(
      done.map((d) => [d.requestId, d.route, d.method, d.status]),
      [['lb-trace-0123456789', '/api/services/[cluster]/[service]', 'GET', 200]],
    );
  });

  it('generates an id when the caller sends none or a bad one, different per request', async () => {
    const ids = new Set<string>();
    for (const headers of [{}, { 'x-request-id': 'bad id with spaces' }, {}] as Record<string, string>[]) {
      const res = await observeRequest(request('/api/fleet', headers), undefined, async () => new Response('{}', { status: 503 }));
      const id = res.headers.get('x-request-id')!;
      assert.match(id, /^[0-9a-f]{12}$/);
      ids.add(id);
    }
    assert.equal(ids.size, 3);
    const access = capture.lines.at(-1)!;
    assert.equal(access.level, 'warn', 'a 5xx access line is a warning');
    assert.equal(access.status, 503);
  });

  it('requests in flight at once keep their own ids', async () => {
    capture.lines.length = 0;
    await Promise.all(
      ['req-aaaaaaaa', 'req-bbbbbbbb', 'req-cccccccc'].map((id, i) =>
        observeRequest(request('/api/fleet', { 'x-request-id': id }), undefined, async () => {
          await new Promise((r) => setTimeout(r, 10 - i * 3));
          getLogger().info({ expected: id }, 'work');
          return new Response('{}');
        }),
      ),
    );
    const work = capture.lines.filter((l) => l.msg === 'work');
    assert.equal(work.length, 3);
    for (const line of work) assert.equal(line.requestId, line.expected);
  });

  it('logs and counts a request whose handler throws, and rethrows', async () => {
    capture.lines.length = 0;
    await assert.rejects(observeRequest(request('/api/fleet'), undefined, async () => Promise.reject(Object.assign(new Error('NEXT_HTTP_ERROR_FALLBACK;404'), { digest: 'NEXT_HTTP_ERROR_FALLBACK;404' }))));
    assert.equal(capture.lines.at(-1)!.status, 404);
  });
});
