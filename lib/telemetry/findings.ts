import type { AwsClients } from '../aws/client';
import { cacheForPlace, perPlace } from '../accounts/per-place';
import { errorsOf, freshnessOf, readEveryPlace, whereOf, type PlaceRead } from '../accounts/fan-out';
import type { Place, PlaceRef } from '../accounts/places';
import { getAwsClients } from '../aws/default-clients';
import {
  allOf,
  archiveFindings as archiveInGuardDuty,
  getFindings,
  getFindingStatistics,
  inCluster,
  isArchived,
  listDetectorIds,
  listFindings,
  ofTypes,
  severityAtLeast,
  unarchiveFindings as unarchiveInGuardDuty,
  updatedSince,
} from '../aws/guardduty';
import { SEVERITY_LABELS, type Finding, type FindingCriterion, type SeverityCounts, type SeverityLabel } from '../aws/findings-types';
import { withAudit } from '../audit/with-audit';
import { actorOf, type CurrentUser } from '../auth/identity';
import { createCache, type Cache, type CachedResult } from '../cache/cached';
import { getConfig } from '../config';
import { getDb, type Db } from '../db/client';
import { AppError, isAppError } from '../errors';
import { loggerFor } from '../observability/logger';
import { assertWritable } from '../ops/settings';

/** What the Security page filters by; every field narrows, absent means "any". */
export interface FindingFilters {
  /** The least severity shown: `HIGH` means HIGH and CRITICAL, as in the guide's §6.4. */
  severity?: SeverityLabel;
  /** A finding type, exactly (`Execution:Runtime/ReverseShell`). */
  type?: string;
  cluster?: string;
  service?: string;
  /** Updated within this many days. */
  maxAgeDays?: number;
  /** Also show archived findings (open ones only by default). */
  archived?: boolean;
  /** Which accounts (id or name) and Regions to read; every watched one when absent. Not a GuardDuty criterion. */
  account?: string;
  region?: string;
}

/** How one panel's data came to be: its age, and when the last refresh failed, why. */
export interface PanelStatus {
  fetchedAt: string | null;
  ageSeconds: number | null;
  /** True when AWS failed and the panel holds its last good data. */
  stale: boolean;
  /** Why the last refresh failed; with `fetchedAt: null` there is nothing to show at all. */
  error: string | null;
}

export interface FindingsReport {
  filters: FindingFilters;
  /** null when the region has no GuardDuty detector (or it could not be read). */
  detectorId: string | null;
  /** HIGH and CRITICAL first, then newest; null when the list could not be read and none is held. */
  findings: Finding[] | null;
  /** At most this many findings are listed; `counts` says how many matched. */
  limit: number;
  /** Per band under every filter but severity, so each chip says what choosing it would show. */
  counts: SeverityCounts | null;
  panels: { findings: PanelStatus; counts: PanelStatus };
  /** The oldest panel's fetch time; `stale`/`error` when any panel is. */
  fetchedAt: string | null;
  stale: boolean;
  error: string | null;
}

/** A finding on the Security page, with the configured account and Region it was read from. */
export interface PlacedFinding extends Finding {
  place: { account: string; region: string };
}

/** The Security page: the findings of every place the filters keep, counted together. */
export interface FindingsAcross extends Omit<FindingsReport, 'findings'> {
  findings: PlacedFinding[] | null;
  places: PlaceRead[];
}

export interface ServiceFindingSummary {
  highest: SeverityLabel;
  count: number;
}

/** Everything the findings read model needs; tests build their own, the server uses getFindingsContext(). */
export interface FindingsContext {
  aws: AwsClients;
  cache: Cache;
  /** One filter's findings and counts are fresh for this long. */
  ttlMs: number;
  /** Detectors are created once per account and region. */
  detectorTtlMs: number;
  /** The most findings one list holds (the most severe, by ListFindings' sort). */
  limit: number;
}

/** The cache scope every findings read belongs to: an archive invalidates it, in every replica. */
const FINDINGS_SCOPE = 'findings';

