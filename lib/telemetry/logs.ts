import type { AwsClients } from '../aws/client';
import { cacheForPlace, perPlace } from '../accounts/per-place';
import type { PlaceRef } from '../accounts/places';
import { getAwsClients } from '../aws/default-clients';
import { filterLogEvents, listLogGroups, startQuery, tailLogEvents, waitForQuery } from '../aws/logs';
import type { LogEvent, LogGroup, LogTailCursor, QueryResults } from '../aws/logs-types';
import { createCache, type Cache } from '../cache/cached';
import { createSingleFlight, type SingleFlight } from '../cache/single-flight';
import { AppError } from '../errors';

/** Searches and queries reach back at most this far, even in groups kept longer. */
export const MAX_LOOKBACK_DAYS = 30;
/** Clock skew we tolerate between the browser, this server and CloudWatch. */
export const FUTURE_SLACK_MS = 5 * 60_000;
/** CloudWatch accepts events stamped up to two hours ahead; a live tail reads that far. */
const TAIL_AHEAD_MS = 2 * 60 * 60_000;
/** A tail's first poll shows the last ten minutes, as `aws logs tail` does. */
export const TAIL_FIRST_WINDOW_MS = 10 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

export interface TimeRange {
  start: number;
  end: number;
}

/**
 * The range a search or query may cover: not reversed, not in the future, not older than the
 * group keeps events (nor than MAX_LOOKBACK_DAYS). The message names the allowed range.
 */
export function validateTimeRange(range: TimeRange, opts: { now: number; retentionDays: number | null }): TimeRange {
  const lookbackDays = Math.min(opts.retentionDays ?? MAX_LOOKBACK_DAYS, MAX_LOOKBACK_DAYS);
  const earliest = opts.now - lookbackDays * DAY_MS;
  const latest = opts.now + FUTURE_SLACK_MS;
  const allowed = `allowed: from ${iso(earliest)} (${lookbackDays} days ago) to ${iso(opts.now)} (now)`;
  if (!Number.isFinite(range.start) || !Number.isFinite(range.end)) throw new AppError('invalid', `start and end must be times; ${allowed}`);
  if (range.end <= range.start) throw new AppError('invalid', `The time range is reversed or empty (start ${iso(range.start)} is not before end ${iso(range.end)}); ${allowed}`);
  if (range.start > latest) throw new AppError('invalid', `The time range starts in the future (${iso(range.start)}); ${allowed}`);
  if (range.end > latest) throw new AppError('invalid', `The time range ends in the future (${iso(range.end)}); ${allowed}`);
  if (range.start < earliest) throw new AppError('invalid', `The time range starts before the logs kept (${iso(range.start)}); ${allowed}`);
  return range;
}

export interface Semaphore {
  /** Resolves with a release function once a slot is free; rate_limited after waiting `maxWaitMs`. */
  acquire(): Promise<() => void>;
  readonly running: number;
  readonly waiting: number;
}

export function createSemaphore(max: number, maxWaitMs: number, message = 'Too many run at once; try again'): Semaphore {
  let running = 0;
  const queue: { grant: () => void; timer: ReturnType<typeof setTimeout> }[] = [];
  const release = () => {
    const next = queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.grant();
    } else {
      running--;
    }
  };
  const once = () => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
    };
  };
  return {
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
    acquire() {
      if (running < max) {
        running++;
        return Promise.resolve(once());
      }
      return new Promise((resolve, reject) => {
        const entry = {
          grant: () => resolve(once()),
          timer: setTimeout(() => {
            queue.splice(queue.indexOf(entry), 1);
            reject(new AppError('rate_limited', message));
          }, maxWaitMs),
        };
        queue.push(entry);
      });
    },
  };
}

/** Identical queries share one run: same groups (any order), same text, same whole-second range. */
export function insightsKey(groups: string[], query: string, start: number, end: number): string {
  return JSON.stringify([[...new Set(groups)].sort(), query.trim(), Math.floor(start / 1000), Math.ceil(end / 1000)]);
}

/**
 * A cheap check before AWS: unbalanced quotes, brackets or braces. CloudWatch validates the rest
 * and its errors come back as `invalid` with the position it names.
 */
export function checkBalanced(text: string, what: string): void {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: { ch: string; at: number }[] = [];
  let quote: { ch: string; at: number } | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote.ch) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = { ch, at: i };
    else if (ch === '(' || ch === '[' || ch === '{') stack.push({ ch, at: i });
    else if (ch in pairs) {
      const open = stack.pop();
      if (!open || open.ch !== pairs[ch]) throw new AppError('invalid', `${what}: unexpected "${ch}" at position ${i + 1}`);
    }
  }
  if (quote) throw new AppError('invalid', `${what}: unclosed ${quote.ch} opened at position ${quote.at + 1}`);
  const open = stack.pop();
  if (open) throw new AppError('invalid', `${what}: unclosed "${open.ch}" opened at position ${open.at + 1}`);
}

export interface LogsContext {
  aws: AwsClients;
  cache: Cache;
  groupsTtlMs: number;
  insights: Semaphore;
  flight: SingleFlight;
  /** How long one Insights query may run before it is stopped. */
  queryTimeoutMs: number;
  now: () => number;
}

