import type { PlaceRef } from '../accounts/places';
import type { AwsClients } from '../aws/client';
import { describeAlarmHistory } from '../aws/cloudwatch';
import { describeServiceDeployments, listServiceDeployments } from '../aws/ecs';
import { allOf, inCluster, listDetectorIds, listFindings, updatedSince } from '../aws/guardduty';
import type { ServiceDeploymentRecord } from '../aws/types';
import { nameRevisions, type RevisionName } from '../fleet/deployment-history';
import { isAppError } from '../errors';
import { listAlarms, toHistoryEntry, type AlarmsContext } from '../telemetry/alarms';
import type { Incident, ServiceRef, TimelineEntry } from './types';
import { loggerFor } from '../observability/logger';

/*
 * The incident's timeline = its own events + what happened on its services meanwhile, pulled from
 * AWS when the timeline is read: ECS service deployments (rollbacks marked), alarm state changes,
 * new GuardDuty findings, and anything a registered source adds (lib/ops registers Codeflow's
 * operations with `registerTimelineSource`). The window starts LOOKBACK before opening (what led
 * up to it) and ends at resolution (or now). A failing source is reported, not fatal.
 */

export const LOOKBACK_MS = 30 * 60_000;

export interface TimelineWindow {
  from: Date;
  to: Date;
}

export interface TimelineSource {
  name: string;
  collect(incident: Incident, window: TimelineWindow): Promise<TimelineEntry[]>;
}

export interface SourceStatus {
  name: string;
  ok: boolean;
  error: string | null;
}

const REGISTRY = Symbol.for('codeflow.incidents.timelineSources');
type Holder = { [REGISTRY]?: Map<string, TimelineSource> };

/** Adds (or replaces, by name) a source every incident timeline asks. */
export function registerTimelineSource(source: TimelineSource): void {
  const h = globalThis as Holder;
  (h[REGISTRY] ??= new Map()).set(source.name, source);
}

export function registeredTimelineSources(): TimelineSource[] {
  return [...((globalThis as Holder)[REGISTRY]?.values() ?? [])];
}

export function windowOf(incident: Pick<Incident, 'openedAt' | 'resolvedAt'>, now: Date): TimelineWindow {
  return { from: new Date(Date.parse(incident.openedAt) - LOOKBACK_MS), to: incident.resolvedAt ? new Date(incident.resolvedAt) : now };
}

const inWindow = (iso: string | null, w: TimelineWindow) => iso !== null && Date.parse(iso) >= w.from.getTime() && Date.parse(iso) <= w.to.getTime();

/** `revision` names what was deployed (`codeflow:3 (v1.5.1-crash)`); the service revision's number means nothing to a responder. */
export function deploymentEntries(svc: string, d: ServiceDeploymentRecord, w: TimelineWindow, revision: string | null = null): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const started = d.startedAt ?? d.createdAt;
  if (inWindow(started, w)) out.push({ at: started!, kind: 'deployment', actor: null, text: `${svc}: deployment of ${revision ?? 'a new revision'} started`, ref: d.arn });
  if (d.rollback && inWindow(d.rollback.startedAt ?? d.finishedAt, w)) {
    out.push({ at: (d.rollback.startedAt ?? d.finishedAt)!, kind: 'rollback', actor: null, text: `${svc}: rolled back${d.rollback.reason ? `: ${d.rollback.reason}` : ''}`, ref: d.arn });
  }
  if (d.finishedAt && inWindow(d.finishedAt, w)) {
    const rolledBack = /ROLLBACK/.test(d.status);
    out.push({
      at: d.finishedAt,
      kind: rolledBack ? 'rollback' : 'deployment',
      actor: null,
      text: `${svc}: deployment${revision ? ` of ${revision}` : ''} ${d.status.toLowerCase().replaceAll('_', ' ')}${d.statusReason ? ` (${d.statusReason})` : ''}`,
      ref: d.arn,
    });
  }
  return out;
}

export function deploymentsSource(awsFor: (service: ServiceRef) => AwsClients): TimelineSource {
  return {
    name: 'deployments',
    async collect(incident, w) {
      const perService = await Promise.all(
        incident.services.slice(0, 10).map(async (s) => {
          const aws = () => awsFor(s);
          const brief = (await listServiceDeployments(aws(), s.cluster, s.service)).filter((d) => inWindow(d.startedAt ?? d.createdAt, w) || inWindow(d.finishedAt, w)).slice(0, 20);
          const full = brief.length ? await describeServiceDeployments(aws(), brief.map((d) => d.arn)) : [];
          const names = await nameRevisions(aws(), full).catch(() => new Map<string, RevisionName>());
          return full.flatMap((d) => deploymentEntries(`${s.cluster}/${s.service}`, d, w, (d.targetServiceRevisionArn && names.get(d.targetServiceRevisionArn)?.label) || null));
        }),
      );
      return perService.flat();
    },
  };
}

