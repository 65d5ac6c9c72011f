import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { describeTaskDefinition, listClusterArns } from '../aws/ecs';
import { testClients } from '../aws/testing/fixtures';
import { createCache } from '../cache/cached';
import { isAppError } from '../errors';
import { recordEscalation, recordNotificationAttempt, recordOperationOutcome } from './hooks';
import { metricsAccess } from './metrics-access';
import { createMetrics, observeInto, statusClass, type CodeflowMetrics } from './metrics';
import { observeRequest } from './request';
import { captureLogs } from './testing/capture';

/** The value of one sample in the exposition text, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).match(/^\{(.*)\}/)?.[1] ?? '';
    if (wanted.every((w) => labelText.split(/,(?=\w+=")/).includes(w))) return Number(line.split(' ').at(-1));
  }
  return 0;
}

describe('metrics', { timeout: 60_000 }, () => {
  let m: CodeflowMetrics;
  let stop: () => void;
  let running: RunningSandbox;
  const logs = captureLogs();

  before(async () => {
    m = createMetrics();
    stop = observeInto(m, 'metrics-test');
    running = await startSandbox({ seed: 7, speed: 0 });
  });
  after(async () => {
    stop();
    logs.restore();
    await running?.close();
  });

  it('counts AWS calls by service, operation and outcome, with their latency', async () => {
    const aws = testClients(running.url);
    const arns: string[] = [];
    for await (const arn of listClusterArns(aws)) arns.push(arn);
    assert.ok(arns.length > 0);
    await assert.rejects(describeTaskDefinition(aws, 'arn:aws:ecs:us-east-1:000000000000:task-definition/no-such-family:1'), (e: unknown) => isAppError(e));
    const text = await m.registry.metrics();
    assert.ok(sample(text, 'codeflow_aws_calls_total', { service: 'ECS', operation: 'ListClusters', outcome: 'ok' }) >= 1, text);
    const failed = text.split('\n').filter((l) => l.startsWith('codeflow_aws_calls_total{') && l.includes('operation="DescribeTaskDefinition"'));
    assert.equal(failed.length, 1, failed.join('\n'));
    assert.doesNotMatch(failed[0]!, /outcome="ok"/);
    assert.ok(sample(text, 'codeflow_aws_call_duration_seconds_count', { service: 'ECS', operation: 'ListClusters', outcome: 'ok' }) >= 1);
    assert.ok(sample(text, 'codeflow_aws_call_duration_seconds_sum', { service: 'ECS', operation: 'ListClusters', outcome: 'ok' }) > 0);
  });

  it('counts cache lookups by cache name and result', async () => {
    let clock = 1_000;
    const cache = createCache({ now: () => clock });
    const load = async () => 'value';
    await cache.cached('fleet:snapshot:web', 5_000, load); // miss
    await cache.cached('fleet:snapshot:web', 5_000, load); // hit
    clock += 10_000;
    await cache.cached('fleet:snapshot:web', 5_000, load); // stale: expired, refreshed
    await cache.cached('alarms:all', 5_000, load); // miss
    const text = await m.registry.metrics();
    assert.equal(sample(text, 'codeflow_cache_lookups_total', { cache: 'fleet', result: 'miss' }), 1);
    assert.equal(sample(text, 'codeflow_cache_lookups_total', { cache: 'fleet', result: 'hit' }), 1);
    assert.equal(sample(text, 'codeflow_cache_lookups_total', { cache: 'fleet', result: 'stale' }), 1);
    assert.equal(sample(text, 'codeflow_cache_lookups_total', { cache: 'alarms', result: 'miss' }), 1);
    assert.doesNotMatch(text, /snapshot:web/, 'keys never become labels');
  });

  it('records API latency by route pattern, method and status class', async () => {
    const req = (path: string) => ({ method: 'GET', url: `http://x${path}`, headers: new Headers(), nextUrl: { pathname: path } });
    await observeRequest(req('/api/services/web/api'), { params: Promise.resolve({ cluster: 'web', service: 'api' }) }, async () => new Response('{}'));
    await observeRequest(req('/api/services/db/pg'), { params: Promise.resolve({ cluster: 'db', service: 'pg' }) }, async () => new Response('{}', { status: 404 }));
    const text = await m.registry.metrics();
    const route = '/api/services/[cluster]/[service]';
    assert.equal(sample(text, 'codeflow_http_request_duration_seconds_count', { route, method: 'GET', status_class: '2xx' }), 1);
    assert.equal(sample(text, 'codeflow_http_request_duration_seconds_count', { route, method: 'GET', status_class: '4xx' }), 1);
    assert.equal(sample(text, 'codeflow_http_request_duration_seconds_bucket', { route, method: 'GET', status_class: '2xx', le: '+Inf' }), 1);
    assert.match(text, /codeflow_http_request_duration_seconds_bucket\{[^}]*le="0\.2"/, 'a bucket at the guide’s 200 ms target');
    assert.equal(statusClass(503), '5xx');
  });

  it('counts operations, escalations and notification attempts by outcome', async () => {
    recordOperationOutcome('rollback', 'succeeded');
    recordOperationOutcome('rollback', 'succeeded');
    recordOperationOutcome('scale', 'refused');
    recordEscalation('incident_commander', 'timer');
    recordEscalation('engineering_manager', 'early');
    recordNotificationAttempt('escalation', 'delivered');
    recordNotificationAttempt('escalation', 'retry');
    const text = await m.registry.metrics();
    assert.equal(sample(text, 'codeflow_operations_total', { kind: 'rollback', outcome: 'succeeded' }), 2);
    assert.equal(sample(text, 'codeflow_operations_total', { kind: 'scale', outcome: 'refused' }), 1);
    assert.equal(sample(text, 'codeflow_incident_escalations_total', { role: 'incident_commander', trigger: 'timer' }), 1);
    assert.equal(sample(text, 'codeflow_incident_escalations_total', { role: 'engineering_manager', trigger: 'early' }), 1);
    assert.equal(sample(text, 'codeflow_incident_notification_attempts_total', { event: 'escalation', outcome: 'retry' }), 1);
  });

  it('exports the process metrics too, in the Prometheus text format', async () => {
    const text = await m.registry.metrics();
    assert.match(text, /^# TYPE process_cpu_user_seconds_total counter$/m);
    assert.match(text, /^nodejs_heap_size_used_bytes \d+/m);
    assert.match(m.registry.contentType, /^text\/plain; version=0\.0\.4/);
  });
});

describe('metricsAccess: who may read /api/metrics', () => {
  const token = 'metrics-token-0123456789abcdef';

  it('is disabled (404) while CODEFLOW_METRICS_TOKEN is unset or blank, whatever is sent', () => {
    assert.equal(metricsAccess(undefined, `Bearer ${token}`), 'disabled');
    assert.equal(metricsAccess('', null), 'disabled');
    assert.equal(metricsAccess('   ', 'Bearer    '), 'disabled');
  });

  it('allows exactly the configured bearer token', () => {
    assert.equal(metricsAccess(token, `Bearer ${token}`), 'allowed');
    assert.equal(metricsAccess(token, `bearer ${token}`), 'allowed');
  });

  it('refuses a missing, wrong, truncated or differently framed token', () => {
    for (const header of [null, '', 'Bearer', `Bearer ${token.slice(0, -1)}`, `Bearer ${token}x`, `Basic ${Buffer.from(`x:${token}`).toString('base64')}`, token, `Bearer ${token} extra`, 'Bearer cf_someone-elses-api-token']) {
      assert.equal(metricsAccess(token, header), 'unauthorized', String(header));
    }
  });
});
