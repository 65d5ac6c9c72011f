import { randomUUID } from 'node:crypto';
import { AwsError } from '../protocol/errors';
import type { ServiceDefinition } from '../protocol/operations';
import type { Sandbox } from '../state';
import { compileFilterPattern, FilterPatternError } from '../telemetry/filter-pattern';
import { InsightsSyntaxError, MAX_RESULT_LIMIT, parseInsightsQuery, type CompiledQuery } from '../telemetry/insights';
import { LogsSimulation } from '../telemetry/logs-simulation';
import { indexAfter, indexAtTime, LogStore, type LogEventRecord, type LogGroupRecord, type LogStreamRecord } from '../telemetry/logs-store';
import { optionalNumber, optionalString, optionalStringList, pageSize, paginate, requiredString } from './input';

/** How long a query reports Running before Complete (wall clock): clients must poll, as with AWS. */
export const QUERY_RUNNING_MS = 100;

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;

const groupNotFound = () => new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
const streamNotFound = () => new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
const badToken = () => new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');

/** `logGroupIdentifier` takes a name or an ARN (with or without the trailing `:*`). */
function groupNameOf(identifier: string): string {
  const match = /^arn:aws[\w-]*:logs:[^:]*:\d*:log-group:(.+?)(:\*)?$/.exec(identifier);
  return match ? match[1]! : identifier;
}

function booleanInput(input: Record<string, unknown>, name: string): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new AwsError('InvalidParameterException', `${name} must be a boolean.`);
  return value;
}

/** FilterLogEvents tokens name the last event returned, so pages hold while old events age out. */
const encodeAfter = (eventId: string) => Buffer.from(JSON.stringify({ after: eventId })).toString('base64');

function decodeAfter(token: string | undefined): string | null {
  if (!token) return null;
  try {
    const { after } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { after?: unknown };
    if (typeof after === 'string' && /^\d{56}$/.test(after)) return after;
  } catch {
    // fall through
  }
  throw badToken();
}

const groupOut = (g: LogGroupRecord) => ({
  logGroupName: g.name,
  creationTime: g.creationTime,
  retentionInDays: g.retentionInDays,
  metricFilterCount: 0,
  arn: `${g.arn}:*`,
  logGroupArn: g.arn,
  storedBytes: Math.max(0, g.storedBytes),
  logGroupClass: 'STANDARD',
});

const streamOut = (g: LogGroupRecord, s: LogStreamRecord) => ({
  logStreamName: s.name,
  creationTime: s.creationTime,
  firstEventTimestamp: s.firstEventTimestamp,
  lastEventTimestamp: s.lastEventTimestamp,
  lastIngestionTime: s.lastIngestionTime,
  uploadSequenceToken: '49039859' + String(s.lastIngestionTime ?? s.creationTime).padStart(48, '0'),
  arn: `${g.arn}:log-stream:${s.name}`,
  // Deprecated by AWS and always 0 there.
  storedBytes: 0,
});

const eventOut = (e: LogEventRecord) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime });

function compilePattern(pattern: string | undefined) {
  try {
    return compileFilterPattern(pattern);
  } catch (e) {
    if (e instanceof FilterPatternError) throw new AwsError('InvalidParameterException', `Invalid filter pattern: ${e.message}`);
    throw e;
  }
}

function compileQuery(queryString: string): CompiledQuery {
  try {
    return parseInsightsQuery(queryString);
  } catch (e) {
    if (e instanceof InsightsSyntaxError) {
      throw new AwsError('MalformedQueryException', e.message, 400, {
        queryCompileError: { location: { startCharOffset: e.startCharOffset, endCharOffset: e.endCharOffset }, message: e.detail },
      });
    }
    throw e;
  }
}

/**
 * CloudWatch Logs (awsJson 1.1, `Logs_20140328`): the fleet's awslogs groups and streams, written
 * by a simulation plugin every simulated minute, plus groups and events clients create themselves.
 */
