import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { PlaceRef } from '../accounts/places';
import { appendAudit } from '../audit/append';
import { systemActor } from '../audit/system-actor';
import { withAudit } from '../audit/with-audit';
import type { Actor } from '../audit/types';
import { atLeast, ROLES } from '../auth/roles';
import { effectiveRole } from '../auth/users';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import { escalationRoster, incidentEscalations, incidentEvents, incidents, type IncidentEscalationRow, type IncidentRow } from '../db/schema-incidents';
import { AppError } from '../errors';
import { recordEscalation } from '../observability/hooks';
import { loggerFor } from '../observability/logger';
import type { IncidentsConfig, PlaybookStepConfig } from './config';
import { dueTiers, nextTier, type DueTier } from './escalation';
import { enqueueNotifications, subjectOf, type NotificationDetails } from './notify';
import { assertTransition } from './status';
import {
  ESCALATION_ROLES,
  ROLE_LABELS,
  SEVERITIES,
  type EscalationRole,
  type Incident,
  type IncidentSource,
  type IncidentStatus,
  type PlaybookStep,
  type RosterEntry,
  type ServiceRef,
  type Severity,
  type TimelineEntry,
} from './types';

/** Automatic escalations act for the role that may escalate by hand (lib/auth/can.ts). */
const ESCALATION_WORKER = systemActor('escalation worker', 'responder');

export interface IncidentDeps {
  db: Db;
  config: IncidentsConfig;
  /** Where a service named without an account and Region is (the home account's home Region); "default" when absent (tests). */
  home?: PlaceRef;
  /** The clock: every "now" in this module comes from here. */
  now: Date;
}

/** Opened-at may be at most this far ahead of the server's clock (browser clocks drift). */
export const FUTURE_SKEW_MS = 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const actorLabel = (a: Actor | null) => (a ? (a.name ?? a.subject) : null);

// ---------------------------------------------------------------- roster

export async function getRoster(db: Db, config: IncidentsConfig): Promise<RosterEntry[]> {
  const rows = await db.select().from(escalationRoster);
  const byRole = new Map(rows.map((r) => [r.role, r]));
  return ESCALATION_ROLES.map((role) => {
    const r = byRole.get(role);
    return r ? { role, person: r.person, contact: r.contact } : { role, person: config.roster[role].person, contact: config.roster[role].contact };
  });
}

/** Saves the given roles (others keep their current holder); audited as roster.update. */
export async function putRoster(deps: Omit<IncidentDeps, 'now'>, entries: RosterEntry[], actor: Actor): Promise<RosterEntry[]> {
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    if (!ESCALATION_ROLES.includes(e.role)) throw new AppError('invalid', `roster.${i}.role: unknown role "${e.role}"; roles are ${ESCALATION_ROLES.join(', ')}`);
    if (seen.has(e.role)) throw new AppError('invalid', `roster.${i}.role: ${e.role} is listed twice`);
    if (!e.person.trim()) throw new AppError('invalid', `roster.${i}.person: name who holds ${e.role}`);
    seen.add(e.role);
  });
  await withAudit(deps.db, { actor, action: 'roster.update', target: 'escalation roster', params: { roster: entries } }, () =>
    deps.db.transaction(async (tx) => {
      for (const e of entries) {
        const values = { role: e.role, person: e.person.trim(), contact: e.contact?.trim() || null, updatedAt: new Date(), updatedBy: actorLabel(actor) };
        await tx.insert(escalationRoster).values(values).onConflictDoUpdate({ target: escalationRoster.role, set: values });
      }
    }),
  );
  return getRoster(deps.db, deps.config);
}

// ---------------------------------------------------------------- commanders

export async function listCommanders(db: Db): Promise<{ id: string; name: string | null }[]> {
  const rows = await db.select().from(users).orderBy(asc(users.name));
  return rows.filter((u) => atLeast(effectiveRole(u), 'responder')).map((u) => ({ id: u.id, name: u.name ?? u.email ?? u.subject }));
}

