import { DEFAULT_ACCOUNT_ID } from '../sim/world';
import type { QueryOutput } from './insights';

export interface LogEventRecord {
  timestamp: number;
  ingestionTime: number;
  message: string;
  stream: string;
  /** 56 digits, as AWS's: the timestamp then a sequence, so string order is time order. */
  eventId: string;
}

export interface LogStreamRecord {
  name: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  storedBytes: number;
}

export interface LogGroupRecord {
  name: string;
  arn: string;
  creationTime: number;
  retentionInDays?: number;
  streams: Map<string, LogStreamRecord>;
  /** Sorted by eventId (timestamp first). */
  events: LogEventRecord[];
  storedBytes: number;
}

export interface LogStoreLimits {
  /** Events kept per group; the oldest go first, like a ring buffer. */
  maxEventsPerGroup: number;
  /** Sim time kept, counted back from the newest minute. */
  retentionMs: number;
}

export interface LogQueryRecord {
  id: string;
  queryString: string;
  logGroups: string[];
  /** Epoch seconds, as StartQuery takes them. */
  startTime: number;
  endTime: number;
  /** Wall-clock ms: a query reports Running for a moment, as real ones do, then Complete. */
  startedAtWall: number;
  createTime: number;
  cancelled: boolean;
  output: QueryOutput;
}

/** Logs Insights keeps results for 7 days; the sandbox keeps the most recent queries. */
export const MAX_QUERIES = 200;

export const DEFAULT_LOG_LIMITS: LogStoreLimits = { maxEventsPerGroup: 20_000, retentionMs: 24 * 3600_000 };

/** Events carry this much overhead in storedBytes, roughly what CloudWatch bills per event. */
const EVENT_OVERHEAD_BYTES = 26;

export function eventIdOf(timestamp: number, sequence: number): string {
  return String(Math.max(0, timestamp)).padStart(20, '0') + String(sequence).padStart(36, '0');
}

/** Index of the first event whose id is greater than `eventId` (or ≥ when `inclusive`). */
export function indexAfter(events: LogEventRecord[], eventId: string, inclusive = false): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const id = events[mid]!.eventId;
    if (id < eventId || (!inclusive && id === eventId)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first event at or after `timestamp`. */
export function indexAtTime(events: LogEventRecord[], timestamp: number): number {
  return indexAfter(events, eventIdOf(timestamp, 0), true);
}

/** CloudWatch Logs' state in the sandbox: groups, streams and bounded, time-ordered events. */
export class LogStore {
  readonly groups = new Map<string, LogGroupRecord>();
  readonly queries = new Map<string, LogQueryRecord>();
  private sequence = 0;

  constructor(
    readonly region: string,
    readonly limits: LogStoreLimits = DEFAULT_LOG_LIMITS,
    readonly accountId = DEFAULT_ACCOUNT_ID,
  ) {}

  clear(): void {
    this.groups.clear();
    this.queries.clear();
    this.sequence = 0;
  }

  groupArn(name: string): string {
    return `arn:aws:logs:${this.region}:${this.accountId}:log-group:${name}`;
  }

  ensureGroup(name: string, creationTime: number): LogGroupRecord {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, arn: this.groupArn(name), creationTime, streams: new Map(), events: [], storedBytes: 0 };
      this.groups.set(name, group);
    }
    return group;
  }

  addQuery(query: LogQueryRecord): void {
    this.queries.set(query.id, query);
    if (this.queries.size > MAX_QUERIES) this.queries.delete(this.queries.keys().next().value!);
  }

  ensureStream(group: LogGroupRecord, name: string, creationTime: number): LogStreamRecord {
    let stream = group.streams.get(name);
    if (!stream) {
      stream = { name, creationTime, storedBytes: 0 };
      group.streams.set(name, stream);
    }
    return stream;
  }

  /** Adds events to one stream; they may arrive in any order. */
  append(group: LogGroupRecord, streamName: string, events: { timestamp: number; message: string; ingestionTime: number }[]): void {
    if (events.length === 0) return;
    const stream = this.ensureStream(group, streamName, events[0]!.timestamp);
    const records = events.map((e) => ({ ...e, stream: streamName, eventId: eventIdOf(e.timestamp, ++this.sequence) }));
    records.sort((a, b) => (a.eventId < b.eventId ? -1 : 1));
    const last = group.events.at(-1);
    if (!last || last.eventId < records[0]!.eventId) group.events.push(...records);
    else for (const r of records) group.events.splice(indexAfter(group.events, r.eventId), 0, r);
    for (const r of records) {
      const bytes = Buffer.byteLength(r.message) + EVENT_OVERHEAD_BYTES;
      stream.storedBytes += bytes;
      group.storedBytes += bytes;
      stream.firstEventTimestamp = Math.min(stream.firstEventTimestamp ?? r.timestamp, r.timestamp);
      stream.lastEventTimestamp = Math.max(stream.lastEventTimestamp ?? r.timestamp, r.timestamp);
      stream.lastIngestionTime = Math.max(stream.lastIngestionTime ?? r.ingestionTime, r.ingestionTime);
    }
    if (group.events.length > this.limits.maxEventsPerGroup * 1.25) this.dropOldest(group, group.events.length - this.limits.maxEventsPerGroup);
  }

  /** Forgets what is older than the retention window, and streams left without events. */
  prune(now: number): void {
    const cutoff = now - this.limits.retentionMs;
    for (const group of this.groups.values()) {
      const count = indexAtTime(group.events, cutoff);
      if (count > 0) this.dropOldest(group, count);
      for (const [name, stream] of group.streams) {
        if ((stream.lastEventTimestamp ?? stream.creationTime) < cutoff) group.streams.delete(name);
      }
    }
  }

  private dropOldest(group: LogGroupRecord, count: number): void {
    const dropped = group.events.splice(0, count);
    for (const e of dropped) {
      const bytes = Buffer.byteLength(e.message) + EVENT_OVERHEAD_BYTES;
      group.storedBytes -= bytes;
      const stream = group.streams.get(e.stream);
      if (stream) stream.storedBytes -= bytes;
    }
  }
}
