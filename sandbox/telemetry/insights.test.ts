import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatInsightsTime, InsightsSyntaxError, parseInsightsQuery, type InsightsEvent, type ResultField } from './insights';

const T0 = Date.parse('2026-11-27T10:00:00.000Z');

function event(offsetSec: number, message: string | object, stream = 'ecs/codeflow/aaa'): InsightsEvent {
  const text = typeof message === 'string' ? message : JSON.stringify(message);
  return { timestamp: T0 + offsetSec * 1000, ingestionTime: T0 + offsetSec * 1000 + 300, message: text, logStream: stream, log: '123456789012:/ecs/codeflow', ptr: `ptr-${offsetSec}` };
}

const access = (offsetSec: number, status: number, latency: number, path = '/api/services', level = status >= 500 ? 'error' : 'info') =>
  event(offsetSec, { level, msg: 'request', method: 'GET', path, status, latency, requestId: `r-${offsetSec}` });

const EVENTS: InsightsEvent[] = [
  event(1, 'Server listening on :3000', 'ecs/codeflow/bbb'),
  access(10, 200, 80),
  access(20, 200, 120, '/api/deploys'),
  access(70, 503, 2400),
  access(80, 200, 95),
  access(130, 500, 1800, '/api/deploys'),
  event(135, 'ERROR Unhandled exception: TypeError: x is undefined', 'ecs/codeflow/bbb'),
  access(140, 404, 12, '/api/nope'),
];

const run = (query: string, limit?: number) => parseInsightsQuery(query).run(EVENTS, { limit });
const rowObjects = (results: ResultField[][]) => results.map((r) => Object.fromEntries(r.map((f) => [f.field, f.value])));

function assertSyntaxError(query: string, start: number, message: RegExp): void {
  assert.throws(
    () => parseInsightsQuery(query),
    (e: unknown) => {
      assert.ok(e instanceof InsightsSyntaxError, `expected InsightsSyntaxError, got ${String(e)}`);
      assert.equal(e.startCharOffset, start, `offset in ${JSON.stringify(query)}: ${e.message}`);
      assert.match(e.message, message);
      return true;
    },
  );
}

describe('Logs Insights: fields, sort, limit', () => {
  it("runs the guide's query: fields @timestamp, @message | sort @timestamp desc | limit 100", () => {
    const out = run('fields @timestamp, @message | sort @timestamp desc | limit 100');
    assert.equal(out.results.length, EVENTS.length);
    const rows = rowObjects(out.results);
    assert.equal(rows[0]!['@timestamp'], formatInsightsTime(T0 + 140_000));
    assert.equal(rows[0]!['@timestamp'], '2026-11-27 10:02:20.000');
    assert.ok(rows[0]!['@ptr'], 'every event row carries @ptr');
    assert.deepEqual(Object.keys(rows[0]!), ['@timestamp', '@message', '@ptr']);
    assert.equal(rows.at(-1)!['@message'], 'Server listening on :3000');
    assert.equal(out.statistics.recordsScanned, EVENTS.length);
  });

  it('sorts ascending, limits, and honours the request limit when the query has none', () => {
    assert.equal(rowObjects(run('fields @message | sort @timestamp asc | limit 1').results)[0]!['@message'], 'Server listening on :3000');
    assert.equal(run('fields @message', 3).results.length, 3);
    assert.equal(run('fields @message | limit 2', 5).results.length, 2);
  });

  it('discovers JSON fields and computes aliased expressions', () => {
    const rows = rowObjects(run('filter ispresent(status) | fields path, status, latency / 1000 as seconds | sort latency desc | limit 2').results);
    assert.deepEqual(rows.map((r) => [r.path, r.status, r.seconds]), [['/api/services', '503', '2.4'], ['/api/deploys', '500', '1.8']]);
  });

  it('sorts numbers numerically and puts events without the field last', () => {
    const rows = rowObjects(run('fields latency | sort latency asc').results);
    assert.deepEqual(rows.map((r) => r.latency ?? null), ['12', '80', '95', '120', '1800', '2400', null, null]);
  });
});

describe('Logs Insights: filter', () => {
  const count = (query: string) => run(query).results.length;

  it('compares, combines with and/or/not, and uses in', () => {
    assert.equal(count('filter status >= 500'), 2);
    assert.equal(count('filter level = "error" and latency > 2000'), 1);
    assert.equal(count('filter status = 404 or status = 503'), 2);
    assert.equal(count('filter not (status = 200) and ispresent(status)'), 3);
    assert.equal(count('filter status in [404, 503]'), 2);
    assert.equal(count('filter status not in [200]'), 3);
    assert.equal(count('filter status != 200'), 3, 'events without the field match no comparison');
  });

  it('matches like /regex/, like "substring", =~ and not like', () => {
    assert.equal(count('filter @message like /ERROR|listening/'), 2);
    assert.equal(count('filter @message like "Unhandled"'), 1);
    assert.equal(count('filter path =~ /^\\/api\\/deploys$/'), 2);
    assert.equal(count('filter @message like /(?i)error/'), 3, '(?i) makes the regex case-insensitive');
    assert.equal(count('filter ispresent(path) and path not like /deploys/'), 4);
  });

  it('uses string functions', () => {
    assert.equal(count('filter toupper(level) = "ERROR"'), 2);
    assert.equal(count('filter strlen(path) > 12'), 3);
  });
});

