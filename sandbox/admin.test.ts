import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from './server';

/*
 * The admin API resets the world and injects faults, so a web page the person has open must not be
 * able to drive it: the findings were a cross-origin `text/plain` POST (no preflight) that reset
 * the sandbox, and another that set faults.
 */
describe('sandbox admin API: JSON only, own origin only', () => {
  let running: RunningSandbox;
  before(async () => {
    running = await startSandbox({ port: 0, seed: 42, speed: 0 });
  });
  after(() => running?.close());

  const state = async () => (await (await fetch(`${running.url}/_sandbox/state`)).json()) as { now: string; faults: unknown[] };
  const post = (path: string, body: string, headers: Record<string, string>) => fetch(`${running.url}/_sandbox/${path}`, { method: 'POST', headers, body });

  it('refuses a text/plain POST (what a cross-origin form or fetch can send without a preflight) with 415', async () => {
    const before = await state();
    const res = await post('clock/advance', JSON.stringify({ seconds: 3600 }), { 'content-type': 'text/plain;charset=UTF-8' });
    assert.equal(res.status, 415);
    assert.match(((await res.json()) as { error: string }).error, /application\/json/);
    const form = await post('faults', 'rules=x', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
    assert.deepEqual(await state(), before, 'nothing changed');
  });

  it('refuses a request from another origin with 403, even as JSON, and even when the Host header names that origin', async () => {
    const before = await state();
    for (const origin of ['http://evil.example', `http://127.0.0.1:${running.port + 1}`, 'null']) {
      const res = await post('faults', JSON.stringify({ rules: [{ errorRate: 1 }] }), { 'content-type': 'application/json', origin });
      assert.equal(res.status, 403, origin);
    }
    const rebound = await post('reset', JSON.stringify({ seed: 1 }), { 'content-type': 'application/json', origin: `http://evil.example:${running.port}`, host: `evil.example:${running.port}` });
    assert.equal(rebound.status, 403, 'a DNS-rebound page on the same port is still another origin');
    const del = await fetch(`${running.url}/_sandbox/faults`, { method: 'DELETE', headers: { origin: 'http://evil.example' } });
    assert.equal(del.status, 403);
    assert.deepEqual(await state(), before, 'nothing changed');
  });

  it('accepts JSON from scripts (no Origin) and from its own origin', async () => {
    const res = await post('clock/advance', JSON.stringify({ seconds: 60 }), { 'content-type': 'application/json' });
    assert.equal(res.status, 200);
    const own = await post('clock/advance', JSON.stringify({ seconds: 60 }), { 'content-type': 'application/json; charset=utf-8', origin: `http://localhost:${running.port}` });
    assert.equal(own.status, 200);
    assert.equal((await fetch(`${running.url}/_sandbox/faults`, { method: 'DELETE' })).status, 200, 'a DELETE without a body needs no content type');
  });
});

describe('sandbox call log: which calls named a resource since a point', () => {
  let running: RunningSandbox;
  before(async () => {
    running = await startSandbox({ port: 0, seed: 42, speed: 0 });
  });
  after(() => running?.close());

  const ecs = (operation: string, input: Record<string, unknown>) =>
    fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonEC2ContainerServiceV20141113.${operation}`, authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0' },
      body: JSON.stringify(input),
    });
  const mentioning = async (text: string, since: number) =>
    (await (await fetch(`${running.url}/_sandbox/calls/mentioning`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, since }) })).json()) as { calls: Record<string, number>; complete: boolean };

  it('counts only the calls after `since` whose input names the text', async () => {
    await ecs('DescribeServices', { cluster: 'codeflow-staging', services: ['search-indexer'] });
    const { seq } = (await (await fetch(`${running.url}/_sandbox/calls`)).json()) as { seq: number };
    assert.ok(seq >= 1);
    await ecs('DescribeServices', { cluster: 'codeflow-staging', services: ['search-indexer'] });
    await ecs('DescribeServices', { cluster: 'codeflow-staging', services: ['reports-worker'] });
    await ecs('UpdateService', { cluster: 'codeflow-staging', service: 'search-indexer', desiredCount: 2 });
    assert.deepEqual(await mentioning('search-indexer', seq), { calls: { 'ecs:DescribeServices': 1, 'ecs:UpdateService': 1 }, complete: true });
    assert.deepEqual(await mentioning('search-indexer', seq + 3), { calls: {}, complete: true });
    assert.deepEqual((await mentioning('reports-worker', 0)).calls, { 'ecs:DescribeServices': 1 });
  });

  it('refuses a query it cannot answer with 400', async () => {
    const res = await fetch(`${running.url}/_sandbox/calls/mentioning`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x', since: -1 }) });
    assert.equal(res.status, 400);
  });
});