async function commanderOrThrow(db: Db, userId: string): Promise<{ id: string; name: string | null }> {
  const [row] = UUID.test(userId) ? await db.select().from(users).where(eq(users.id, userId)).limit(1) : [];
  if (!row) throw new AppError('invalid', `commanderUserId: no Codeflow user has the id "${userId.slice(0, 60)}"`);
  const role = effectiveRole(row);
  if (!atLeast(role, 'responder')) throw new AppError('invalid', `commanderUserId: ${row.name ?? row.subject} is a ${role}; an incident commander must be a responder or above (${ROLES.slice(1).join(', ')})`);
  return { id: row.id, name: row.name ?? row.subject };
}

// ---------------------------------------------------------------- reading

function toIncident(row: IncidentRow, tiers: IncidentEscalationRow[], commanderName: string | null, roster: RosterEntry[], config: IncidentsConfig): Incident {
  const reached = new Set(tiers.map((t) => t.role));
  const next = nextTier(config.matrix, row.severity, row, reached);
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    severity: row.severity,
    status: row.status,
    commander: row.commanderUserId ? { userId: row.commanderUserId, name: commanderName } : null,
    services: row.services,
    source: { kind: row.sourceKind, ref: row.sourceRef, label: row.sourceLabel },
    openedAt: row.openedAt.toISOString(),
    openedBy: { subject: row.openedBySubject, name: row.openedByName },
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    mitigatedAt: row.mitigatedAt?.toISOString() ?? null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    tiers: [...tiers]
      .sort((a, b) => a.reachedAt.getTime() - b.reachedAt.getTime() || a.afterMinutes - b.afterMinutes)
      .map((t) => ({ role: t.role, person: t.person, afterMinutes: t.afterMinutes, reachedAt: t.reachedAt.toISOString(), early: t.early })),
    next: next ? { role: next.role, person: roster.find((r) => r.role === next.role)?.person ?? null, at: next.dueAt.toISOString() } : null,
    playbook: row.playbook,
  };
}

async function hydrate(db: Db, config: IncidentsConfig, rows: IncidentRow[]): Promise<Incident[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [tiers, commanders, roster] = await Promise.all([
    db.select().from(incidentEscalations).where(inArray(incidentEscalations.incidentId, ids)),
    (() => {
      const cids = [...new Set(rows.flatMap((r) => (r.commanderUserId ? [r.commanderUserId] : [])))];
      return cids.length ? db.select({ id: users.id, name: users.name, subject: users.subject }).from(users).where(inArray(users.id, cids)) : Promise.resolve([]);
    })(),
    getRoster(db, config),
  ]);
  const names = new Map(commanders.map((c) => [c.id, c.name ?? c.subject]));
  return rows.map((r) => toIncident(r, tiers.filter((t) => t.incidentId === r.id), r.commanderUserId ? (names.get(r.commanderUserId) ?? null) : null, roster, config));
}

const SEVERITY_RANK = (s: Severity) => SEVERITIES.indexOf(s);

/** Severity first (P0 on top), then the oldest first: what has waited longest for help. */
export function compareIncidents(a: Pick<Incident, 'severity' | 'openedAt' | 'number'>, b: Pick<Incident, 'severity' | 'openedAt' | 'number'>): number {
  return SEVERITY_RANK(a.severity) - SEVERITY_RANK(b.severity) || a.openedAt.localeCompare(b.openedAt) || a.number - b.number;
}

export async function listIncidents(deps: Omit<IncidentDeps, 'now'>, filter: { status?: 'open' | 'all' | IncidentStatus; severity?: Severity } = {}): Promise<Incident[]> {
  const conds = [];
  const status = filter.status ?? 'open';
  if (status === 'open') conds.push(ne(incidents.status, 'resolved'));
  else if (status !== 'all') conds.push(eq(incidents.status, status));
  if (filter.severity) conds.push(eq(incidents.severity, filter.severity));
  const rows = await deps.db.select().from(incidents).where(conds.length ? and(...conds) : undefined).orderBy(sql`${incidents.number} desc`).limit(500);
  const list = await hydrate(deps.db, deps.config, rows);
  return status === 'open' ? list.sort(compareIncidents) : list;
}

export async function getIncident(deps: Omit<IncidentDeps, 'now'>, id: string): Promise<Incident> {
  const [row] = UUID.test(id) ? await deps.db.select().from(incidents).where(eq(incidents.id, id)).limit(1) : [];
  if (!row) throw new AppError('not_found', `No incident with the id "${id.slice(0, 60)}"`);
  return (await hydrate(deps.db, deps.config, [row]))[0]!;
}

