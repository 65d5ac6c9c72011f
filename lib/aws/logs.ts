import {
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  GetQueryResultsCommand,
  PutLogEventsCommand,
  StartQueryCommand,
  StopQueryCommand,
  type FilteredLogEvent as SdkFilteredLogEvent,
  type GetQueryResultsCommandOutput,
  type LogGroup as SdkLogGroup,
  type LogStream as SdkLogStream,
  type ResultField as SdkResultField,
} from '@aws-sdk/client-cloudwatch-logs';
import { AppError, isAppError } from '../errors';
import { send, type AwsClients } from './client';
import {
  TERMINAL_QUERY_STATUSES,
  type LogEvent,
  type LogEventPage,
  type LogGroup,
  type LogStream,
  type LogStreamEvent,
  type LogTailCursor,
  type LogTailPage,
  type QueryResults,
  type QueryRow,
  type QueryStatus,
} from './logs-types';

/** A time as epoch ms, a Date or an ISO string. */
export type TimeInput = number | Date | string;

const millis = (t: TimeInput): number => (typeof t === 'number' ? t : new Date(t).getTime());

/** FilterLogEvents may answer with empty pages that still carry a token; follow at most this many. */
const MAX_PAGES_PER_CALL = 20;

export async function* listLogGroups(aws: AwsClients, opts: { prefix?: string } = {}): AsyncGenerator<LogGroup> {
  let nextToken: string | undefined;
  do {
    const page = await send(aws.logs, new DescribeLogGroupsCommand({ logGroupNamePrefix: opts.prefix, nextToken, limit: 50 }), aws.deadlineMs, 'DescribeLogGroups');
    yield* (page.logGroups ?? []).map(reshapeLogGroup);
    nextToken = page.nextToken;
  } while (nextToken);
}

/** Streams with the most recent events first, as a live view wants them. */
export async function* listLogStreams(aws: AwsClients, logGroup: string): AsyncGenerator<LogStream> {
  let nextToken: string | undefined;
  do {
    const page = await inGroup(
      logGroup,
      send(aws.logs, new DescribeLogStreamsCommand({ logGroupName: logGroup, orderBy: 'LastEventTime', descending: true, nextToken, limit: 50 }), aws.deadlineMs, 'DescribeLogStreams'),
    );
    yield* (page.logStreams ?? []).map(reshapeLogStream);
    nextToken = page.nextToken;
  } while (nextToken);
}

export interface FilterLogEventsInput {
  logGroup: string;
  /** Stream names (at most 100); all streams when absent. */
  streams?: string[];
  /** CloudWatch filter-pattern syntax: `ERROR`, `?WARN ?ERROR`, `{ $.status >= 500 }`. */
  pattern?: string;
  start: TimeInput;
  end: TimeInput;
  /** At most this many events (≤ 10000). */
  limit: number;
  nextToken?: string | null;
}

/**
 * One page of matching events, oldest first. AWS may return short or empty pages that still
 * carry a token, so this follows tokens until it has `limit` events or the range ends.
 */
export async function filterLogEvents(aws: AwsClients, input: FilterLogEventsInput): Promise<LogEventPage> {
  if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > 10_000) throw new AppError('invalid', 'limit must be a whole number from 1 to 10000');
  const events: LogEvent[] = [];
  let nextToken = input.nextToken ?? undefined;
  for (let pages = 0; pages < MAX_PAGES_PER_CALL; pages++) {
    const page = await inGroup(
      input.logGroup,
      send(
        aws.logs,
        new FilterLogEventsCommand({
          logGroupName: input.logGroup,
          logStreamNames: input.streams?.length ? input.streams : undefined,
          filterPattern: input.pattern?.trim() ? input.pattern : undefined,
          startTime: millis(input.start),
          endTime: millis(input.end),
          limit: input.limit - events.length,
          nextToken,
        }),
        aws.deadlineMs,
        'FilterLogEvents',
      ),
    );
    events.push(...(page.events ?? []).map(reshapeLogEvent));
    nextToken = page.nextToken;
    if (!nextToken || events.length >= input.limit) break;
  }
  // AWS interleaves streams by time; emulators may not (moto answers stream by stream).
  events.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  return { events, nextToken: nextToken ?? null };
}

export interface TailLogEventsInput {
  logGroup: string;
  streams?: string[];
  pattern?: string;
  /** Where the previous poll stopped; absent on the first poll. */
  cursor?: LogTailCursor | null;
  /** Where the first poll starts (e.g. ten minutes ago). */
  since: TimeInput;
  /** The end of the window, usually now. */
  until: TimeInput;
  limit?: number;
}

/**
 * One poll of a live tail (what `aws logs tail --follow` does): the events after the cursor,
 * oldest first, and the cursor to pass next time. Polls restart at the cursor's millisecond, so an
 * event landing in that same millisecond after the last poll is still shown, and the ones already
 * shown are skipped by id.
 */
