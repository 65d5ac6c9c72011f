/**
 * The same lib/aws/logs calls against moto (an independent AWS emulator) and the Codeflow sandbox.
 * Both start from the same fixture, written with the SDK (lib/aws has no write calls for logs):
 * a log group with two streams of plain and JSON lines. Assertions are about shapes and semantics
 * (order, pagination, de-duplication, error codes); what moto does not implement is skipped by name.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startSandbox } from '../../sandbox/server';
import { isAppError, type AppErrorCode } from '../errors';
import type { AwsClients } from './client';
import { appendLogEvents, filterLogEvents, listLogGroups, listLogStreams, readLogStream, startQuery, stopQuery, tailLogEvents, waitForQuery } from './logs';
import { testClients } from './testing/fixtures';
import { findMotoServer, freePort, startMoto } from './testing/moto';

type Check = 'Interleaving' | 'PatternSyntax' | 'PatternErrors' | 'InsightsStats' | 'InsightsErrors' | 'StopQuery';

interface LogsTarget {
  aws: AwsClients;
  /** Why a check cannot run on this target, keyed by check. */
  lacks: Partial<Record<Check, string>>;
  close(): Promise<void>;
}

const GROUP = '/contract/codeflow';
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;

/** Two tasks' streams; `b` has two events in the same millisecond, to test the tail's boundary. */
const FIXTURE: Record<string, { at: number; message: string }[]> = {
  'ecs/codeflow/aaaa': [
    { at: 1_000, message: 'Server listening on :3000' },
    { at: 10_000, message: JSON.stringify({ level: 'info', msg: 'request', path: '/api/services', status: 200, latency: 80 }) },
    { at: 20_000, message: JSON.stringify({ level: 'error', msg: 'request', path: '/api/deploys', status: 503, latency: 2400 }) },
    { at: 40_000, message: 'ERROR Unhandled exception: Error: boom' },
    { at: 41_000, message: 'process exited with code 1' },
  ],
  'ecs/codeflow/bbbb': [
    { at: 5_000, message: 'Server listening on :3000' },
    { at: 30_000, message: JSON.stringify({ level: 'info', msg: 'request', path: '/api/logs', status: 200, latency: 95 }) },
    { at: 30_000, message: 'WARN slow query took 900 ms' },
    { at: 50_000, message: JSON.stringify({ level: 'error', msg: 'request', path: '/api/alarms', status: 500, latency: 1800 }) },
  ],
};
const ALL = Object.values(FIXTURE).flat().length;

async function writeFixture(aws: AwsClients): Promise<void> {
  await aws.logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
  await aws.logs.send(new CreateLogGroupCommand({ logGroupName: '/contract/other' }));
  for (const [stream, events] of Object.entries(FIXTURE)) {
    await aws.logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: stream }));
    await aws.logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, logEvents: events.map((e) => ({ timestamp: T0 + e.at, message: e.message })) }));
  }
}