export function createFindingsContext(opts: Pick<FindingsContext, 'aws'> & Partial<FindingsContext>): FindingsContext {
  return { cache: createCache(), ttlMs: 10_000, detectorTtlMs: 10 * 60_000, limit: 200, ...opts };
}

/** The server's findings context of a place (home when absent): one cache and single-flight per place per process. */
export function getFindingsContext(ref?: PlaceRef): FindingsContext {
  return perPlace('findings', ref, (place) => createFindingsContext({ aws: getAwsClients(place), cache: cacheForPlace(createCache(), place), ttlMs: Math.max(getConfig().fleet.cacheTtlMs, 10_000) }));
}

const DAY_MS = 24 * 3600_000;
const bandRank = (label: SeverityLabel) => SEVERITY_LABELS.indexOf(label);

/** Band first (CRITICAL, HIGH, …), then last updated, newest first: what needs a look now is on top. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    bandRank(b.severityLabel) - bandRank(a.severityLabel) ||
    b.updatedAt.localeCompare(a.updatedAt) ||
    b.severity - a.severity ||
    a.id.localeCompare(b.id)
  );
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/** The task group GuardDuty records for a service's tasks (`service:<name>`). */
const ofService = (service: string): FindingCriterion => ({ 'resource.ecsClusterDetails.taskDetails.group': { Eq: [`service:${service}`] } });

/** GuardDuty criteria for the filters; `now` anchors the age window. */
export function filtersToCriteria(filters: FindingFilters, now: number, opts: { withSeverity?: boolean } = {}): FindingCriterion {
  const parts: FindingCriterion[] = [];
  if (!filters.archived) parts.push(isArchived(false));
  if (filters.severity && opts.withSeverity !== false) parts.push(severityAtLeast(filters.severity));
  if (filters.type) parts.push(ofTypes([filters.type]));
  if (filters.cluster) parts.push(inCluster(filters.cluster));
  if (filters.service) parts.push(ofService(filters.service));
  if (filters.maxAgeDays) parts.push(updatedSince(new Date(now - filters.maxAgeDays * DAY_MS).toISOString()));
  return allOf(...parts);
}

/** Equal filters give equal keys, whatever order their fields were set in. */
export function filterKey(filters: FindingFilters): string {
  const keys = ['severity', 'type', 'cluster', 'service', 'maxAgeDays', 'archived'] as const;
  return keys.map((k) => `${k}=${filters[k] ?? ''}`).join('&');
}

/** cluster/service → the worst open HIGH or CRITICAL finding's band and how many there are. */
export function summarizeByService(findings: readonly Finding[]): Map<string, ServiceFindingSummary> {
  const out = new Map<string, ServiceFindingSummary>();
  for (const f of findings) {
    if (f.archived || bandRank(f.severityLabel) < bandRank('HIGH')) continue;
    const { cluster, service } = f.resource;
    if (!cluster || !service) continue;
    const key = `${cluster}/${service}`;
    const seen = out.get(key);
    if (!seen) out.set(key, { highest: f.severityLabel, count: 1 });
    else out.set(key, { highest: bandRank(f.severityLabel) > bandRank(seen.highest) ? f.severityLabel : seen.highest, count: seen.count + 1 });
  }
  return out;
}

async function detectorIdOf(ctx: FindingsContext): Promise<string | null> {
  // GuardDuty allows one detector per account and region.
  const { value } = await ctx.cache.cached('findings:detector', ctx.detectorTtlMs, async () => (await listDetectorIds(ctx.aws))[0] ?? null);
  return value;
}

function panelOf(result: PromiseSettledResult<CachedResult<unknown>>, now: number): PanelStatus {
  if (result.status === 'rejected') return { fetchedAt: null, ageSeconds: null, stale: false, error: messageOf(result.reason) };
  const { fetchedAt, stale, error } = result.value;
  return { fetchedAt: new Date(fetchedAt).toISOString(), ageSeconds: Math.max(0, Math.floor((now - fetchedAt) / 1000)), stale, error: error?.message ?? null };
}