export function logsService(sandbox: Sandbox): ServiceDefinition {
  const store = new LogStore(sandbox.region, undefined, sandbox.accountId);
  sandbox.addPlugin(new LogsSimulation(store));

  const groupFrom = (input: Record<string, unknown>): LogGroupRecord => {
    const name = optionalString(input, 'logGroupName');
    const identifier = optionalString(input, 'logGroupIdentifier');
    if (name && identifier) throw new AwsError('InvalidParameterException', 'LogGroup name and LogGroup ARN are mutually exclusive parameters.');
    const ref = name ?? (identifier ? groupNameOf(identifier) : undefined);
    if (!ref) throw new AwsError('InvalidParameterException', 'Either logGroupName or logGroupIdentifier must be specified.');
    const group = store.groups.get(ref);
    if (!group) throw groupNotFound();
    return group;
  };

  const limitOf = (input: Record<string, unknown>, max: number, fallback: number) => pageSize(input, 'limit', max, fallback);

  return {
    signingName: 'logs',
    protocols: ['awsJson1_1'],
    targetPrefix: 'Logs_20140328',
    operations: {
      DescribeLogGroups(input) {
        const prefix = optionalString(input, 'logGroupNamePrefix');
        const pattern = optionalString(input, 'logGroupNamePattern');
        if (prefix && pattern) throw new AwsError('InvalidParameterException', 'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
        const needle = pattern?.toLowerCase();
        const groups = [...store.groups.values()]
          .filter((g) => (!prefix || g.name.startsWith(prefix)) && (!needle || g.name.toLowerCase().includes(needle)))
          .sort((a, b) => (a.name < b.name ? -1 : 1))
          .map(groupOut);
        const { page, next } = paginate(groups, optionalString(input, 'nextToken'), limitOf(input, 50, 50));
        return { logGroups: page, nextToken: next };
      },

      DescribeLogStreams(input) {
        const group = groupFrom(input);
        const prefix = optionalString(input, 'logStreamNamePrefix');
        const orderBy = optionalString(input, 'orderBy') ?? 'LogStreamName';
        if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') throw new AwsError('InvalidParameterException', `1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`);
        if (prefix && orderBy === 'LastEventTime') throw new AwsError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
        const descending = booleanInput(input, 'descending') ?? false;
        const key = (s: LogStreamRecord) => (orderBy === 'LastEventTime' ? (s.lastEventTimestamp ?? s.creationTime) : s.name);
        const streams = [...group.streams.values()]
          .filter((s) => !prefix || s.name.startsWith(prefix))
          .sort((a, b) => {
            const ka = key(a);
            const kb = key(b);
            const c = ka < kb ? -1 : ka > kb ? 1 : a.name < b.name ? -1 : 1;
            return descending ? -c : c;
          })
          .map((s) => streamOut(group, s));
        const { page, next } = paginate(streams, optionalString(input, 'nextToken'), limitOf(input, 50, 50));
        return { logStreams: page, nextToken: next };
      },

      GetLogEvents(input) {
        const group = groupFrom(input);
        const streamName = requiredString(input, 'logStreamName');
        if (!group.streams.has(streamName)) throw streamNotFound();
        const startTime = optionalNumber(input, 'startTime') ?? 0;
        const endTime = optionalNumber(input, 'endTime') ?? Number.MAX_SAFE_INTEGER;
        const limit = limitOf(input, 10_000, 10_000);
        const token = optionalString(input, 'nextToken');
        const tokenMatch = token ? /^([fb])\/(\d{56})$/.exec(token) : null;
        if (token && !tokenMatch) throw badToken();
        const events = group.events.filter((e) => e.stream === streamName && e.timestamp >= startTime && e.timestamp < endTime);

        let page: LogEventRecord[];
        if (tokenMatch?.[1] === 'f') page = events.slice(indexAfter(events, tokenMatch[2]!)).slice(0, limit);
        else if (tokenMatch?.[1] === 'b') {
          const end = indexAfter(events, tokenMatch[2]!, true);
          page = events.slice(Math.max(0, end - limit), end);
        } else page = booleanInput(input, 'startFromHead') ? events.slice(0, limit) : events.slice(-limit);

        // At either end of the stream the token passed in comes back, which is how clients know to stop.
        const edge = tokenMatch?.[2] ?? events.at(-1)?.eventId ?? '0'.repeat(56);
        return {
          events: page.map(eventOut),
          nextForwardToken: `f/${page.at(-1)?.eventId ?? edge}`,
          nextBackwardToken: `b/${page[0]?.eventId ?? edge}`,
        };
      },

      FilterLogEvents(input) {
        const group = groupFrom(input);
        const streamNames = optionalStringList(input, 'logStreamNames');
        const streamPrefix = optionalString(input, 'logStreamNamePrefix');
        if (streamNames && streamPrefix) throw new AwsError('InvalidParameterException', 'logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
        if (streamNames && (streamNames.length === 0 || streamNames.length > 100)) throw new AwsError('InvalidParameterException', 'logStreamNames must name from 1 to 100 log streams.');
        const startTime = optionalNumber(input, 'startTime') ?? 0;
        const endTime = optionalNumber(input, 'endTime') ?? Number.MAX_SAFE_INTEGER;
        if (endTime < startTime) throw new AwsError('InvalidParameterException', 'endTime can not be less than startTime.');
        const limit = limitOf(input, 10_000, 10_000);
        const matches = compilePattern(optionalString(input, 'filterPattern'));
        const after = decodeAfter(optionalString(input, 'nextToken'));
        const wanted = streamNames ? new Set(streamNames) : null;

        const events: LogEventRecord[] = [];
        let more = false;
        const from = Math.max(indexAtTime(group.events, startTime), after ? indexAfter(group.events, after) : 0);
        for (let i = from; i < group.events.length; i++) {
          const e = group.events[i]!;
          if (e.timestamp > endTime) break;
          if (wanted ? !wanted.has(e.stream) : streamPrefix && !e.stream.startsWith(streamPrefix)) continue;
          if (!matches(e.message)) continue;
          if (events.length === limit) {
            more = true;
            break;
          }
          events.push(e);
        }
        return {
          events: events.map((e) => ({ logStreamName: e.stream, ...eventOut(e), eventId: e.eventId })),
          nextToken: more ? encodeAfter(events.at(-1)!.eventId) : undefined,
        };
      },

      StartQuery(input) {
        const name = optionalString(input, 'logGroupName');
        const names = optionalStringList(input, 'logGroupNames');
        const identifiers = optionalStringList(input, 'logGroupIdentifiers');
        const given = [name, names, identifiers].filter((v) => v !== undefined);
        if (given.length !== 1) throw new AwsError('InvalidParameterException', 'Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be specified.');
        const refs = name ? [name] : names ?? identifiers!.map(groupNameOf);
        if (refs.length === 0 || refs.length > 50) throw new AwsError('InvalidParameterException', 'A query can search from 1 to 50 log groups.');
        const groups = refs.map((ref) => {
          const group = store.groups.get(ref);
          if (!group) throw new AwsError('ResourceNotFoundException', `Log group '${ref}' does not exist for account ID '${sandbox.accountId}'`);
          return group;
        });
        const startTime = optionalNumber(input, 'startTime');
        const endTime = optionalNumber(input, 'endTime');
        if (startTime === undefined || endTime === undefined) throw new AwsError('InvalidParameterException', 'startTime and endTime are required.');
        if (endTime < startTime) throw new AwsError('InvalidParameterException', 'endTime can not be less than startTime.');
        const queryString = requiredString(input, 'queryString');
        if (queryString.length > 10_000) throw new AwsError('InvalidParameterException', 'queryString can be at most 10000 characters.');
        const limit = input.limit === undefined ? undefined : limitOf(input, MAX_RESULT_LIMIT, MAX_RESULT_LIMIT);
        const query = compileQuery(queryString);

        // Both ends are whole seconds and inclusive.
        const from = startTime * 1000;
        const to = endTime * 1000 + 999;
        const events = groups.flatMap((g) => {
          const out = [];
          for (let i = indexAtTime(g.events, from); i < g.events.length && g.events[i]!.timestamp <= to; i++) {
            const e = g.events[i]!;
            out.push({ timestamp: e.timestamp, ingestionTime: e.ingestionTime, message: e.message, logStream: e.stream, log: `${sandbox.accountId}:${g.name}`, ptr: Buffer.from(`${g.name}|${e.eventId}`).toString('base64') });
          }
          return out;
        });
        const id = randomUUID();
        store.addQuery({ id, queryString, logGroups: refs, startTime, endTime, startedAtWall: Date.now(), createTime: sandbox.now(), cancelled: false, output: query.run(events, { limit }) });
        return { queryId: id };
      },

      GetQueryResults(input) {
        const query = store.queries.get(requiredString(input, 'queryId'));
        if (!query) throw new AwsError('ResourceNotFoundException', 'The specified query does not exist.');
        const status = statusOf(query);
        const complete = status === 'Complete';
        return {
          queryLanguage: 'CWLI',
          status,
          results: complete ? query.output.results : [],
          statistics: complete ? { ...query.output.statistics, logGroupsScanned: query.logGroups.length, estimatedRecordsSkipped: 0 } : { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 },
        };
      },

      StopQuery(input) {
        const query = store.queries.get(requiredString(input, 'queryId'));
        if (!query) throw new AwsError('ResourceNotFoundException', 'The specified query does not exist.');
        if (statusOf(query) !== 'Running') return { success: false };
        query.cancelled = true;
        return { success: true };
      },

      DescribeQueries(input) {
        const groupName = optionalString(input, 'logGroupName');
        const status = optionalString(input, 'status');
        const queries = [...store.queries.values()]
          .reverse()
          .filter((q) => (!groupName || q.logGroups.includes(groupName)) && (!status || statusOf(q) === status))
          .map((q) => ({ queryId: q.id, queryString: q.queryString, status: statusOf(q), createTime: q.createTime, logGroupName: q.logGroups[0], queryLanguage: 'CWLI' }));
        const { page, next } = paginate(queries, optionalString(input, 'nextToken'), pageSize(input, 'maxResults', 1000, 1000));
        return { queries: page, nextToken: next };
      },

      CreateLogGroup(input) {
        const name = requiredString(input, 'logGroupName');
        if (!GROUP_NAME.test(name)) throw new AwsError('InvalidParameterException', `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`);
        if (store.groups.has(name)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
        store.ensureGroup(name, sandbox.now());
        return {};
      },

      DeleteLogGroup(input) {
        const name = requiredString(input, 'logGroupName');
        if (!store.groups.delete(name)) throw groupNotFound();
        return {};
      },

      PutRetentionPolicy(input) {
        const group = groupFrom(input);
        const days = optionalNumber(input, 'retentionInDays');
        if (days === undefined || !Number.isInteger(days) || days < 1) throw new AwsError('InvalidParameterException', 'retentionInDays must be a positive whole number of days.');
        group.retentionInDays = days;
        return {};
      },

      CreateLogStream(input) {
        const group = groupFrom(input);
        const name = requiredString(input, 'logStreamName');
        if (!STREAM_NAME.test(name)) throw new AwsError('InvalidParameterException', `1 validation error detected: Value '${name}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`);
        if (group.streams.has(name)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
        store.ensureStream(group, name, sandbox.now());
        return {};
      },

      PutLogEvents(input) {
        const group = groupFrom(input);
        const streamName = requiredString(input, 'logStreamName');
        if (!group.streams.has(streamName)) throw streamNotFound();
        const events = input.logEvents;
        if (!Array.isArray(events) || events.length === 0 || events.length > 10_000) throw new AwsError('InvalidParameterException', 'logEvents must hold from 1 to 10000 events.');
        const parsed = events.map((e: unknown) => {
          const { timestamp, message } = (e ?? {}) as { timestamp?: unknown; message?: unknown };
          if (typeof timestamp !== 'number' || typeof message !== 'string' || message === '') throw new AwsError('InvalidParameterException', 'Each log event needs a numeric timestamp and a non-empty message.');
          return { timestamp, message };
        });
        if (parsed.some((e, i) => i > 0 && e.timestamp < parsed[i - 1]!.timestamp)) throw new AwsError('InvalidParameterException', 'Log events in a single PutLogEvents request must be in chronological order.');
        const ingestionTime = Math.max(sandbox.now(), ...parsed.map((e) => e.timestamp));
        store.append(group, streamName, parsed.map((e) => ({ ...e, ingestionTime })));
        return { nextSequenceToken: '49039859' + String(ingestionTime).padStart(48, '0') };
      },
    },
  };
}

function statusOf(query: { cancelled: boolean; startedAtWall: number }): 'Running' | 'Complete' | 'Cancelled' {
  if (query.cancelled) return 'Cancelled';
  return Date.now() - query.startedAtWall < QUERY_RUNNING_MS ? 'Running' : 'Complete';
}