function contractSuite(name: string, setup: () => Promise<LogsTarget>): void {
  describe(`lib/aws/logs contract: ${name}`, { timeout: 120_000 }, () => {
    let target: LogsTarget;
    const window = { start: T0, end: T0 + 120_000 };
    before(async () => {
      target = await setup();
      await writeFixture(target.aws);
    });
    after(async () => {
      await target?.close();
    });

    it('lists log groups (with a prefix) and streams, most recent first', async () => {
      const groups = await collect(listLogGroups(target.aws, { prefix: '/contract/' }));
      assert.deepEqual(groups.map((g) => g.name), ['/contract/codeflow', '/contract/other']);
      const group = groups[0]!;
      assert.match(group.arn, /^arn:aws:logs:us-east-1:\d{12}:log-group:\/contract\/codeflow$/);
      assert.ok(group.createdAt && !Number.isNaN(Date.parse(group.createdAt)));
      const streams = await collect(listLogStreams(target.aws, GROUP));
      assert.deepEqual(streams.map((s) => s.name), ['ecs/codeflow/bbbb', 'ecs/codeflow/aaaa']);
      assert.equal(streams[0]!.lastEventAt, new Date(T0 + 50_000).toISOString());
    });

    it('filters all events oldest first, by stream, and by term and phrase', async () => {
      const all = await filterLogEvents(target.aws, { logGroup: GROUP, ...window, limit: 100 });
      assert.equal(all.events.length, ALL);
      const times = all.events.map((e) => Date.parse(e.timestamp));
      assert.deepEqual(times, [...times].sort((a, b) => a - b));
      assert.equal(new Set(all.events.map((e) => e.eventId)).size, ALL);
      assert.equal(all.nextToken, null);

      const one = await filterLogEvents(target.aws, { logGroup: GROUP, streams: ['ecs/codeflow/aaaa'], ...window, limit: 100 });
      assert.deepEqual(one.events.map((e) => e.message), FIXTURE['ecs/codeflow/aaaa']!.map((e) => e.message));

      const errors = await filterLogEvents(target.aws, { logGroup: GROUP, pattern: 'ERROR', ...window, limit: 100 });
      assert.deepEqual(errors.events.map((e) => e.message), ['ERROR Unhandled exception: Error: boom']);
      const phrase = await filterLogEvents(target.aws, { logGroup: GROUP, pattern: '"Server listening"', ...window, limit: 100 });
      assert.equal(phrase.events.length, 2);
      const inRange = await filterLogEvents(target.aws, { logGroup: GROUP, start: T0 + 20_000, end: T0 + 40_000, limit: 100 });
      assert.deepEqual(inRange.events.map((e) => Date.parse(e.timestamp) - T0), [20_000, 30_000, 30_000, 40_000], 'start and end are inclusive');
    });

    it('pages with limit and nextToken without repeating or losing events', async () => {
      const seen: string[] = [];
      let nextToken: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof filterLogEvents>> = await filterLogEvents(target.aws, { logGroup: GROUP, ...window, limit: 3, nextToken });
        assert.ok(page.events.length <= 3);
        seen.push(...page.events.map((e) => e.eventId));
        nextToken = page.nextToken;
      } while (nextToken);
      assert.equal(seen.length, ALL);
      assert.equal(new Set(seen).size, ALL);
    });

    it('understands ?OR terms, -exclusions and JSON selectors', async (t) => {
      if (target.lacks.PatternSyntax) return skip(t, target.lacks.PatternSyntax);
      const count = async (pattern: string) => (await filterLogEvents(target.aws, { logGroup: GROUP, pattern, ...window, limit: 100 })).events.length;
      assert.equal(await count('?ERROR ?WARN'), 2);
      assert.equal(await count('Server -"3000"'), 0);
      assert.equal(await count('{ $.status >= 500 }'), 2);
      assert.equal(await count('{ $.level = "error" && $.latency > 2000 }'), 1);
      assert.equal(await count('{ $.path = "/api/*" && $.status = 200 }'), 2);
    });

    it('tails across polls without repeating events, even at a shared millisecond', async (t) => {
      if (target.lacks.Interleaving) return skip(t, target.lacks.Interleaving);
      const first = await tailLogEvents(target.aws, { logGroup: GROUP, since: T0, until: window.end, limit: 5 });
      assert.equal(first.events.length, 5);
      assert.equal(first.cursor.timestamp, T0 + 30_000, 'the fifth event is the first of the two at +30 s');
      const second = await tailLogEvents(target.aws, { logGroup: GROUP, cursor: first.cursor, since: 0, until: window.end });
      assert.deepEqual(second.events.map((e) => Date.parse(e.timestamp) - T0), [30_000, 40_000, 41_000, 50_000]);
      const shown = [...first.events, ...second.events].map((e) => e.eventId);
      assert.equal(new Set(shown).size, ALL, 'every event exactly once');
      const third = await tailLogEvents(target.aws, { logGroup: GROUP, cursor: second.cursor, since: 0, until: window.end });
      assert.deepEqual(third.events, []);
    });

    it('appends to a stream it creates on first use and reads the stream back from its head (the audit anchors)', async () => {
      const stream = `anchors-${Date.now()}`;
      assert.equal(await readLogStream(target.aws, { logGroup: '/contract/other', stream }), null, 'a stream not yet written reads as null');
      const now = Date.now();
      await appendLogEvents(target.aws, { logGroup: '/contract/other', stream, events: [{ timestamp: now, message: 'anchor 1' }] });
      await appendLogEvents(target.aws, { logGroup: '/contract/other', stream, events: [{ timestamp: now + 1, message: 'anchor 2' }, { timestamp: now + 2, message: 'anchor 3' }] });
      const events = await readLogStream(target.aws, { logGroup: '/contract/other', stream });
      assert.deepEqual(events?.map((e) => e.message), ['anchor 1', 'anchor 2', 'anchor 3']);
      assert.equal(events?.[0]?.timestamp, new Date(now).toISOString());
      await assertAppError(appendLogEvents(target.aws, { logGroup: '/contract/nope', stream, events: [{ timestamp: now, message: 'x' }] }), 'not_found', /Log group "\/contract\/nope" was not found/);
    });

    it('maps unknown log groups to not_found', async () => {
      await assertAppError(filterLogEvents(target.aws, { logGroup: '/contract/nope', ...window, limit: 10 }), 'not_found', /Log group "\/contract\/nope" was not found/);
      await assertAppError(startQuery(target.aws, { logGroups: ['/contract/nope'], ...window, query: 'fields @message' }), 'not_found');
    });

    it('maps a malformed filter pattern to invalid', async (t) => {
      if (target.lacks.PatternErrors) return skip(t, target.lacks.PatternErrors);
      await assertAppError(filterLogEvents(target.aws, { logGroup: GROUP, pattern: '{ $.status >= }', ...window, limit: 10 }), 'invalid', /position/);
      // CloudWatch Logs regexes have no ( ) groups: a catastrophic-backtracking pattern is refused up front.
      await assertAppError(filterLogEvents(target.aws, { logGroup: GROUP, pattern: '%(a+)+$%', ...window, limit: 10 }), 'invalid');
    });

    it("runs the guide's Insights query: fields @timestamp, @message | sort @timestamp desc | limit N", async () => {
      const id = await startQuery(target.aws, { logGroups: [GROUP], ...window, query: 'fields @timestamp, @message | sort @timestamp desc | limit 2' });
      const results = await waitForQuery(target.aws, id, { pollMs: 50, timeoutMs: 10_000 });
      assert.equal(results.status, 'Complete');
      assert.equal(results.rows.length, 2);
      assert.ok(results.columns.includes('@timestamp') && results.columns.includes('@message'));
      assert.deepEqual(results.rows.map((r) => r['@message']), [FIXTURE['ecs/codeflow/bbbb']![3]!.message, 'process exited with code 1']);
    });

    it('runs stats count(*) by bin(1m)', async (t) => {
      if (target.lacks.InsightsStats) return skip(t, target.lacks.InsightsStats);
      const results = await waitForQuery(target.aws, await startQuery(target.aws, { logGroups: [GROUP], ...window, query: 'stats count(*) by bin(1m)' }), { pollMs: 50 });
      assert.deepEqual(results.columns, ['bin(1m)', 'count(*)']);
      assert.equal(results.rows.reduce((n, r) => n + Number(r['count(*)']), 0), ALL);
    });

    it('maps a malformed Insights query to invalid, naming the position', async (t) => {
      if (target.lacks.InsightsErrors) return skip(t, target.lacks.InsightsErrors);
      await assertAppError(startQuery(target.aws, { logGroups: [GROUP], ...window, query: 'fields @timestamp | sort @timestamp descc' }), 'invalid', /position 36/);
    });

    it('stops a query', async (t) => {
      if (target.lacks.StopQuery) return skip(t, target.lacks.StopQuery);
      const id = await startQuery(target.aws, { logGroups: [GROUP], ...window, query: 'fields @message' });
      assert.equal(typeof (await stopQuery(target.aws, id)), 'boolean');
    });
  });
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function assertAppError(p: Promise<unknown>, code: AppErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isAppError(e), `expected an AppError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

function skip(t: TestContext, reason: string): void {
  t.skip(reason);
}

const motoBin = findMotoServer();
if (!motoBin) {
  describe('lib/aws/logs contract: moto', () => {
    it('moto_server is not on PATH: the moto logs contract suite was NOT run', (t) => t.skip('moto_server not found on PATH'));
  });
} else {
  contractSuite('moto', async () => {
    const moto = await startMoto(motoBin);
    return {
      aws: testClients(moto.endpoint),
      lacks: {
        Interleaving: 'moto returns FilterLogEvents stream by stream rather than in time order across streams, so a page cut by limit is not the oldest events',
        PatternSyntax: 'moto matches only plain terms and quoted phrases; ?OR, -exclusions and JSON patterns return every event',
        PatternErrors: 'moto does not validate filter patterns',
        InsightsStats: 'moto runs only fields, sort and limit of Logs Insights (no stats)',
        InsightsErrors: 'moto does not reject malformed Insights queries',
        StopQuery: 'moto does not implement StopQuery',
      },
      close: () => moto.stop(),
    };
  });
}

contractSuite('sandbox', async () => {
  const running = await startSandbox({ port: await freePort(), seed: 42, speed: 0 });
  return { aws: testClients(running.url), lacks: {}, close: () => running.close() };
});