/**
 * The findings and severity counts for some filters, each cached for `ttlMs` (single-flight,
 * stale-while-revalidate for two more TTLs). The two panels fail apart: a throttled statistics
 * call leaves the list fresh, and either one falls back to its last good value, marked stale.
 */
export async function getFindingsReport(filters: FindingFilters, ctx: FindingsContext = getFindingsContext()): Promise<FindingsReport> {
  const key = `${await ctx.cache.version(FINDINGS_SCOPE)}:${filterKey(filters)}`;
  const swr = { staleWhileRevalidateMs: 2 * ctx.ttlMs };
  const [list, stats] = await Promise.allSettled([
    ctx.cache.cached(
      `findings:list:${key}`,
      ctx.ttlMs,
      async () => {
        const detectorId = await detectorIdOf(ctx);
        if (!detectorId) return { detectorId, findings: [] as Finding[] };
        const found = await listFindings(ctx.aws, detectorId, { criteria: filtersToCriteria(filters, Date.now()), order: 'severity', limit: ctx.limit });
        return { detectorId, findings: sortFindings(found) };
      },
      swr,
    ),
    ctx.cache.cached(
      `findings:counts:${key}`,
      ctx.ttlMs,
      async () => {
        const detectorId = await detectorIdOf(ctx);
        if (!detectorId) return { LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0, total: 0 } satisfies SeverityCounts;
        return getFindingStatistics(ctx.aws, detectorId, filtersToCriteria(filters, Date.now(), { withSeverity: false }));
      },
      swr,
    ),
  ]);
  const now = Date.now();
  const panels = { findings: panelOf(list, now), counts: panelOf(stats, now) };
  const times = [panels.findings.fetchedAt, panels.counts.fetchedAt].filter((t): t is string => t !== null).sort();
  return {
    filters,
    detectorId: list.status === 'fulfilled' ? list.value.value.detectorId : null,
    findings: list.status === 'fulfilled' ? list.value.value.findings : null,
    limit: ctx.limit,
    counts: stats.status === 'fulfilled' ? stats.value.value : null,
    panels,
    fetchedAt: times[0] ?? null,
    stale: panels.findings.stale || panels.counts.stale,
    error: panels.findings.error ?? panels.counts.error,
  };
}

/**
 * The findings of several places, each read on its own; the counts add up and the panels say the
 * oldest age and every place's error by name. The list stays HIGH and CRITICAL first, then newest.
 */
export async function getFindingsAcross(filters: FindingFilters, places: readonly Place[], contextOf: (place: Place) => FindingsContext = getFindingsContext): Promise<FindingsAcross> {
  const { account: _account, region: _region, ...criteria } = filters;
  const outcomes = await readEveryPlace(places, (place) => getFindingsReport(criteria, contextOf(place)));
  const reports = outcomes.flatMap((o) => (o.value ? [{ ...o, value: o.value }] : []));
  const reads = outcomes.map(({ read, value }) => (value?.error ? { ...read, error: value.error } : read));
  const listed = reports.filter((r) => r.value.findings !== null);
  const counted = reports.filter((r) => r.value.counts !== null);
  const findings = listed.length === 0 ? null : sortFindings(listed.flatMap((r) => r.value.findings!.map((f) => ({ ...f, place: whereOf(r.place) })))) as PlacedFinding[];
  const counts =
    counted.length === 0
      ? null
      : counted.reduce<SeverityCounts>((sum, r) => ({ LOW: sum.LOW + r.value.counts!.LOW, MEDIUM: sum.MEDIUM + r.value.counts!.MEDIUM, HIGH: sum.HIGH + r.value.counts!.HIGH, CRITICAL: sum.CRITICAL + r.value.counts!.CRITICAL, total: sum.total + r.value.counts!.total }), { LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0, total: 0 });
  const panel = (which: 'findings' | 'counts'): PanelStatus => {
    const { fetchedAt, ageSeconds, stale } = freshnessOf(reports.map((r) => r.value.panels[which]));
    return { fetchedAt, ageSeconds, stale, error: errorsOf(outcomes.map((o) => ({ ...o.read, error: o.value?.panels[which].error ?? null }))) };
  };
  const panels = { findings: panel('findings'), counts: panel('counts') };
  return {
    filters,
    detectorId: reports.find((r) => r.value.detectorId !== null)?.value.detectorId ?? null,
    findings,
    limit: reports[0]?.value.limit ?? 0,
    counts,
    panels,
    places: reads,
    fetchedAt: freshnessOf(reports.map((r) => r.value)).fetchedAt,
    stale: panels.findings.stale || panels.counts.stale,
    error: errorsOf(reads),
  };
}