/** The board: unresolved incidents, severity then age, and which of them nobody acknowledged yet. */
export async function getBoard(deps: IncidentDeps): Promise<{ now: string; incidents: Incident[]; unacknowledged: string[] }> {
  const list = await listIncidents(deps, { status: 'open' });
  return { now: deps.now.toISOString(), incidents: list, unacknowledged: list.filter((i) => i.status === 'open').map((i) => i.id) };
}

/** The incident's own events and its notification attempts, oldest first. */
export async function ownTimeline(db: Db, incidentId: string): Promise<TimelineEntry[]> {
  const events = await db.select().from(incidentEvents).where(eq(incidentEvents.incidentId, incidentId)).orderBy(asc(incidentEvents.at), asc(incidentEvents.id));
  const attempts = await queryAttempts(db, incidentId);
  return [
    ...events.map((e) => ({ at: e.at.toISOString(), kind: e.kind as TimelineEntry['kind'], actor: e.actor, text: e.text, ref: e.ref })),
    ...attempts,
  ].sort((a, b) => a.at.localeCompare(b.at));
}

async function queryAttempts(db: Db, incidentId: string): Promise<TimelineEntry[]> {
  const result = (await db.execute(sql`
    select a.at, a.attempt, a.ok, a.status_code, a.error, n.target, n.event, n.status, n.max_attempts, n.id
    from incident_notification_attempts a join incident_notifications n on n.id = a.notification_id
    where a.incident_id = ${incidentId} order by a.at, a.id`)) as unknown as { rows: Record<string, unknown>[] };
  return result.rows.map((r) => {
    const at = r.at instanceof Date ? r.at : new Date(String(r.at));
    const what = `${String(r.event)} notification to ${String(r.target)}`;
    const text = r.ok
      ? `${what} delivered (attempt ${r.attempt}${r.status_code ? `, HTTP ${r.status_code}` : ''})`
      : `${what} failed (attempt ${r.attempt} of ${r.max_attempts}: ${r.error ?? 'error'})${Number(r.attempt) >= Number(r.max_attempts) || r.status === 'failed' ? '; gave up' : '; will retry'}`;
    return { at: at.toISOString(), kind: 'notification' as const, actor: null, text, ref: `notification:${r.id}` };
  });
}

// ---------------------------------------------------------------- writing

function playbookFor(config: IncidentsConfig, severity: Severity, services: ServiceRef[]): PlaybookStep[] {
  return config.playbooks[severity].flatMap((s) => expandStep(s, services));
}

/** The service a playbook action is for, with its account and Region when the service names them. */
function actionTarget(svc: ServiceRef): { account?: string; region?: string; cluster: string; service: string } {
  return { ...(svc.account && svc.region ? { account: svc.account, region: svc.region } : {}), cluster: svc.cluster, service: svc.service };
}

/** A step with an action becomes one step per affected service (prefilled), or one unbound step when none. */
function expandStep(s: PlaybookStepConfig, services: ServiceRef[]): PlaybookStep[] {
  if (!s.action || services.length <= 1) {
    const svc = services[0];
    return [{ id: s.id, label: s.label, action: s.action ? { kind: s.action, ...(svc ? actionTarget(svc) : {}) } : null, doneBy: null, doneAt: null }];
  }
  return services.map((svc, i) => ({
    id: `${s.id}-${i + 1}`,
    label: `${s.label} (${svc.cluster}/${svc.service})`,
    action: { kind: s.action!, ...actionTarget(svc) },
    doneBy: null,
    doneAt: null,
  }));
}

async function addEvent(tx: Db, incidentId: string, at: Date, kind: TimelineEntry['kind'], actor: string | null, text: string, ref: string | null = null): Promise<number> {
  const [row] = await tx.insert(incidentEvents).values({ incidentId, at, kind, actor, text, ref }).returning({ id: incidentEvents.id });
  return row!.id;
}

async function lockIncident(tx: Db, id: string): Promise<IncidentRow> {
  const [row] = UUID.test(id) ? await tx.select().from(incidents).where(eq(incidents.id, id)).for('update') : [];
  if (!row) throw new AppError('not_found', `No incident with the id "${id.slice(0, 60)}"`);
  return row;
}

