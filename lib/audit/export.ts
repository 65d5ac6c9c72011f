import type { Db } from '../db/client';
import { listAudit, MAX_AUDIT_PAGE } from './list';
import type { AuditEntry, AuditFilters } from './types';

export type AuditExportFormat = 'csv' | 'json';

const COLUMNS = [
  'seq', 'at', 'actor_issuer', 'actor_subject', 'actor_name', 'actor_role', 'action', 'target', 'outcome',
  'reason', 'intent_seq', 'request_id', 'aws_request_ids', 'params', 'prev_hash', 'hash',
] as const;

/**
 * The filtered log, newest first like the screen, as chunks of CSV or a JSON array; page by page,
 * so a large export never sits in memory. Hashes are included so the file can be checked later.
 */
export async function* exportAudit(db: Db, filters: AuditFilters, format: AuditExportFormat): AsyncGenerator<string> {
  if (format === 'csv') yield csvRow(COLUMNS);
  else yield '[';
  let cursor: number | null = null;
  let first = true;
  do {
    const page = await listAudit(db, { ...filters, cursor, limit: MAX_AUDIT_PAGE });
    if (page.entries.length > 0) {
      yield format === 'csv'
        ? page.entries.map((e) => csvRow(csvCells(e))).join('')
        : page.entries.map((e, i) => `${first && i === 0 ? '' : ','}\n${JSON.stringify(e)}`).join('');
      first = false;
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  if (format === 'json') yield first ? ']\n' : '\n]\n';
}

function csvCells(e: AuditEntry): (string | number | null)[] {
  return [
    e.seq, e.at, e.actor?.issuer ?? null, e.actor?.subject ?? null, e.actor?.name ?? null, e.actor?.role ?? null,
    e.action, e.target, e.outcome, e.reason, e.intentSeq, e.requestId,
    JSON.stringify(e.awsRequestIds), e.params === null ? null : JSON.stringify(e.params), e.prevHash, e.hash,
  ];
}

/** RFC 4180 row, CRLF-terminated. */
export function csvRow(cells: readonly (string | number | null)[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or CR that it strips first) as a
 * formula; a leading quote makes it text. Numbers are ours and never need it.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}