describe('Logs Insights: parse', () => {
  it('extracts with a glob', () => {
    const rows = rowObjects(run('parse @message "ERROR Unhandled exception: *: *" as kind, detail | filter ispresent(kind) | fields kind, detail').results);
    assert.deepEqual(rows.map((r) => [r.kind, r.detail]), [['TypeError', 'x is undefined']]);
  });

  it('extracts with named regex groups', () => {
    const rows = rowObjects(run('parse @message /listening on :(?<port>\\d+)/ | filter ispresent(port) | fields port').results);
    assert.deepEqual(rows.map((r) => r.port), ['3000']);
  });
});

describe('Logs Insights: stats', () => {
  it('counts by bin(1m), newest bin first', () => {
    const out = run('stats count(*) by bin(1m)');
    assert.deepEqual(rowObjects(out.results), [
      { 'bin(1m)': '2026-11-27 10:02:00.000', 'count(*)': '3' },
      { 'bin(1m)': '2026-11-27 10:01:00.000', 'count(*)': '2' },
      { 'bin(1m)': '2026-11-27 10:00:00.000', 'count(*)': '3' },
    ]);
    assert.equal(out.results[0]![0]!.field, 'bin(1m)', 'group keys come before aggregates');
    assert.equal(out.statistics.recordsMatched, EVENTS.length);
  });

  it('computes avg, sum, min, max, pct and count_distinct by a field, with aliases', () => {
    const rows = rowObjects(run('filter ispresent(status) | stats count(*) as requests, avg(latency) as avg, pct(latency, 95) as p95, max(latency), min(latency), sum(latency), count_distinct(path) as paths by level | sort requests desc').results);
    assert.deepEqual(rows, [
      { level: 'info', requests: '4', avg: '76.75', p95: '120', 'max(latency)': '120', 'min(latency)': '12', 'sum(latency)': '307', paths: '3' },
      { level: 'error', requests: '2', avg: '2100', p95: '2400', 'max(latency)': '2400', 'min(latency)': '1800', 'sum(latency)': '4200', paths: '2' },
    ]);
  });

  it('computes arithmetic over aggregates, e.g. an error rate', () => {
    const rows = rowObjects(run('filter ispresent(status) | stats sum(status >= 500) / count(*) * 100 as errorRate').results);
    assert.equal(Number(rows[0]!.errorRate).toFixed(2), '33.33');
  });

  it('groups by several keys and sorts by an aggregate by its text', () => {
    const rows = rowObjects(run('filter ispresent(status) | stats count(*) by bin(5m), path | sort count(*) desc | limit 1').results);
    assert.deepEqual(rows, [{ 'bin(5m)': '2026-11-27 10:00:00.000', path: '/api/services', 'count(*)': '3' }]);
  });

  it('dedups by field', () => {
    assert.deepEqual(rowObjects(run('filter ispresent(path) | dedup path | fields path').results).map((r) => r.path), ['/api/nope', '/api/deploys', '/api/services']);
  });
});

describe('Logs Insights: syntax errors', () => {
  it('names the unexpected symbol with its line and position', () => {
    assertSyntaxError('fields @timestamp | sort @timestamp descc', 36, /^unexpected symbol found descc at line 1 and position 36/);
    assertSyntaxError('fieldz @message', 0, /unexpected symbol found fieldz at line 1 and position 0: expected a command/);
    assertSyntaxError('fields @message |', 17, /unexpected end of query .*expected a command after \|/);
    assertSyntaxError('fields @message\n| filter status >', 33, /end of query at line 2 and position 17/);
    assertSyntaxError('stats count(*) by', 17, /end of query/);
    assertSyntaxError('stats latency by level', 6, /expected an aggregate function/);
    assertSyntaxError('stats count(*) by bin(5)', 18, /bin\(<duration>\)/);
    assertSyntaxError('stats pct(latency) by level', 6, /pct\(<field>, <percentile>\)/);
    assertSyntaxError('limit 0', 6, /whole number from 1 to 10000/);
    assertSyntaxError('filter @message like "open', 21, /closing "/);
    assertSyntaxError('filter nosuch(x) = 1', 7, /a known function/);
    assertSyntaxError('parse @message "* *" as a', 15, /as many \* in the pattern as field names/);
    assertSyntaxError('fields @message ) ', 16, /unexpected symbol found \) .*'\|' or the end of the query/);
  });

  it('reports start and end offsets of the symbol, as queryCompileError.location does', () => {
    try {
      parseInsightsQuery('fields @timestamp | sort @timestamp descc');
      assert.fail('expected a syntax error');
    } catch (e) {
      assert.ok(e instanceof InsightsSyntaxError);
      assert.deepEqual([e.startCharOffset, e.endCharOffset, e.line, e.column], [36, 40, 1, 36]);
    }
  });
});