/** The incident's services by the account and Region they live in (home when a service names none); home alone when it names no service. */
function servicesByPlace(incident: Incident): { place: PlaceRef | undefined; services: ServiceRef[] }[] {
  const groups = new Map<string, { place: PlaceRef | undefined; services: ServiceRef[] }>();
  for (const s of incident.services) {
    const place = s.account && s.region ? { accountId: s.account, region: s.region } : undefined;
    const key = place ? `${place.accountId}/${place.region}` : '';
    (groups.get(key) ?? groups.set(key, { place, services: [] }).get(key)!).services.push(s);
  }
  return groups.size > 0 ? [...groups.values()] : [{ place: undefined, services: [] }];
}

export function alarmsSource(alarmsOf: (place?: PlaceRef) => AlarmsContext): TimelineSource {
  return {
    name: 'alarms',
    async collect(incident, w) {
      const perPlace = await Promise.all(
        servicesByPlace(incident).map(async ({ place, services }) => {
          const alarms = alarmsOf(place);
          const report = await listAlarms(alarms);
          if (report.error && report.alarms.length === 0) throw new Error(report.error);
          const keys = new Set(services.map((s) => `${s.cluster}/${s.service}`));
          const names = report.alarms.filter((a) => a.services.some((s) => keys.has(`${s.cluster}/${s.service}`)) || (incident.source.kind === 'alarm' && a.name === incident.source.ref)).map((a) => a.name).slice(0, 10);
          const per = await Promise.all(
            names.map(async (name) => {
              const items = await describeAlarmHistory(alarms.aws, { alarmName: name, type: 'StateUpdate', start: w.from, end: w.to, limit: 50 });
              return items.map(toHistoryEntry).flatMap((h): TimelineEntry[] =>
                h.timestamp && inWindow(h.timestamp, w)
                  ? [{ at: h.timestamp, kind: 'alarm', actor: null, text: `${name}: ${h.oldState ?? '?'} → ${h.newState ?? '?'}${h.reason ? ` (${h.reason})` : ''}`, ref: name }]
                  : [],
              );
            }),
          );
          return per.flat();
        }),
      );
      return perPlace.flat();
    },
  };
}

export function findingsSource(awsOf: (place?: PlaceRef) => AwsClients): TimelineSource {
  return {
    name: 'findings',
    async collect(incident, w) {
      if (incident.services.length === 0) return [];
      const perPlace = await Promise.all(
        servicesByPlace(incident).map(async ({ place, services }) => {
          const aws = awsOf(place);
          const detectorId = (await listDetectorIds(aws))[0];
          if (!detectorId) return [];
          const clusters = [...new Set(services.map((s) => s.cluster))].slice(0, 5);
          const keys = new Set(services.map((s) => `${s.cluster}/${s.service}`));
          const per = await Promise.all(
            clusters.map((c) => listFindings(aws, detectorId, { criteria: allOf(inCluster(c), updatedSince(w.from.toISOString())), order: 'newest', limit: 50 })),
          );
          return per
            .flat()
            .filter((f) => f.resource.cluster && f.resource.service && keys.has(`${f.resource.cluster}/${f.resource.service}`) && inWindow(f.createdAt, w))
            .map((f) => ({ at: f.createdAt, kind: 'finding' as const, actor: null, text: `${f.resource.cluster}/${f.resource.service}: GuardDuty ${f.severityLabel} ${f.title}`, ref: f.id }));
        }),
      );
      return perPlace.flat();
    },
  };
}

/** Runs the sources side by side; each failure becomes a status, never an exception. */
export async function collectExternal(incident: Incident, sources: readonly TimelineSource[], now: Date): Promise<{ entries: TimelineEntry[]; sources: SourceStatus[] }> {
  const w = windowOf(incident, now);
  const settled = await Promise.allSettled(sources.map((s) => s.collect(incident, w)));
  const statuses: SourceStatus[] = [];
  const entries: TimelineEntry[] = [];
  settled.forEach((r, i) => {
    const name = sources[i]!.name;
    if (r.status === 'fulfilled') {
      entries.push(...r.value);
      statuses.push({ name, ok: true, error: null });
    } else {
      const e = r.reason as Error;
      if (!isAppError(e)) loggerFor('incidents').error({ err: e, source: name }, `incident timeline source ${name} failed`);
      statuses.push({ name, ok: false, error: isAppError(e) ? e.message : `${name} could not be read` });
    }
  });
  return { entries, sources: statuses };
}

/** Own events and external ones in time order; same-time entries keep own events first. */
export function mergeTimeline(own: TimelineEntry[], external: TimelineEntry[]): TimelineEntry[] {
  const seen = new Set<string>();
  const ext = external.filter((e) => {
    const k = `${e.kind}|${e.at}|${e.text}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return [...own.map((e, i) => ({ e, o: 0, i })), ...ext.map((e, i) => ({ e, o: 1, i }))]
    .sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.o - b.o || a.i - b.i)
    .map((x) => x.e);
}
