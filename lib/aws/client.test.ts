import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../errors';
import { createAwsClients } from './client';
import { listClusterArns } from './ecs';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('per-call deadline', () => {
  let server: Server;
  let endpoint: string;

  before(async () => {
    // Accepts the request and never answers: only the deadline can end the call.
    server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('aborts a call that exceeds the deadline and reports it as unavailable', async () => {
    const aws = createAwsClients({ region: 'us-east-1', endpoint, credentials, maxAttempts: 3, connectionTimeoutMs: 1000, requestTimeoutMs: 10_000, callDeadlineMs: 300 });
    const started = Date.now();
    await assert.rejects(listClusterArns(aws).next(), (e: unknown) => {
      assert.ok(isAppError(e));
      assert.equal(e.code, 'unavailable');
      assert.match(e.message, /AWS did not answer within 300 ms/);
      return true;
    });
    assert.ok(Date.now() - started < 2000, 'the deadline, not the request timeout, ended the call');
  });

  it('reports a refused connection as unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const aws = createAwsClients({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials, maxAttempts: 1, connectionTimeoutMs: 500, requestTimeoutMs: 500, callDeadlineMs: 2000 });
    await assert.rejects(listClusterArns(aws).next(), (e: unknown) => isAppError(e) && e.code === 'unavailable');
  });
});