/** For the overview and service pages: open HIGH and CRITICAL findings per `cluster/service`. */
export async function openFindingsByService(ctx: FindingsContext = getFindingsContext()): Promise<CachedResult<Record<string, ServiceFindingSummary>>> {
  return ctx.cache.cached(
    `findings:by-service:${await ctx.cache.version(FINDINGS_SCOPE)}`,
    ctx.ttlMs,
    async () => {
      const detectorId = await detectorIdOf(ctx);
      if (!detectorId) return {};
      const found = await listFindings(ctx.aws, detectorId, { criteria: filtersToCriteria({ severity: 'HIGH' }, Date.now()), order: 'severity', limit: 500 });
      return Object.fromEntries(summarizeByService(found));
    },
    { staleWhileRevalidateMs: 2 * ctx.ttlMs },
  );
}

export interface ArchiveResult {
  archived: boolean;
  findings: { id: string; title: string; severityLabel: SeverityLabel }[];
}

/**
 * Archives (or unarchives) findings in GuardDuty, audited: the intent names each finding with its
 * title and severity and carries the reason; the outcome follows the AWS call. Ids GuardDuty does
 * not know are refused before anything is written. Refused (403) while Codeflow is read-only.
 */
export async function archiveFindings(
  user: CurrentUser,
  ids: readonly string[],
  archived: boolean,
  reason: string,
  ctx: FindingsContext = getFindingsContext(),
  deps: { db?: Db; place?: Place; write?: AwsClients } = {},
): Promise<ArchiveResult> {
  const db = deps.db ?? (await getDb());
  // The kill switch covers every write to AWS, not only lib/ops: same 403, same words.
  await assertWritable(db);
  const detectorId = await detectorIdOf(ctx);
  if (!detectorId) throw new AppError('not_found', 'GuardDuty has no detector in this region, so there are no findings to archive.');
  const unique = [...new Set(ids)];
  const found = await getFindings(ctx.aws, detectorId, unique);
  const missing = unique.filter((id) => !found.some((f) => f.id === id));
  if (missing.length > 0) throw new AppError('not_found', `GuardDuty has no finding ${missing.join(', ')} in detector ${detectorId}.`);

  await withAudit(
    db,
    {
      actor: actorOf(user),
      action: archived ? 'finding.archive' : 'finding.unarchive',
      target: unique.join(', '),
      params: {
        ...(deps.place ? { account: deps.place.accountId, region: deps.place.region } : {}),
        detectorId,
        findings: found.map((f) => ({ id: f.id, title: f.title, type: f.type, severity: f.severity, severityLabel: f.severityLabel, wasArchived: f.archived })),
      },
      reason,
    },
    // In a member account the write runs in the acting person's operator-role session.
    () => (archived ? archiveInGuardDuty : unarchiveInGuardDuty)(deps.write ?? ctx.aws, detectorId, unique),
  );
  await ctx.cache.invalidate(FINDINGS_SCOPE);
  return { archived, findings: found.map((f) => ({ id: f.id, title: f.title, severityLabel: f.severityLabel })) };
}

function messageOf(e: unknown): string {
  // AppErrors from lib/aws and lib/cache are written for people; anything else stays in the logs.
  if (isAppError(e)) return e.message;
  loggerFor('findings').error({ err: e }, 'reading GuardDuty findings failed');
  return 'GuardDuty could not be read';
}