async function notify(tx: Db, config: IncidentsConfig, row: IncidentRow, commanderName: string | null, d: NotificationDetails): Promise<void> {
  await enqueueNotifications(tx, config, subjectOf({ ...row, commander: commanderName ? { userId: '', name: commanderName } : null }), d);
}

export interface OpenIncidentCommand {
  title: string;
  severity: Severity;
  services?: ServiceRef[];
  commanderUserId?: string | null;
  source?: IncidentSource;
  openedAt?: Date;
  note?: string | null;
}

export function validateTitle(title: string): string {
  const t = title.trim();
  if (!t) throw new AppError('invalid', 'title: give the incident a title');
  if (t.length > 200) throw new AppError('invalid', 'title: at most 200 characters');
  return t;
}

function validateSeverity(s: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(s)) throw new AppError('invalid', `severity: "${s}" is not a severity; use P0, P1, P2 or P3`);
  return s as Severity;
}

/** Each service once, each naming its account and Region (home's when the request named none). */
function uniqueServices(services: ServiceRef[], home: PlaceRef = DEFAULT_HOME): Required<ServiceRef>[] {
  const placed = services.map((s) => ({ account: s.account || home.accountId, region: s.region || home.region, cluster: s.cluster, service: s.service }));
  return [...new Map(placed.map((s) => [`${s.account}/${s.region}/${s.cluster}/${s.service}`, s])).values()];
}

const DEFAULT_HOME: PlaceRef = { accountId: 'default', region: 'us-east-1' };

/** "codeflow-cluster/codeflow-service", with "in 210987654321 us-west-2" when it is not home's. */
export function serviceLabel(s: ServiceRef, home: PlaceRef = DEFAULT_HOME): string {
  const elsewhere = s.account && s.region && (s.account !== home.accountId || s.region !== home.region);
  return `${s.cluster}/${s.service}${elsewhere ? ` in ${s.account} ${s.region}` : ''}`;
}

