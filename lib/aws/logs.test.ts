import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MalformedQueryException, ResourceNotFoundException, InvalidParameterException } from '@aws-sdk/client-cloudwatch-logs';
import { toAppError } from './errors';
import { advanceCursor, reshapeLogEvent, reshapeLogGroup, reshapeLogStream, reshapeQueryResults } from './logs';

const T = Date.parse('2026-11-27T10:00:00.000Z');

describe('reshape CloudWatch Logs shapes', () => {
  it('maps log groups, preferring logGroupArn and dropping the :* of the legacy arn', () => {
    assert.deepEqual(reshapeLogGroup({ logGroupName: '/ecs/codeflow', arn: 'arn:aws:logs:us-east-1:1:log-group:/ecs/codeflow:*', creationTime: T, storedBytes: 42 }), {
      name: '/ecs/codeflow',
      arn: 'arn:aws:logs:us-east-1:1:log-group:/ecs/codeflow',
      createdAt: '2026-11-27T10:00:00.000Z',
      retentionDays: null,
      storedBytes: 42,
    });
    assert.equal(reshapeLogGroup({ logGroupArn: 'arn:x', arn: 'arn:y:*', retentionInDays: 30 }).arn, 'arn:x');
  });

  it('maps streams and events with ISO times', () => {
    assert.deepEqual(reshapeLogStream({ logStreamName: 'ecs/codeflow/abc', creationTime: T, lastEventTimestamp: T + 1000 }), {
      name: 'ecs/codeflow/abc',
      createdAt: '2026-11-27T10:00:00.000Z',
      firstEventAt: null,
      lastEventAt: '2026-11-27T10:00:01.000Z',
      lastIngestionAt: null,
    });
    assert.deepEqual(reshapeLogEvent({ logStreamName: 's', timestamp: T, message: 'hi', eventId: '1', ingestionTime: T + 5 }), { timestamp: '2026-11-27T10:00:00.000Z', message: 'hi', stream: 's', eventId: '1' });
  });

  it('turns query results into rows and columns, keeping @ptr out of the columns', () => {
    const out = reshapeQueryResults({
      status: 'Complete',
      results: [
        [{ field: '@timestamp', value: '2026-11-27 10:00:00.000' }, { field: '@message', value: 'a' }, { field: '@ptr', value: 'p1' }],
        [{ field: '@timestamp', value: '2026-11-27 09:59:00.000' }, { field: 'extra', value: 'x' }],
      ],
      statistics: { recordsMatched: 2, recordsScanned: 10, bytesScanned: 100 },
    });
    assert.equal(out.status, 'Complete');
    assert.deepEqual(out.columns, ['@timestamp', '@message', 'extra']);
    assert.deepEqual(out.rows[0], { '@timestamp': '2026-11-27 10:00:00.000', '@message': 'a', '@ptr': 'p1' });
    assert.deepEqual(out.statistics, { recordsMatched: 2, recordsScanned: 10, bytesScanned: 100 });
    assert.equal(reshapeQueryResults({ status: 'Weird' as never }).status, 'Unknown');
  });
});

describe('tail cursor', () => {
  const ev = (offset: number, id: string) => ({ timestamp: new Date(T + offset).toISOString(), message: id, stream: 's', eventId: id });

  it('remembers the ids at the newest millisecond', () => {
    assert.deepEqual(advanceCursor({ timestamp: T - 1000, eventIds: ['old'] }, [ev(0, 'a'), ev(5, 'b'), ev(5, 'c')]), { timestamp: T + 5, eventIds: ['b', 'c'] });
  });

  it('adds to the ids when still at the same millisecond, and stays put with nothing new', () => {
    assert.deepEqual(advanceCursor({ timestamp: T, eventIds: ['a'] }, [ev(0, 'b')]), { timestamp: T, eventIds: ['a', 'b'] });
    const cursor = { timestamp: T, eventIds: ['a'] };
    assert.equal(advanceCursor(cursor, []), cursor);
  });
});

describe('CloudWatch Logs errors', () => {
  const meta = { $metadata: { requestId: 'req-1', httpStatusCode: 400 } };

  it('maps MalformedQueryException to invalid, keeping the position', () => {
    const e = new MalformedQueryException({ message: 'unexpected symbol found descc at line 1 and position 36', ...meta, queryCompileError: { location: { startCharOffset: 36, endCharOffset: 40 } } });
    const app = toAppError(e, 'StartQuery', { service: 'CloudWatch Logs' });
    assert.equal(app.code, 'invalid');
    assert.match(app.message, /position 36/);
    assert.equal(app.requestId, 'req-1');
  });

  it('adds the location when the message does not say where', () => {
    const e = new MalformedQueryException({ message: 'Query is malformed', ...meta, queryCompileError: { location: { startCharOffset: 7, endCharOffset: 9 } } });
    assert.match(toAppError(e, 'StartQuery').message, /Query is malformed \(at characters 7–9\)/);
  });

  it('maps InvalidParameterException to invalid and ResourceNotFoundException to not_found', () => {
    assert.equal(toAppError(new InvalidParameterException({ message: 'Invalid filter pattern (at position 3)', ...meta }), 'FilterLogEvents').code, 'invalid');
    assert.equal(toAppError(new ResourceNotFoundException({ message: 'The specified log group does not exist.', ...meta }), 'FilterLogEvents').code, 'not_found');
  });
});
