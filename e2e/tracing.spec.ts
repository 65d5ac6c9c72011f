import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eEnv } from './env';
import { freePort } from '../lib/aws/testing/moto';

interface Span {
  name: string;
  spanId: string;
  parentSpanId?: string;
  traceId: string;
  attributes: Record<string, unknown>;
  service?: unknown;
}

/*
 * The shipped server (the standalone build the suite already made) started a second time with an
 * OTLP endpoint: a stand-in collector on loopback must receive Next.js's request spans and
 * Codeflow's AWS call spans, linked in one trace.
 */
test.describe('OpenTelemetry tracing from the built server', () => {
  let collector: Server;
  let server: ChildProcess;
  let baseUrl: string;
  const spans: Span[] = [];

  test.beforeAll(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: { resource: { attributes: { key: string; value: Record<string, unknown> }[] }; scopeSpans: { spans: (Omit<Span, 'attributes'> & { attributes: { key: string; value: Record<string, unknown> }[] })[] }[] }[];
        };
        for (const rs of body.resourceSpans) {
          const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans) spans.push({ ...s, service, attributes: Object.fromEntries(s.attributes.map((a) => [a.key, Object.values(a.value)[0]])) });
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['server.js'], {
      cwd: join(process.cwd(), '.next', 'standalone'),
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(port),
        HOSTNAME: '127.0.0.1',
        NEXT_TELEMETRY_DISABLED: '1',
        CODEFLOW_SANDBOX: '1',
        CODEFLOW_SANDBOX_URL: e2eEnv.sandboxUrl,
        AWS_ENDPOINT_URL: e2eEnv.sandboxUrl,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'sandbox',
        AWS_SECRET_ACCESS_KEY: 'sandbox',
        NEXTAUTH_URL: baseUrl,
        NEXTAUTH_SECRET: e2eEnv.sessionSecret,
        CODEFLOW_STARTUP_CHECKED: '1',
        CODEFLOW_BACKGROUND: '0',
        CODEFLOW_CONFIG_DIR: process.cwd(),
        CODEFLOW_DATA_DIR: mkdtempSync(join(tmpdir(), 'codeflow-tracing-')),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
    });
    await expect.poll(async () => (await fetch(`${baseUrl}/api/health`).catch(() => null))?.status ?? 0, { timeout: 30_000 }).toBe(200);
  });

  test.afterAll(async () => {
    server?.kill('SIGTERM');
    await new Promise((resolve) => collector?.close(resolve));
  });

  test('a request exports its Next.js spans and a child span per AWS call, tagged with the request id', async () => {
    // /api/health asks AWS at most every 5 s: keep probing (each with its own id) until one did.
    const sent: string[] = [];
    const tracedWithAws = () =>
      sent.find((id) => {
        const handler = spans.find((s) => s.attributes['codeflow.request_id'] === id);
        return handler && spans.some((c) => c.parentSpanId === handler.spanId && c.name === 'ECS.ListClusters');
      });
    await expect
      .poll(
        async () => {
          const id = `tracing-spec-${String(sent.length).padStart(4, '0')}`;
          // A kept-alive connection the server has just timed out answers ECONNRESET: ask again on the next poll.
          const response = await fetch(`${baseUrl}/api/health`, { headers: { 'x-request-id': id } }).catch(() => null);
          if (!response) return undefined;
          expect(response.status).toBe(200);
          expect(response.headers.get('x-request-id')).toBe(id);
          sent.push(id);
          return tracedWithAws();
        },
        { timeout: 20_000, intervals: [1_000] },
      )
      .toBeTruthy();
    const id = tracedWithAws()!;
    const handler = spans.find((s) => s.attributes['codeflow.request_id'] === id)!;
    expect(handler.name).toBe('executing api route (app) /api/health');
    expect(handler.service).toBe('codeflow');
    const root = spans.find((s) => s.traceId === handler.traceId && !s.parentSpanId)!;
    expect(root.name).toBe('GET /api/health');
    expect(root.attributes['http.status_code']).toBe(200);
    const aws = spans.find((s) => s.parentSpanId === handler.spanId && s.name === 'ECS.ListClusters')!;
    expect(aws.attributes).toMatchObject({ 'rpc.system': 'aws-api', 'rpc.service': 'ECS', 'rpc.method': 'ListClusters', 'codeflow.aws.outcome': 'ok' });
    expect(aws.attributes['aws.request_id']).toBeTruthy();
  });
});