export async function tailLogEvents(aws: AwsClients, input: TailLogEventsInput): Promise<LogTailPage> {
  const cursor = input.cursor ?? { timestamp: millis(input.since), eventIds: [] };
  const seen = new Set(cursor.eventIds);
  const limit = input.limit ?? 1000;
  const events: LogEvent[] = [];
  let nextToken: string | null = null;
  do {
    const page = await filterLogEvents(aws, {
      logGroup: input.logGroup,
      streams: input.streams,
      pattern: input.pattern,
      start: cursor.timestamp,
      end: input.until,
      // Room for the events at the boundary millisecond that are skipped below.
      limit: Math.min(10_000, limit - events.length + seen.size),
      nextToken,
    });
    events.push(...page.events.filter((e) => !seen.has(e.eventId)));
    nextToken = page.nextToken;
  } while (nextToken && events.length < limit);
  const shown = events.slice(0, limit);
  return { events: shown, cursor: advanceCursor(cursor, shown) };
}

/** The cursor after showing `events` (oldest first). */
export function advanceCursor(cursor: LogTailCursor, events: LogEvent[]): LogTailCursor {
  const last = events.at(-1);
  if (!last) return cursor;
  const timestamp = Date.parse(last.timestamp);
  const atLast = events.filter((e) => Date.parse(e.timestamp) === timestamp).map((e) => e.eventId);
  return { timestamp, eventIds: timestamp === cursor.timestamp ? [...cursor.eventIds, ...atLast] : atLast };
}

export interface StartQueryInput {
  logGroups: string[];
  start: TimeInput;
  end: TimeInput;
  /** Logs Insights query language: `fields @timestamp, @message | sort @timestamp desc | limit 100`. */
  query: string;
  limit?: number;
}

/** Starts a Logs Insights query; whole seconds, widened so no event in the range is left out. */
export async function startQuery(aws: AwsClients, input: StartQueryInput): Promise<string> {
  if (input.logGroups.length === 0) throw new AppError('invalid', 'A query needs at least one log group');
  const out = await inGroup(
    input.logGroups.join(', '),
    send(
      aws.logs,
      new StartQueryCommand({
        logGroupNames: input.logGroups,
        startTime: Math.floor(millis(input.start) / 1000),
        endTime: Math.ceil(millis(input.end) / 1000),
        queryString: input.query,
        limit: input.limit,
      }),
      aws.deadlineMs,
      'StartQuery',
    ),
  );
  if (!out.queryId) throw new AppError('upstream', 'CloudWatch Logs started the query but returned no query id');
  return out.queryId;
}

export async function getQueryResults(aws: AwsClients, queryId: string): Promise<QueryResults> {
  return reshapeQueryResults(await send(aws.logs, new GetQueryResultsCommand({ queryId }), aws.deadlineMs, 'GetQueryResults'));
}

/** True when the query was running and is now stopped; false when it had already finished. */
export async function stopQuery(aws: AwsClients, queryId: string): Promise<boolean> {
  const out = await send(aws.logs, new StopQueryCommand({ queryId }), aws.deadlineMs, 'StopQuery');
  return out.success ?? false;
}

/**
 * Polls a started query until it finishes or `timeoutMs` passes; on timeout the query is stopped
 * so it does not keep scanning (and billing) in the background.
 */
export async function waitForQuery(aws: AwsClients, queryId: string, opts: { pollMs?: number; timeoutMs?: number } = {}): Promise<QueryResults> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const results = await getQueryResults(aws, queryId);
    if (TERMINAL_QUERY_STATUSES.includes(results.status)) return results;
    if (Date.now() >= deadline) {
      await stopQuery(aws, queryId).catch(() => false);
      throw new AppError('unavailable', `The Logs Insights query did not finish within ${opts.timeoutMs ?? 60_000} ms and was stopped`);
    }
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 250));
  }
}

export interface AppendLogEventsInput {
  logGroup: string;
  stream: string;
  /** Oldest first; at most 10000 per call (AWS's limit). */
  events: { timestamp: TimeInput; message: string }[];
}

/**
 * Writes events to one stream (PutLogEvents), creating the stream first when it is missing, so a
 * writer needs only the group to exist. Codeflow writes its audit anchors this way
 * (lib/audit/anchors.ts): the task role may append to that one group and nothing else.
 */
