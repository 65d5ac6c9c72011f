import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApiClient, exitCodeFor, exitCodeForStatus } from './api-client';
import { CliError, EXIT } from './exit-codes';

describe('ApiClient', () => {
  let server: Server;
  let url: string;
  const seen: { method?: string; auth?: string; key?: string; body?: string }[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, auth: req.headers.authorization, key: req.headers['idempotency-key'] as string | undefined, body });
        const query = new URL(req.url ?? '/', 'http://x').searchParams;
        const status = Number(query.get('status') ?? 200);
        const subCode = query.get('subCode') ?? undefined;
        const fields = subCode === 'invalid' ? [{ path: 'request.desiredCount', message: '101 is above the limit of 100 tasks' }] : undefined;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status === 200 ? JSON.stringify({ ok: true }) : status === 502 ? '<html>bad gateway</html>' : JSON.stringify({ error: { code: 'x', message: `refused with ${status}`, subCode, fields } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('sends the bearer token and the idempotency key', async () => {
    const api = new ApiClient({ url, token: 'cf_secret' });
    assert.deepEqual(await api.post('/api/x', { a: 1 }, { idempotencyKey: 'k-123' }), { ok: true });
    assert.deepEqual(seen.at(-1), { method: 'POST', auth: 'Bearer cf_secret', key: 'k-123', body: '{"a":1}' });
  });

  it('turns API errors into one-line messages with exit codes; 401 says how to log in again', async () => {
    const api = new ApiClient({ url, token: 'cf_secret' });
    const failure = (status: number) => api.get('/api/x', { status }).then(() => assert.fail('should throw'), (e: CliError) => e);
    assert.deepEqual([(await failure(403)).code, (await failure(403)).message], [EXIT.refused, 'refused with 403']);
    assert.equal((await failure(400)).code, EXIT.usage);
    assert.match((await failure(401)).message, new RegExp(`codeflow login ${url}`));
    assert.deepEqual([(await failure(502)).code, (await failure(502)).message], [EXIT.failure, 'the server answered HTTP 502']);
  });

  it('says which server it could not reach', async () => {
    const api = new ApiClient({ url: 'http://127.0.0.1:9', token: 'cf_secret' });
    await assert.rejects(api.get('/api/me'), /cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it('maps statuses to exit codes', () => {
    assert.deepEqual([400, 401, 403, 404, 409, 422, 500].map(exitCodeForStatus), [2, 1, 3, 1, 3, 2, 1]);
  });

  it('keeps the sub-code and fields, and lets the sub-code pick the exit code: awaiting approval is exit 4, not a refusal', async () => {
    const api = new ApiClient({ url, token: 'cf_secret' });
    const failure = (status: number, subCode: string) => api.get('/api/x', { status, subCode }).then(() => assert.fail('should throw'), (e: CliError) => e);
    const waiting = await failure(409, 'approval_required');
    assert.deepEqual([waiting.code, waiting.details.subCode], [EXIT.needsApproval, 'approval_required']);
    const invalid = await failure(400, 'invalid');
    assert.deepEqual([invalid.code, invalid.details.fields], [EXIT.usage, [{ path: 'request.desiredCount', message: '101 is above the limit of 100 tasks' }]]);
    assert.equal((await failure(409, 'not_a_sub_code')).details.subCode, undefined);
    assert.deepEqual((['stale_plan', 'locked', 'read_only', 'approval_required', 'invalid', undefined] as const).map((c) => exitCodeFor(409, c)), [3, 3, 3, 4, 2, 3]);
  });
});
