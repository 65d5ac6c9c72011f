/**
 * Codeflow's view of CloudWatch Logs. Like lib/aws/types.ts: plain objects with ISO-8601
 * timestamps, so they cross the server/client boundary unchanged.
 */

export interface LogGroup {
  name: string;
  arn: string;
  createdAt: string | null;
  /** null: kept forever. */
  retentionDays: number | null;
  storedBytes: number;
}

export interface LogStream {
  name: string;
  createdAt: string | null;
  firstEventAt: string | null;
  lastEventAt: string | null;
  lastIngestionAt: string | null;
}

export interface LogEvent {
  timestamp: string;
  message: string;
  stream: string;
  /** Unique within the log group; tails de-duplicate by it. */
  eventId: string;
}

/** An event read from one stream (GetLogEvents). */
export interface LogStreamEvent {
  /** ISO 8601. */
  timestamp: string;
  message: string;
}

export interface LogEventPage {
  events: LogEvent[];
  /** Pass back to read on; null when the range is exhausted. */
  nextToken: string | null;
}

/**
 * Where a tail stopped: the newest event time seen (epoch ms) and the ids of the events at that
 * millisecond, so the next poll can start at that millisecond again without repeating them.
 */
export interface LogTailCursor {
  timestamp: number;
  eventIds: string[];
}

export interface LogTailPage {
  events: LogEvent[];
  cursor: LogTailCursor;
}

export type QueryStatus = 'Scheduled' | 'Running' | 'Complete' | 'Failed' | 'Cancelled' | 'Timeout' | 'Unknown';

/** One result row: field name → value, as Logs Insights prints it (times as `2026-11-27 10:00:00.000`). */
export type QueryRow = Record<string, string>;

export interface QueryResults {
  status: QueryStatus;
  /** Field names in the order the rows first show them, without the internal `@ptr`. */
  columns: string[];
  rows: QueryRow[];
  statistics: { recordsMatched: number; recordsScanned: number; bytesScanned: number };
}

export const TERMINAL_QUERY_STATUSES: readonly QueryStatus[] = ['Complete', 'Failed', 'Cancelled', 'Timeout'];
