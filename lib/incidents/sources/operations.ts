import { and, desc, eq, gte, isNull, lte, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { operations } from '../../db/schema';
import { AppError, isAppError } from '../../errors';
import { getOperation } from '../../ops/store';
import type { Operation } from '../../ops/types';
import { registerSourceResolver, type ResolvedSource } from '../sources';
import { registerTimelineSource, type TimelineSource, type TimelineWindow } from '../timeline';
import type { Incident, TimelineEntry } from '../types';
import { clip, OPERATION_STATUS_TEXT, OPERATION_VERB, operationIncidentTitle, operationSourceLabel } from './operation-text';

/*
 * The seam between incidents and Codeflow's own operations (lib/ops):
 * - a timeline source: every deploy, rollback, scale, restart or traffic switch Codeflow ran on the
 *   incident's services during its window, who asked, how it ended, with the operation id as ref
 *   (the console links it to /operations/{id});
 * - an `operation` source resolver: opening an incident from an operation takes its service, a
 *   title saying what happened, and a label for the source.
 * Registered in the server process by lib/incidents/server.ts (registerOperationSources).
 */

export type DbProvider = () => Promise<Db>;

const MAX_OPERATIONS = 100;

const who = (p: { subject: string; name: string | null } | null) => (p ? (p.name ?? p.subject) : null);
const inWindow = (iso: string | null, w: TimelineWindow) => iso !== null && Date.parse(iso) >= w.from.getTime() && Date.parse(iso) <= w.to.getTime();

/** An operation as timeline entries: when it was requested, and when it ended (each if inside the window). */
export function operationEntries(op: Operation, w: TimelineWindow): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const where = `${op.cluster}/${op.service}`;
  const finished = op.finishedAt !== null;
  if (inWindow(op.createdAt, w)) {
    const now = finished ? '' : ` (now ${OPERATION_STATUS_TEXT[op.status]})`;
    out.push({
      at: op.createdAt,
      kind: 'operation',
      actor: who(op.requestedBy),
      text: `${where}: ${OPERATION_VERB[op.kind]} requested: ${op.plan.summary}${now}; reason: ${clip(op.reason, 200)}`,
      ref: op.id,
    });
  }
  if (finished && inWindow(op.finishedAt, w)) {
    out.push({
      at: op.finishedAt!,
      kind: 'operation',
      actor: op.approvedBy ? `approved by ${who(op.approvedBy)}` : null,
      text: `${where}: ${OPERATION_VERB[op.kind]} ${OPERATION_STATUS_TEXT[op.status]}${op.error ? `: ${clip(op.error, 300)}` : ''}`,
      ref: op.id,
    });
  }
  return out;
}

/** Codeflow's operations on the incident's services that started or ended inside the window. */
export function operationsTimelineSource(db: DbProvider): TimelineSource {
  return {
    name: 'operations',
    async collect(incident: Incident, w: TimelineWindow): Promise<TimelineEntry[]> {
      if (incident.services.length === 0) return [];
      const onServices = or(...incident.services.slice(0, 50).map((s) => and(eq(operations.cluster, s.cluster), eq(operations.service, s.service)))) as SQL;
      const overlaps = and(lte(operations.createdAt, w.to), or(gte(operations.createdAt, w.from), gte(operations.finishedAt, w.from), isNull(operations.finishedAt))) as SQL;
      const d = await db();
      const rows = await d.select({ id: operations.id }).from(operations).where(and(onServices, overlaps)).orderBy(desc(operations.createdAt)).limit(MAX_OPERATIONS);
      const ops = await Promise.all(rows.map((r) => getOperation(d, r.id)));
      return ops.flatMap((op) => operationEntries(op, w));
    },
  };
}

export interface ResolvedOperationSource extends ResolvedSource {
  title: string;
  /** Where the operation ran, per policy ("production", "staging", …): the console suggests P1 for production. */
  environment: string;
}

export async function resolveOperation(db: DbProvider, ref: string): Promise<ResolvedOperationSource> {
  const id = ref.trim();
  let op: Operation;
  try {
    op = await getOperation(await db(), id);
  } catch (e) {
    if (isAppError(e) && (e.code === 'invalid' || e.code === 'not_found')) throw new AppError('invalid', `source.ref: Codeflow has no operation "${id.slice(0, 60)}"`);
    throw e;
  }
  return {
    source: { kind: 'operation', ref: op.id, label: operationSourceLabel(op) },
    services: [{ account: op.account, region: op.region, cluster: op.cluster, service: op.service }],
    title: operationIncidentTitle(op),
    environment: op.plan.environment,
  };
}

/** Once per process (idempotent: registries are keyed by name/kind on globalThis). */
export function registerOperationSources(db: DbProvider): void {
  registerTimelineSource(operationsTimelineSource(db));
  registerSourceResolver('operation', (ref) => resolveOperation(db, ref));
}
