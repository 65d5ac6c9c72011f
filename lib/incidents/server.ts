import 'server-only';
import type { CurrentUser } from '../auth/identity';
import { actorOf } from '../auth/identity';
import { getAwsClients } from '../aws/default-clients';
import { getConfig } from '../config';
import { getDb } from '../db/client';
import { getAlarmsContext } from '../telemetry/alarms';
import { kickEscalationWorker } from './escalation-worker';
import { getIncident, openIncident, ownTimeline, type IncidentDeps, type OpenIncidentCommand } from './incidents';
import { resolveSource } from './sources';
import { registerOperationSources } from './sources/operations';
import { alarmsSource, collectExternal, deploymentsSource, findingsSource, mergeTimeline, registeredTimelineSources, type SourceStatus } from './timeline';
import type { IncidentSource, ServiceRef, TimelineEntry, Incident } from './types';

// Codeflow's own operations join every incident's timeline and can be what an incident is opened
// from. Registered when the incidents API is first loaded in the server process (registries live on
// globalThis, so every bundle of this module registers the same entries).
registerOperationSources(getDb);

/** The process's dependencies for one request, with the clock read once. */
export async function incidentDeps(): Promise<IncidentDeps> {
  const config = getConfig();
  return { db: await getDb(), config: config.incidents, home: config.places[0], now: new Date() };
}

/** Opening from a source: its services (an alarm's dimensions, a finding's service) join the ones given. */
export async function openIncidentFromRequest(
  user: CurrentUser,
  body: Omit<OpenIncidentCommand, 'source' | 'services' | 'title'> & { title?: string; services?: ServiceRef[]; source?: { kind: IncidentSource['kind']; ref: string | null } },
): Promise<Incident> {
  const deps = await incidentDeps();
  const resolved = body.source ? await resolveSource(body.source.kind, body.source.ref, { alarms: getAlarmsContext, aws: getAwsClients }) : null;
  // No title given: the source's own (an operation says what happened), else openIncident refuses naming the field.
  const title = body.title?.trim() || resolved?.title || '';
  const incident = await openIncident(deps, { ...body, title, source: resolved?.source, services: [...(body.services ?? []), ...(resolved?.services ?? [])] }, actorOf(user));
  kickEscalationWorker();
  return incident;
}

export async function incidentWithTimeline(id: string): Promise<{ incident: Incident; timeline: TimelineEntry[]; sources: SourceStatus[] }> {
  const deps = await incidentDeps();
  const incident = await getIncident(deps, id);
  // Each affected service's deployments are read in its own account and Region.
  const sources = [deploymentsSource((s) => getAwsClients(s.account && s.region ? { accountId: s.account, region: s.region } : undefined)), alarmsSource(getAlarmsContext), findingsSource(getAwsClients), ...registeredTimelineSources()];
  const [own, external] = await Promise.all([ownTimeline(deps.db, id), collectExternal(incident, sources, deps.now)]);
  return { incident, timeline: mergeTimeline(own, external.entries), sources: external.sources };
}

export { kickEscalationWorker };
