import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { describeTaskDefinition, listClusterArns } from '../aws/ecs';
import { testClients } from '../aws/testing/fixtures';
import { getLogger } from './logger';
import { observeRequest } from './request';
import { captureLogs } from './testing/capture';
import { startTracing, tracesUrl, type Tracing } from './tracing';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
  status?: { code?: number; message?: string };
}

const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v?.stringValue ?? v?.intValue;
};

describe('tracesUrl', () => {
  it('is off unless an OTLP endpoint is configured', () => {
    assert.equal(tracesUrl({}), null);
    assert.equal(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_SDK_DISABLED: 'true' }), null);
    assert.equal(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_TRACES_EXPORTER: 'none' }), null);
    assert.equal(startTracing({}), null);
  });

  it('appends /v1/traces to the general endpoint and takes the traces endpoint as is', () => {
    assert.equal(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }), 'http://collector:4318/v1/traces');
    assert.equal(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/otlp/traces' }), 'https://b/otlp/traces');
  });
});

describe('tracing to an OTLP/HTTP receiver', { timeout: 60_000 }, () => {
  let receiver: Server;
  let running: RunningSandbox;
  let tracing: Tracing;
  const bodies: { path: string; contentType: string; body: { resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { spans: OtlpSpan[] }[] }[] } }[] = [];
  const logs = captureLogs();

  before(async () => {
    // A stand-in collector: accepts OTLP/HTTP JSON exports and keeps them.
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    running = await startSandbox({ seed: 3, speed: 0 });
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    tracing = startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, { version: '0.1.0-test' })!;
    assert.ok(tracing);
  });
  after(async () => {
    await tracing?.shutdown();
    logs.restore();
    await running?.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('exports a client span per AWS call, child of the request span, with service, operation, outcome and request id', async () => {
    const aws = testClients(running.url);
    const tracer = trace.getTracer('test');
    // Stands in for the span Next.js opens around a route handler once a provider is registered.
    await tracer.startActiveSpan('GET /api/fleet', async (requestSpan) => {
      const req = { method: 'GET', url: 'http://x/api/fleet', headers: new Headers({ 'x-request-id': 'trace-test-0001' }), nextUrl: { pathname: '/api/fleet' } };
      await observeRequest(req, undefined, async () => {
        for await (const _ of listClusterArns(aws)) void _;
        await describeTaskDefinition(aws, 'no-such-family:1').catch(() => undefined);
        getLogger().info('served');
        return new Response('{}');
      });
      requestSpan.end();
    });
    await tracing.flush();

    assert.ok(bodies.length > 0, 'the receiver got an export');
    assert.equal(bodies[0]!.path, '/v1/traces');
    assert.match(bodies[0]!.contentType, /application\/json/);
    const resource = bodies[0]!.body.resourceSpans[0]!.resource;
    assert.equal(resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue, 'codeflow');
    const spans = bodies.flatMap((b) => b.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));

    const request = spans.find((s) => s.name === 'GET /api/fleet')!;
    assert.ok(request, spans.map((s) => s.name).join(', '));
    assert.equal(attr(request, 'codeflow.request_id'), 'trace-test-0001');

    const list = spans.find((s) => s.name === 'ECS.ListClusters')!;
    assert.ok(list, spans.map((s) => s.name).join(', '));
    assert.equal(list.kind, 3, 'a client span');
    assert.equal(list.parentSpanId, request.spanId);
    assert.equal(list.traceId, request.traceId);
    assert.equal(attr(list, 'rpc.system'), 'aws-api');
    assert.equal(attr(list, 'rpc.service'), 'ECS');
    assert.equal(attr(list, 'rpc.method'), 'ListClusters');
    assert.equal(attr(list, 'codeflow.aws.outcome'), 'ok');
    assert.ok(attr(list, 'aws.request_id'), 'the AWS request id is on the span');

    const failed = spans.find((s) => s.name === 'ECS.DescribeTaskDefinition')!;
    assert.ok(failed);
    assert.notEqual(attr(failed, 'codeflow.aws.outcome'), 'ok');
    assert.equal(failed.status?.code, 2, 'an error status');

    // The log lines written meanwhile carry the trace, so a log search finds the trace and back.
    const served = logs.lines.find((l) => l.msg === 'served')!;
    assert.equal(served.trace_id, request.traceId);
    assert.equal(served.requestId, 'trace-test-0001');
  });
});
