import { and, desc, eq, gte, ilike, like, lt, or, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';
import { entryFromRow } from './hash';
import type { AuditEntry, AuditFilters } from './types';

export interface ListAuditOptions extends AuditFilters {
  /** The last seq of the previous page; the next page holds older entries. */
  cursor?: number | null;
  limit?: number;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: number | null;
}

export const MAX_AUDIT_PAGE = 500;

/** Newest first, keyset-paginated on seq, so pages stay stable while new entries arrive. */
export async function listAudit(db: Db, options: ListAuditOptions = {}): Promise<AuditPage> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), MAX_AUDIT_PAGE);
  const conditions = auditConditions(options);
  if (options.cursor !== undefined && options.cursor !== null) conditions.push(lt(auditLog.seq, options.cursor));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.seq))
    .limit(limit + 1);
  const entries = rows.slice(0, limit).map(entryFromRow);
  return { entries, nextCursor: rows.length > limit ? entries[entries.length - 1]!.seq : null };
}

function auditConditions(filters: AuditFilters): SQL[] {
  const conditions: SQL[] = [];
  const actor = filters.actor?.trim();
  if (actor) {
    const pattern = `%${escapeLike(actor)}%`;
    conditions.push(or(ilike(auditLog.actorName, pattern), ilike(auditLog.actorSubject, pattern))!);
  }
  const action = filters.action?.trim();
  if (action) {
    conditions.push(action.endsWith('*') ? like(auditLog.action, `${escapeLike(action.slice(0, -1))}%`) : eq(auditLog.action, action));
  }
  const target = filters.target?.trim();
  if (target) conditions.push(ilike(auditLog.target, `%${escapeLike(target)}%`));
  if (filters.outcome) conditions.push(eq(auditLog.outcome, filters.outcome));
  if (filters.from !== undefined) conditions.push(gte(auditLog.at, toDate(filters.from, 'from')));
  if (filters.to !== undefined) conditions.push(lt(auditLog.at, toDate(filters.to, 'to')));
  return conditions;
}

/** LIKE's wildcards in user input are literal characters. */
function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function toDate(value: Date | string, name: string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`audit filter "${name}" is not a date: ${String(value)}`);
  return date;
}