export function createLogsContext(opts: Partial<LogsContext> & { aws: AwsClients }): LogsContext {
  return {
    cache: createCache(),
    groupsTtlMs: 60_000,
    insights: createSemaphore(4, 10_000, 'Too many Insights queries are running; try again'),
    flight: createSingleFlight(),
    queryTimeoutMs: 30_000,
    now: Date.now,
    ...opts,
  };
}

/** One per place per server process; the Insights limit is per account and Region, as CloudWatch's is. */
export function getLogsContext(ref?: PlaceRef): LogsContext {
  return perPlace('logs', ref, (place) => createLogsContext({ aws: getAwsClients(place), cache: cacheForPlace(createCache(), place) }));
}

export interface LogGroupList {
  groups: LogGroup[];
  fetchedAt: string;
  stale: boolean;
}

export async function listGroups(ctx: LogsContext = getLogsContext()): Promise<LogGroupList> {
  const result = await ctx.cache.cached('logs:groups', ctx.groupsTtlMs, () => collect(listLogGroups(ctx.aws)));
  const groups = [...result.value].sort((a, b) => a.name.localeCompare(b.name));
  return { groups, fetchedAt: new Date(result.fetchedAt).toISOString(), stale: result.stale };
}

/** From the cached list, so an unknown group is a 404 without asking AWS. */
export async function getGroupOrThrow(name: string, ctx: LogsContext = getLogsContext()): Promise<LogGroup> {
  const { groups } = await listGroups(ctx);
  const group = groups.find((g) => g.name === name);
  if (!group) throw new AppError('not_found', `Log group "${name}" was not found`);
  return group;
}

export interface LogEventsPage {
  events: LogEvent[];
  /** Tail: the cursor for the next poll; search: the token for the next page (null at the end). */
  nextCursor: string | null;
}

export interface TailOptions {
  streams?: string[];
  pattern?: string;
  cursor?: string | null;
  limit?: number;
}

/** One poll of a live tail; pass `nextCursor` back as `cursor`. */
export async function tail(groupName: string, opts: TailOptions, ctx: LogsContext = getLogsContext()): Promise<LogEventsPage> {
  if (opts.pattern) checkBalanced(opts.pattern, 'Filter pattern');
  await getGroupOrThrow(groupName, ctx);
  const now = ctx.now();
  const page = await tailLogEvents(ctx.aws, {
    logGroup: groupName,
    streams: opts.streams,
    pattern: opts.pattern,
    cursor: opts.cursor ? decodeTailCursor(opts.cursor) : null,
    since: now - TAIL_FIRST_WINDOW_MS,
    until: now + TAIL_AHEAD_MS,
    limit: opts.limit ?? 500,
  });
  return { events: page.events, nextCursor: encodeTailCursor(page.cursor) };
}

export interface SearchOptions {
  streams?: string[];
  pattern?: string;
  start: number;
  end: number;
  limit: number;
  nextToken?: string | null;
}

export async function search(groupName: string, opts: SearchOptions, ctx: LogsContext = getLogsContext()): Promise<LogEventsPage> {
  if (opts.pattern) checkBalanced(opts.pattern, 'Filter pattern');
  const group = await getGroupOrThrow(groupName, ctx);
  const range = validateTimeRange({ start: opts.start, end: opts.end }, { now: ctx.now(), retentionDays: group.retentionDays });
  const page = await filterLogEvents(ctx.aws, { logGroup: groupName, streams: opts.streams, pattern: opts.pattern, ...range, limit: opts.limit, nextToken: opts.nextToken });
  return { events: page.events, nextCursor: page.nextToken };
}

/**
 * Runs a Logs Insights query to completion. At most `ctx.insights` run at once across the
 * server; an identical query already running is joined rather than started again.
 */
export interface InsightsResults {
  status: QueryResults['status'];
  /** Column names in the order the rows first show them. */
  fields: string[];
  rows: QueryResults['rows'];
  statistics: QueryResults['statistics'];
}

export async function runInsightsQuery(groups: string[], query: string, start: number, end: number, ctx: LogsContext = getLogsContext()): Promise<InsightsResults> {
  checkBalanced(query, 'Query');
  const known = await Promise.all(groups.map((g) => getGroupOrThrow(g, ctx)));
  const shortest = known.reduce<number | null>((min, g) => (g.retentionDays === null ? min : min === null ? g.retentionDays : Math.min(min, g.retentionDays)), null);
  validateTimeRange({ start, end }, { now: ctx.now(), retentionDays: shortest });
  return ctx.flight(insightsKey(groups, query, start, end), async () => {
    const release = await ctx.insights.acquire();
    try {
      const queryId = await startQuery(ctx.aws, { logGroups: [...new Set(groups)].sort(), query, start, end });
      const results = await waitForQuery(ctx.aws, queryId, { timeoutMs: ctx.queryTimeoutMs, pollMs: 300 });
      return { status: results.status, fields: results.columns, rows: results.rows.map(({ '@ptr': _ptr, ...row }) => row), statistics: results.statistics };
    } finally {
      release();
    }
  });
}

export function encodeTailCursor(cursor: LogTailCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeTailCursor(text: string): LogTailCursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null) {
      const { timestamp, eventIds } = value as Record<string, unknown>;
      if (typeof timestamp === 'number' && Number.isFinite(timestamp) && Array.isArray(eventIds) && eventIds.every((id) => typeof id === 'string')) {
        return { timestamp, eventIds: eventIds.slice(0, 1000) as string[] };
      }
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('invalid', 'cursor: not a cursor this server returned; start the tail again');
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