export async function openIncident(deps: IncidentDeps, cmd: OpenIncidentCommand, actor: Actor): Promise<Incident> {
  const { db, config, now } = deps;
  const title = validateTitle(cmd.title);
  const severity = validateSeverity(cmd.severity);
  const openedAt = cmd.openedAt ?? now;
  if (Number.isNaN(openedAt.getTime())) throw new AppError('invalid', 'openedAt: not a valid time');
  if (openedAt.getTime() > now.getTime() + FUTURE_SKEW_MS) throw new AppError('invalid', `openedAt: ${openedAt.toISOString()} is in the future; an incident starts now or earlier`);
  if (openedAt.getTime() < now.getTime() - 30 * 86_400_000) throw new AppError('invalid', 'openedAt: at most 30 days ago');
  const services = uniqueServices(cmd.services ?? [], deps.home);
  const commander = cmd.commanderUserId ? await commanderOrThrow(db, cmd.commanderUserId) : null;
  const source = cmd.source ?? { kind: 'manual', ref: null, label: null };
  const by = actorLabel(actor);

  const id = await withAudit(db, { actor, action: 'incident.open', target: title, params: { severity, services, source, openedAt: openedAt.toISOString(), commander: commander?.id ?? null } }, () =>
    db.transaction(async (tx) => {
      const start = openedAt.getTime() > now.getTime() ? now : openedAt;
      const [row] = await tx
        .insert(incidents)
        .values({
          title,
          severity,
          status: 'open',
          commanderUserId: commander?.id ?? null,
          services,
          sourceKind: source.kind,
          sourceRef: source.ref,
          sourceLabel: source.label,
          openedAt: start,
          openedByIssuer: actor.issuer,
          openedBySubject: actor.subject,
          openedByName: actor.name,
          clockStartedAt: start,
          unresolvedMs: 0,
          playbook: playbookFor(config, severity, services),
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const r = row!;
      const from = source.kind === 'manual' ? '' : ` from ${source.kind} ${source.label ?? source.ref ?? ''}`.trimEnd();
      const eventId = await addEvent(tx, r.id, start, 'status', by, `Opened as ${severity}${from}${start.getTime() < now.getTime() - FUTURE_SKEW_MS ? ` (backdated; recorded at ${now.toISOString()})` : ''}`, source.ref);
      if (commander) await addEvent(tx, r.id, start, 'commander', by, `Commander: ${commander.name}`);
      if (services.length) await addEvent(tx, r.id, start, 'services', by, `Affected services: ${services.map((s) => serviceLabel(s, deps.home)).join(', ')}`);
      if (cmd.note?.trim()) await addEvent(tx, r.id, start, 'note', by, cmd.note.trim());
      await notify(tx, config, r, commander?.name ?? null, { event: 'open', key: String(eventId), actor: by, at: now });
      return r.id;
    }),
  );
  // Tiers already due (a backdated incident) are reached by the worker's next tick, through the same exactly-once path.
  return getIncident(deps, id);
}

export interface UpdateIncidentCommand {
  status?: IncidentStatus;
  severity?: Severity;
  commanderUserId?: string | null;
  title?: string;
  services?: ServiceRef[];
  note?: string;
}

export async function updateIncident(deps: IncidentDeps, id: string, cmd: UpdateIncidentCommand, actor: Actor): Promise<Incident> {
  const { db, config, now } = deps;
  const title = cmd.title !== undefined ? validateTitle(cmd.title) : undefined;
  const severity = cmd.severity !== undefined ? validateSeverity(cmd.severity) : undefined;
  const commander = cmd.commanderUserId ? await commanderOrThrow(db, cmd.commanderUserId) : cmd.commanderUserId === null ? null : undefined;
  const by = actorLabel(actor);
  // Fail fast (before the audit intent) on a transition that cannot happen; re-checked under the lock.
  const current = await getIncident(deps, id);
  if (cmd.status !== undefined && cmd.status !== current.status) assertTransition(current.status, cmd.status);

  await withAudit(db, { actor, action: 'incident.update', target: `incident #${current.number}`, params: { id, ...cmd } }, () =>
    db.transaction(async (tx) => {
      const row = await lockIncident(tx, id);
      const set: Partial<IncidentRow> = { updatedAt: now };
      let commanderName: string | null = null;
      if (row.commanderUserId) {
        const [c] = await tx.select({ name: users.name, subject: users.subject }).from(users).where(eq(users.id, row.commanderUserId));
        commanderName = c ? (c.name ?? c.subject) : null;
      }
      if (title !== undefined && title !== row.title) {
        set.title = title;
        await addEvent(tx, id, now, 'note', by, `Title changed from “${row.title}” to “${title}”`);
      }
      if (severity !== undefined && severity !== row.severity) {
        set.severity = severity;
        const ticked = row.playbook.some((s) => s.doneAt);
        const existing = new Set(row.playbook.map((s) => s.id));
        set.playbook = ticked ? [...row.playbook, ...playbookFor(config, severity, row.services).filter((s) => !existing.has(s.id))] : playbookFor(config, severity, row.services);
        await addEvent(tx, id, now, 'severity', by, `Severity ${row.severity} → ${severity}`);
      }
      if (commander !== undefined && (commander?.id ?? null) !== row.commanderUserId) {
        set.commanderUserId = commander?.id ?? null;
        commanderName = commander?.name ?? null;
        await addEvent(tx, id, now, 'commander', by, commander ? `Commander: ${commander.name}` : 'Commander removed');
      }
      if (cmd.services !== undefined) {
        const services = uniqueServices(cmd.services, deps.home);
        const key = (l: ServiceRef[]) => l.map((s) => `${s.account ?? ''}/${s.region ?? ''}/${s.cluster}/${s.service}`).sort().join(',');
        if (key(services) !== key(row.services)) {
          set.services = services;
          await addEvent(tx, id, now, 'services', by, `Affected services: ${services.map((s) => serviceLabel(s, deps.home)).join(', ') || 'none'}`);
        }
      }
      if (cmd.status !== undefined && cmd.status !== row.status) {
        assertTransition(row.status, cmd.status);
        const to = cmd.status;
        set.status = to;
        if (to === 'acknowledged') set.acknowledgedAt = now;
        if (to === 'mitigated') {
          set.mitigatedAt = now;
          set.acknowledgedAt = row.acknowledgedAt ?? now;
        }
        if (to === 'resolved') {
          set.resolvedAt = now;
          set.acknowledgedAt = row.acknowledgedAt ?? now;
          set.clockStartedAt = null;
          set.unresolvedMs = row.unresolvedMs + Math.max(0, now.getTime() - (row.clockStartedAt ?? now).getTime());
        }
        if (to === 'open') {
          // Reopen: the escalation clock resumes from the unresolved time already spent.
          set.acknowledgedAt = null;
          set.mitigatedAt = null;
          set.resolvedAt = null;
          set.clockStartedAt = now;
        }
        const eventId = await addEvent(tx, id, now, 'status', by, row.status === 'resolved' ? 'Reopened' : `Status ${row.status} → ${to}`);
        const merged = { ...row, ...set } as IncidentRow;
        if (to === 'acknowledged' || (to === 'mitigated' && !row.acknowledgedAt)) await notify(tx, config, merged, commanderName, { event: 'acknowledge', key: String(eventId), actor: by, at: now });
        if (to === 'resolved') await notify(tx, config, merged, commanderName, { event: 'resolve', key: String(eventId), actor: by, at: now });
      }
      if (cmd.note?.trim()) await addEvent(tx, id, now, 'note', by, cmd.note.trim().slice(0, 4000));
      await tx.update(incidents).set(set).where(eq(incidents.id, id));
    }),
  );
  return getIncident(deps, id);
}

export async function setPlaybookStep(deps: IncidentDeps, id: string, stepId: string, done: boolean, actor: Actor): Promise<Incident> {
  const { db, now } = deps;
  const current = await getIncident(deps, id);
  const step = current.playbook.find((s) => s.id === stepId);
  if (!step) throw new AppError('not_found', `stepId: incident #${current.number} has no playbook step "${stepId.slice(0, 80)}"`);
  await withAudit(db, { actor, action: 'incident.playbook', target: `incident #${current.number}`, params: { id, stepId, label: step.label, done } }, () =>
    db.transaction(async (tx) => {
      const row = await lockIncident(tx, id);
      const playbook = row.playbook.map((s) =>
        s.id !== stepId ? s : done ? { ...s, doneBy: s.doneBy ?? { subject: actor.subject, name: actor.name }, doneAt: s.doneAt ?? now.toISOString() } : { ...s, doneBy: null, doneAt: null },
      );
      const before = row.playbook.find((s) => s.id === stepId);
      if (Boolean(before?.doneAt) === done) return;
      await tx.update(incidents).set({ playbook, updatedAt: now }).where(eq(incidents.id, id));
      await addEvent(tx, id, now, 'playbook', actorLabel(actor), `${done ? 'Done' : 'Undone'}: ${step.label}`, stepId);
    }),
  );
  return getIncident(deps, id);
}

/** Pulls in the next tier now (early); recorded once and notified once, like a tier reached by time. */
export async function escalateEarly(deps: IncidentDeps, id: string, reason: string, actor: Actor): Promise<Incident> {
  const { db, config, now } = deps;
  const why = reason.trim();
  if (!why) throw new AppError('invalid', 'reason: say why the next tier is pulled in early');
  const current = await getIncident(deps, id);
  if (current.status === 'resolved') throw new AppError('invalid', `status: incident #${current.number} is resolved; reopen it before escalating`);
  if (!current.next) throw new AppError('conflict', `Incident #${current.number} has reached every tier of the ${current.severity} escalation matrix`);
  const role = await withAudit(db, { actor, action: 'incident.escalate', target: `incident #${current.number}`, reason: why, params: { id, role: current.next.role, early: true } }, () =>
    db.transaction(async (tx) => {
      const row = await lockIncident(tx, id);
      const reached = new Set((await tx.select({ role: incidentEscalations.role }).from(incidentEscalations).where(eq(incidentEscalations.incidentId, id))).map((r) => r.role));
      const tier = nextTier(config.matrix, row.severity, row, reached);
      if (!tier) throw new AppError('conflict', `Incident #${row.number} has reached every tier`);
      return (await reachTier(tx, config, row, tier, now, { early: true, actor: actorLabel(actor), reason: why })) ? tier.role : null;
    }),
  );
  // Counted once committed: a transaction that rolled back reached nobody.
  if (role) recordEscalation(role, 'early');
  return getIncident(deps, id);
}

/**
 * Records a tier (INSERT … ON CONFLICT DO NOTHING on (incident_id, role)) and, only when this call
 * inserted it, its timeline event and notifications, in the caller's transaction. Returns whether it did.
 */
export async function reachTier(tx: Db, config: IncidentsConfig, row: IncidentRow, tier: DueTier, now: Date, how: { early: boolean; actor: string | null; reason: string | null }): Promise<boolean> {
  const [holder] = await tx.select().from(escalationRoster).where(eq(escalationRoster.role, tier.role));
  const person = holder?.person ?? config.roster[tier.role].person;
  const contact = holder ? holder.contact : config.roster[tier.role].contact;
  const inserted = await tx
    .insert(incidentEscalations)
    .values({ incidentId: row.id, role: tier.role, person, contact, afterMinutes: tier.afterMinutes, dueAt: tier.dueAt, reachedAt: now, early: how.early, actor: how.actor, reason: how.reason })
    .onConflictDoNothing({ target: [incidentEscalations.incidentId, incidentEscalations.role] })
    .returning({ role: incidentEscalations.role });
  if (inserted.length === 0) return false;
  const who = `${ROLE_LABELS[tier.role]} (${person})`;
  await addEvent(tx, row.id, now, 'escalation', how.actor, how.early ? `Escalated early to ${who}: ${how.reason ?? ''}`.trim() : `Escalated to ${who}: unresolved for ${tier.afterMinutes} min`, tier.role);
  let commanderName: string | null = null;
  if (row.commanderUserId) {
    const [c] = await tx.select({ name: users.name, subject: users.subject }).from(users).where(eq(users.id, row.commanderUserId));
    commanderName = c ? (c.name ?? c.subject) : null;
  }
  await notify(tx, config, row, commanderName, {
    event: 'escalation',
    key: tier.role,
    actor: how.actor,
    at: now,
    tier: { role: tier.role, person, afterMinutes: tier.afterMinutes, early: how.early, reason: how.reason },
  });
  return true;
}

export interface ReachedTier {
  incidentId: string;
  number: number;
  role: EscalationRole;
  afterMinutes: number;
}

/**
 * Every unresolved incident's due tiers, each reached exactly once however many replicas run this
 * at the same moment: the row lock serialises them per incident, the unique key settles the rest.
 */
export async function escalateDue(deps: IncidentDeps): Promise<ReachedTier[]> {
  const { db, config, now } = deps;
  const open = await db.select().from(incidents).where(ne(incidents.status, 'resolved'));
  if (open.length === 0) return [];
  const reachedRows = await db.select({ incidentId: incidentEscalations.incidentId, role: incidentEscalations.role }).from(incidentEscalations).where(inArray(incidentEscalations.incidentId, open.map((r) => r.id)));
  const out: ReachedTier[] = [];
  for (const candidate of open) {
    const reached = new Set(reachedRows.filter((r) => r.incidentId === candidate.id).map((r) => r.role));
    if (dueTiers(config.matrix, candidate.severity, candidate, reached, now).length === 0) continue;
    const done = await db.transaction(async (tx) => {
      const [row] = await tx.select().from(incidents).where(eq(incidents.id, candidate.id)).for('update');
      if (!row || row.status === 'resolved') return [];
      const fresh = new Set((await tx.select({ role: incidentEscalations.role }).from(incidentEscalations).where(eq(incidentEscalations.incidentId, row.id))).map((r) => r.role));
      const got: ReachedTier[] = [];
      for (const tier of dueTiers(config.matrix, row.severity, row, fresh, now)) {
        if (await reachTier(tx, config, row, tier, now, { early: false, actor: null, reason: null })) got.push({ incidentId: row.id, number: row.number, role: tier.role, afterMinutes: tier.afterMinutes });
      }
      return got;
    });
    for (const t of done) {
      recordEscalation(t.role, 'timer'); // committed, so counted
      // The worker acts for nobody: an audit entry without an actor, one per tier reached.
      await appendAudit(db, { actor: ESCALATION_WORKER, action: 'incident.escalate', target: `incident #${t.number}`, params: { id: t.incidentId, role: t.role, afterMinutes: t.afterMinutes, early: false }, reason: `unresolved for ${t.afterMinutes} min`, outcome: 'success' }).catch((e: unknown) =>
        loggerFor('incidents').error({ err: e, incident: t.number, role: t.role }, `could not audit escalation of incident #${t.number} to ${t.role}`),
      );
    }
    out.push(...done);
  }
  return out;
}
