import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  MalformedQueryException,
  PutLogEventsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { isAppError } from '../lib/errors';
import { describeServices, listTaskArns, registerTaskDefinition, updateService, describeTaskDefinition } from '../lib/aws/ecs';
import { filterLogEvents, getQueryResults, listLogGroups, listLogStreams, startQuery, stopQuery, tailLogEvents, waitForQuery } from '../lib/aws/logs';
import { testClients } from '../lib/aws/testing/fixtures';
import type { AwsClients } from '../lib/aws/client';
import { startSandbox, type RunningSandbox } from './server';

const START = Date.parse('2026-11-27T10:00:30Z');
const MINUTE = 60_000;

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isAppError(e), `expected an AppError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

describe('sandbox CloudWatch Logs', { timeout: 120_000 }, () => {
  let running: RunningSandbox;
  let aws: AwsClients;
  const now = () => running.sandbox.now();
  const advance = (seconds: number) => fetch(`${running.url}/_sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds }) });

  before(async () => {
    running = await startSandbox({ seed: 42, speed: 0, startTime: START });
    aws = testClients(running.url);
  });
  after(() => running?.close());

  it('has one log group per task-definition family, named by its awslogs-group', async () => {
    const groups = await collect(listLogGroups(aws));
    const names = groups.map((g) => g.name);
    for (const name of ['/ecs/codeflow', '/ecs/codeflow-worker', '/ecs/payments-api', '/ecs/codeflow-staging', '/ecs/reports-worker']) assert.ok(names.includes(name), name);
    const codeflow = groups.find((g) => g.name === '/ecs/codeflow')!;
    assert.equal(codeflow.arn, 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/codeflow');
    assert.ok(codeflow.storedBytes > 0);
    assert.deepEqual((await collect(listLogGroups(aws, { prefix: '/ecs/codeflow' }))).map((g) => g.name), ['/ecs/codeflow', '/ecs/codeflow-staging', '/ecs/codeflow-worker']);

    const paged = await aws.logs.send(new DescribeLogGroupsCommand({ limit: 2 }));
    assert.equal(paged.logGroups?.length, 2);
    const rest = await aws.logs.send(new DescribeLogGroupsCommand({ limit: 50, nextToken: paged.nextToken }));
    assert.equal((rest.logGroups?.length ?? 0) + 2, names.length);
    const byPattern = await aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'PAYMENTS' }));
    assert.deepEqual(byPattern.logGroups?.map((g) => g.logGroupName), ['/ecs/payments-api']);
  });

  it('codeflow-service writes recent access lines into /ecs/codeflow, one stream per task (ecs/<container>/<task-id>)', async () => {
    const page = await filterLogEvents(aws, { logGroup: '/ecs/codeflow', start: now() - 10 * MINUTE, end: now(), limit: 10_000 });
    assert.ok(page.events.length >= 60, `about a handful per task per minute (got ${page.events.length})`);
    const times = page.events.map((e) => Date.parse(e.timestamp));
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'oldest first, interleaved across streams');
    const line = JSON.parse(page.events.at(-1)!.message) as Record<string, unknown>;
    assert.equal(line.msg, 'request');
    assert.equal(typeof line.status, 'number');
    assert.equal(typeof line.latency, 'number');
    assert.match(String(line.requestId), /^[0-9a-f]{8}-/);

    const taskIds = (await collect(listTaskArns(aws, 'codeflow-cluster', { serviceName: 'codeflow-service', desiredStatus: 'RUNNING' }))).map((arn) => arn.split('/').pop());
    const streams = new Set(page.events.map((e) => e.stream));
    assert.deepEqual([...streams].sort(), taskIds.map((id) => `ecs/codeflow/${id}`).sort());
    const listed = await collect(listLogStreams(aws, '/ecs/codeflow'));
    assert.deepEqual(new Set(listed.map((s) => s.name)), streams);
    assert.ok(listed.every((s, i) => i === 0 || Date.parse(listed[i - 1]!.lastEventAt!) >= Date.parse(s.lastEventAt!)), 'most recent first');
  });

  it('is deterministic: the same seed and clock give the same lines', async () => {
    const other = await startSandbox({ seed: 42, speed: 0, startTime: START });
    try {
      const read = (url: string) => filterLogEvents(testClients(url), { logGroup: '/ecs/payments-api', start: START - 5 * MINUTE, end: START, limit: 500 });
      const [a, b] = await Promise.all([read(running.url), read(other.url)]);
      assert.ok(a.events.length > 0);
      assert.deepEqual(a.events, b.events);
    } finally {
      await other.close();
    }
  });

  it('pages GetLogEvents forwards and backwards with f/ and b/ tokens, returning the same token at the end', async () => {
    const [stream] = await collect(listLogStreams(aws, '/ecs/codeflow'));
    const all = (await filterLogEvents(aws, { logGroup: '/ecs/codeflow', streams: [stream!.name], start: 0, end: now(), limit: 10_000 })).events.map((e) => e.message);
    const forward: string[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await aws.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/codeflow', logStreamName: stream!.name, startFromHead: true, limit: 100, nextToken: token }));
      forward.push(...(page.events ?? []).map((e) => e.message!));
      assert.match(page.nextForwardToken!, /^f\/\d{56}$/);
      if (page.nextForwardToken === token) break;
      token = page.nextForwardToken;
    }
    assert.deepEqual(forward, all);

    const tail = await aws.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/codeflow', logStreamName: stream!.name, limit: 5 }));
    assert.deepEqual(tail.events?.map((e) => e.message), all.slice(-5), 'without startFromHead the newest events come back');
    const before = await aws.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/codeflow', logStreamName: stream!.name, limit: 5, nextToken: tail.nextBackwardToken }));
    assert.deepEqual(before.events?.map((e) => e.message), all.slice(-10, -5));
    await assert.rejects(aws.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/codeflow', logStreamName: 'ecs/codeflow/nope' })), { name: 'ResourceNotFoundException' });
  });

  it('orders DescribeLogStreams by name or last event time, and refuses a prefix with LastEventTime', async () => {
    const byName = await aws.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/ecs/codeflow', logStreamNamePrefix: 'ecs/codeflow/' }));
    const names = byName.logStreams!.map((s) => s.logStreamName!);
    assert.deepEqual(names, [...names].sort());
    await assert.rejects(
      aws.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/ecs/codeflow', logStreamNamePrefix: 'ecs/', orderBy: 'LastEventTime' })),
      { name: 'InvalidParameterException' },
    );
  });

  it('paginates FilterLogEvents with nextToken without repeating or losing events', async () => {
    const whole = await aws.logs.send(new FilterLogEventsCommand({ logGroupName: '/ecs/payments-api', startTime: now() - 30 * MINUTE }));
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await aws.logs.send(new FilterLogEventsCommand({ logGroupName: '/ecs/payments-api', startTime: now() - 30 * MINUTE, limit: 37, nextToken }));
      ids.push(...page.events!.map((e) => e.eventId!));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(ids, whole.events!.map((e) => e.eventId));
    assert.equal(new Set(ids).size, ids.length);
  });

  it('a bad rollout leaves crash lines (ERROR …, process exited) and 5xx access lines', async () => {
    const rolloutAt = now();
    const [service] = await describeServices(aws, 'codeflow-cluster', ['codeflow-service']);
    const base = await describeTaskDefinition(aws, service!.taskDefinitionArn);
    const bad = await registerTaskDefinition(aws, { baseTaskDefinitionArn: base.arn, images: { codeflow: '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.5.0-bad' } });
    await updateService(aws, { cluster: 'codeflow-cluster', service: 'codeflow-service', taskDefinition: bad.arn });
    await advance(240);

    const errors = await filterLogEvents(aws, { logGroup: '/ecs/codeflow', pattern: 'ERROR', start: rolloutAt, end: now(), limit: 1000 });
    assert.ok(errors.events.length >= 3, `one crash per failed task (got ${errors.events.length})`);
    assert.ok(errors.events.every((e) => e.message.startsWith('ERROR Unhandled exception: ')));
    const crashedStream = errors.events[0]!.stream;
    const crashed = await filterLogEvents(aws, { logGroup: '/ecs/codeflow', streams: [crashedStream], start: rolloutAt, end: now(), limit: 100 });
    const messages = crashed.events.map((e) => e.message);
    assert.ok(messages.some((m) => m.includes('start')), 'startup lines come first');
    assert.ok(!messages.some((m) => m.startsWith('Server listening')), 'a bad image dies before it listens');
    assert.ok(messages.some((m) => m.startsWith('    at ')), 'the stack trace follows');
    assert.equal(messages.at(-1), 'process exited with code 1');

    const failing = await filterLogEvents(aws, { logGroup: '/ecs/codeflow', pattern: '{ $.status >= 500 }', start: rolloutAt, end: now(), limit: 1000 });
    assert.ok(failing.events.length >= 1, 'the surviving tasks answer some requests with 5xx while the service is unhealthy');
    for (const e of failing.events) {
      const line = JSON.parse(e.message) as { level: string; status: number; latency: number };
      assert.equal(line.level, 'error');
      assert.ok(line.status >= 500);
      assert.ok(line.latency > 500, `slow while unhealthy (${line.latency} ms)`);
    }
    const slowErrors = await filterLogEvents(aws, { logGroup: '/ecs/codeflow', pattern: '{ $.level = "error" && $.latency > 500 }', start: rolloutAt, end: now(), limit: 1000 });
    assert.deepEqual(slowErrors.events.map((e) => e.eventId), failing.events.map((e) => e.eventId));
    const either = await filterLogEvents(aws, { logGroup: '/ecs/codeflow', pattern: '?ERROR ?exited', start: rolloutAt, end: now(), limit: 1000 });
    assert.equal(either.events.length, errors.events.length * 2);
  });

  it('tails with a cursor: nothing repeats across polls, new minutes arrive', async () => {
    const first = await tailLogEvents(aws, { logGroup: '/ecs/codeflow', since: now() - 2 * MINUTE, until: now() });
    assert.ok(first.events.length > 0);
    const again = await tailLogEvents(aws, { logGroup: '/ecs/codeflow', cursor: first.cursor, since: 0, until: now() });
    assert.deepEqual(again.events, [], 'a poll with nothing new returns nothing');
    await advance(120);
    const next = await tailLogEvents(aws, { logGroup: '/ecs/codeflow', cursor: first.cursor, since: 0, until: now() });
    assert.ok(next.events.length > 0);
    const seen = new Set(first.events.map((e) => e.eventId));
    assert.ok(next.events.every((e) => !seen.has(e.eventId)));
    assert.ok(Date.parse(next.events[0]!.timestamp) >= first.cursor.timestamp);
  });

  it('runs Logs Insights: stats count(*) by bin(1m) and the guide’s query complete with results', async () => {
    const end = now();
    const statsId = await startQuery(aws, { logGroups: ['/ecs/codeflow'], start: end - 30 * MINUTE, end, query: 'stats count(*) by bin(1m)' });
    const early = await getQueryResults(aws, statsId);
    assert.ok(['Scheduled', 'Running', 'Complete'].includes(early.status));
    const stats = await waitForQuery(aws, statsId, { pollMs: 50 });
    assert.equal(stats.status, 'Complete');
    assert.deepEqual(stats.columns, ['bin(1m)', 'count(*)']);
    assert.ok(stats.rows.length >= 25, `a row per minute (got ${stats.rows.length})`);
    assert.ok(stats.rows.every((r) => /^\d{4}-\d\d-\d\d \d\d:\d\d:00\.000$/.test(r['bin(1m)']!) && Number(r['count(*)']) > 0));
    assert.ok(stats.statistics.recordsScanned > 0);

    const guide = await waitForQuery(aws, await startQuery(aws, { logGroups: ['/ecs/codeflow'], start: end - 30 * MINUTE, end, query: 'fields @timestamp, @message | sort @timestamp desc | limit 100' }), { pollMs: 50 });
    assert.equal(guide.rows.length, 100);
    assert.deepEqual(guide.columns, ['@timestamp', '@message']);
    const times = guide.rows.map((r) => r['@timestamp']!);
    assert.deepEqual(times, [...times].sort().reverse());

    const errors = await waitForQuery(aws, await startQuery(aws, { logGroups: ['/ecs/codeflow', '/ecs/payments-api'], start: end - 30 * MINUTE, end, query: 'filter ispresent(status) | stats count(*) as requests, avg(latency) as avgLatency, pct(latency, 95) as p95 by level | sort requests desc' }), { pollMs: 50 });
    assert.equal(errors.rows[0]!.level, 'info');
    assert.ok(Number(errors.rows[0]!.p95) >= Number(errors.rows[0]!.avgLatency) * 0.5);
  });

  it('answers a malformed query with MalformedQueryException, its location, and an invalid AppError naming the position', async () => {
    const query = 'fields @timestamp | sort @timestamp descc';
    await assert.rejects(aws.logs.send(new StartQueryCommand({ logGroupName: '/ecs/codeflow', startTime: 0, endTime: 1, queryString: query })), (e: unknown) => {
      assert.ok(e instanceof MalformedQueryException);
      assert.deepEqual(e.queryCompileError?.location, { startCharOffset: 36, endCharOffset: 40 });
      assert.match(e.message, /unexpected symbol found descc at line 1 and position 36/);
      return true;
    });
    await rejectsWith(startQuery(aws, { logGroups: ['/ecs/codeflow'], start: 0, end: now(), query }), 'invalid', /position 36/);
  });

  it('maps a bad filter pattern to invalid and unknown groups and queries to not_found', async () => {
    await rejectsWith(filterLogEvents(aws, { logGroup: '/ecs/codeflow', pattern: '{ $.status >= }', start: 0, end: now(), limit: 10 }), 'invalid', /Invalid filter pattern: .*position 14/);
    await rejectsWith(filterLogEvents(aws, { logGroup: '/ecs/nope', start: 0, end: now(), limit: 10 }), 'not_found', /Log group "\/ecs\/nope" was not found/);
    await rejectsWith(startQuery(aws, { logGroups: ['/ecs/nope'], start: 0, end: now(), query: 'fields @message' }), 'not_found');
    await rejectsWith(getQueryResults(aws, '00000000-0000-0000-0000-000000000000'), 'not_found');
  });

  it("refuses regex patterns CloudWatch Logs refuses, at once: a viewer's %(a+)+$% cannot stall the sandbox", { timeout: 20_000 }, async () => {
    const line = `${'a'.repeat(24)}!`;
    await aws.logs.send(new PutLogEventsCommand({ logGroupName: '/ecs/codeflow', logStreamName: (await aws.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/ecs/codeflow' }))).logStreams![0]!.logStreamName!, logEvents: [{ timestamp: now(), message: line }] }));
    await assert.rejects(aws.logs.send(new FilterLogEventsCommand({ logGroupName: '/ecs/codeflow', filterPattern: '%(a+)+$%' })), (e: Error) => {
      assert.equal(e.name, 'InvalidParameterException');
      assert.match(e.message, /^Invalid filter pattern: Invalid character\(s\) in term '%\(a\+\)\+\$%'/);
      return true;
    });
    await assert.rejects(aws.logs.send(new FilterLogEventsCommand({ logGroupName: '/ecs/codeflow', filterPattern: '%[a-z]{1,1000}[a-z]{1,1000}[a-z]{1,1000}!%' })), (e: Error) => {
      assert.equal(e.name, 'InvalidParameterException');
      assert.match(e.message, /too complex/);
      return true;
    });
    // Without groups the same idea still backtracks polynomially; it runs in linear time all the same.
    const found = await aws.logs.send(new FilterLogEventsCommand({ logGroupName: '/ecs/codeflow', filterPattern: '%^a*a*a*a*a*a*a*a*!$%', startTime: now() - 60_000 }));
    assert.deepEqual(found.events?.map((e) => e.message), [line]);
  });

  it('stops a running query', async () => {
    const id = await startQuery(aws, { logGroups: ['/ecs/codeflow'], start: now() - MINUTE, end: now(), query: 'fields @message' });
    assert.equal(await stopQuery(aws, id), true);
    assert.equal((await getQueryResults(aws, id)).status, 'Cancelled');
    assert.equal(await stopQuery(aws, id), false, 'a finished query cannot be stopped again');
  });
});

describe('sandbox CloudWatch Logs: flapping and crash-looping services', { timeout: 120_000 }, () => {
  it('reports-worker crash-loops with ERROR lines from the start', async () => {
    const running = await startSandbox({ seed: 42, speed: 0, startTime: START });
    try {
      const aws = testClients(running.url);
      const errors = await filterLogEvents(aws, { logGroup: '/ecs/reports-worker', pattern: '"ERROR Unhandled exception"', start: START - 30 * MINUTE, end: START, limit: 100 });
      assert.ok(errors.events.length >= 20, 'about one crash a minute in the synthesized history');
    } finally {
      await running.close();
    }
  });

  it('search-indexer (leaky) warns about memory, then is OOM-killed', async () => {
    const running = await startSandbox({ seed: 42, speed: 0, startTime: START });
    try {
      const aws = testClients(running.url);
      running.sandbox.advance(4 * 3600);
      const end = running.sandbox.now();
      const killed = await filterLogEvents(aws, { logGroup: '/ecs/search-indexer', pattern: '"JavaScript heap out of memory"', start: START, end, limit: 100 });
      assert.ok(killed.events.length >= 1, 'an OOM kill within four hours');
      const warnings = await filterLogEvents(aws, { logGroup: '/ecs/search-indexer', streams: [killed.events[0]!.stream], pattern: '{ $.msg = "memory usage high" && $.percent >= 80 }', start: START, end, limit: 100 });
      assert.ok(warnings.events.length >= 1, 'memory warnings before the kill');
      assert.ok(Date.parse(warnings.events.at(-1)!.timestamp) <= Date.parse(killed.events[0]!.timestamp));
    } finally {
      await running.close();
    }
  });
});