export async function appendLogEvents(aws: AwsClients, input: AppendLogEventsInput): Promise<void> {
  if (input.events.length === 0) return;
  if (input.events.length > 10_000) throw new AppError('invalid', 'PutLogEvents takes at most 10000 events');
  const put = () =>
    send(
      aws.logs,
      new PutLogEventsCommand({ logGroupName: input.logGroup, logStreamName: input.stream, logEvents: input.events.map((e) => ({ timestamp: millis(e.timestamp), message: e.message })) }),
      aws.deadlineMs,
      'PutLogEvents',
    );
  try {
    await put();
  } catch (e) {
    if (!isAppError(e) || e.code !== 'not_found') throw e;
    try {
      await inGroup(input.logGroup, send(aws.logs, new CreateLogStreamCommand({ logGroupName: input.logGroup, logStreamName: input.stream }), aws.deadlineMs, 'CreateLogStream'));
    } catch (created) {
      // Another writer (a second replica) created it between our two calls: fine.
      if (!isAppError(created) || created.code !== 'conflict') throw created;
    }
    await put();
  }
}

/**
 * Every event of one stream, oldest first (GetLogEvents from the head, following the forward token
 * until it stops changing), at most `maxEvents`. Null when the stream does not exist yet.
 */
export async function readLogStream(aws: AwsClients, input: { logGroup: string; stream: string; maxEvents?: number }): Promise<LogStreamEvent[] | null> {
  const max = input.maxEvents ?? 100_000;
  const events: LogStreamEvent[] = [];
  let token: string | undefined;
  for (;;) {
    let page;
    try {
      page = await send(
        aws.logs,
        new GetLogEventsCommand({ logGroupName: input.logGroup, logStreamName: input.stream, startFromHead: true, nextToken: token, limit: Math.min(10_000, max - events.length) }),
        aws.deadlineMs,
        'GetLogEvents',
      );
    } catch (e) {
      if (isAppError(e) && e.code === 'not_found' && token === undefined) return null;
      throw e;
    }
    for (const e of page.events ?? []) events.push({ timestamp: isoOf(e.timestamp) ?? new Date(0).toISOString(), message: e.message ?? '' });
    // At the end of the stream AWS hands back the token it was given.
    if (!page.nextForwardToken || page.nextForwardToken === token || (page.events ?? []).length === 0 || events.length >= max) return events;
    token = page.nextForwardToken;
  }
}

/** These calls name one log group, so not_found means that group; say so in words. */
async function inGroup<T>(logGroup: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (e) {
    if (isAppError(e) && e.code === 'not_found') {
      throw new AppError('not_found', `Log group "${logGroup}" was not found`, { requestId: e.requestId, cause: e });
    }
    throw e;
  }
}

export function reshapeLogGroup(g: SdkLogGroup): LogGroup {
  return {
    name: g.logGroupName ?? '',
    // Older responses only carry `arn`, which ends in `:*`.
    arn: g.logGroupArn ?? (g.arn ?? '').replace(/:\*$/, ''),
    createdAt: isoOf(g.creationTime),
    retentionDays: g.retentionInDays ?? null,
    storedBytes: g.storedBytes ?? 0,
  };
}

export function reshapeLogStream(s: SdkLogStream): LogStream {
  return {
    name: s.logStreamName ?? '',
    createdAt: isoOf(s.creationTime),
    firstEventAt: isoOf(s.firstEventTimestamp),
    lastEventAt: isoOf(s.lastEventTimestamp),
    lastIngestionAt: isoOf(s.lastIngestionTime),
  };
}

export function reshapeLogEvent(e: SdkFilteredLogEvent): LogEvent {
  return {
    timestamp: isoOf(e.timestamp) ?? new Date(0).toISOString(),
    message: e.message ?? '',
    stream: e.logStreamName ?? '',
    eventId: e.eventId ?? `${e.logStreamName ?? ''}@${e.timestamp ?? 0}`,
  };
}

const QUERY_STATUSES = new Set<QueryStatus>(['Scheduled', 'Running', 'Complete', 'Failed', 'Cancelled', 'Timeout', 'Unknown']);

export function reshapeQueryResults(out: Pick<GetQueryResultsCommandOutput, 'status' | 'results' | 'statistics'>): QueryResults {
  const columns: string[] = [];
  const rows = (out.results ?? []).map((fields: SdkResultField[]) => {
    const row: QueryRow = {};
    for (const { field, value } of fields) {
      if (!field) continue;
      row[field] = value ?? '';
      if (field !== '@ptr' && !columns.includes(field)) columns.push(field);
    }
    return row;
  });
  const status = out.status && QUERY_STATUSES.has(out.status as QueryStatus) ? (out.status as QueryStatus) : 'Unknown';
  return {
    status,
    columns,
    rows,
    statistics: {
      recordsMatched: out.statistics?.recordsMatched ?? 0,
      recordsScanned: out.statistics?.recordsScanned ?? 0,
      bytesScanned: out.statistics?.bytesScanned ?? 0,
    },
  };
}

function isoOf(ms: number | undefined): string | null {
  return ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}
