import type { Incident, IncidentDetailResponse, IncidentListResponse, IncidentResponse, IncidentStatus, ServiceRef, Severity } from '../lib/incidents/types';
import { SEVERITIES } from '../lib/incidents/types';
import { formatCountdown } from '../lib/format/duration';
import type { ParsedArgs } from './args';
import { UsageError } from './args';
import { parseDuration } from './logs-command';
import { ago, type Output, type Style } from './output';
import type { ApiClient } from './remote/api-client';
import { CliError, EXIT } from './remote/exit-codes';
import { remoteContext } from './remote-command';

export const incidentsUsage = `codeflow incidents [list] [--all] [--json]      open incidents (--all: resolved too)
codeflow incidents show <number> [--json]          one incident with its timeline
codeflow incidents open --title "…" --severity P1 [--service cluster/service …] [--started 10m] [--note "…"]
codeflow incidents ack <number>                    acknowledge
codeflow incidents mitigate <number>
codeflow incidents resolve <number>
codeflow incidents escalate <number> --reason "…"  pull the next escalation tier in now
  Severities as in the guide: P0 service down/data loss, P1 major functionality broken,
  P2 minor issues/performance, P3 cosmetic. Writes need the responder role or above.`;

const SEVERITY_STYLE: Record<Severity, Style> = { P0: 'red', P1: 'red', P2: 'yellow', P3: 'dim' };

export async function runIncidentsCommand(args: ParsedArgs): Promise<void> {
  const [, sub = 'list', ref] = args.positionals;
  const { api, out } = remoteContext(args);
  switch (sub) {
    case 'list':
      return list(api, out, args.flags.all === true);
    case 'show':
      return show(api, out, await incidentId(api, ref));
    case 'open':
      return open(api, out, args);
    case 'ack':
      return transition(api, out, await incidentId(api, ref), 'acknowledged');
    case 'mitigate':
      return transition(api, out, await incidentId(api, ref), 'mitigated');
    case 'resolve':
      return transition(api, out, await incidentId(api, ref), 'resolved');
    case 'reopen':
      return transition(api, out, await incidentId(api, ref), 'open');
    case 'escalate': {
      const id = await incidentId(api, ref);
      const reason = typeof args.flags.reason === 'string' ? args.flags.reason.trim() : '';
      if (!reason) throw new UsageError('escalate needs --reason "…" (it is recorded and sent with the page)');
      const { incident } = await api.post<IncidentResponse>(`/api/incidents/${id}/escalate`, { reason });
      if (out.json) return out.printJson(incident);
      const tier = incident.tiers.at(-1);
      return out.print(`#${incident.number} escalated${tier ? `: ${tier.role}${tier.person ? ` (${tier.person})` : ''} pulled in` : ''}`);
    }
    default:
      throw new UsageError(`incidents has no "${sub}" (try list, show, open, ack, mitigate, resolve, reopen, escalate)`);
  }
}

async function list(api: ApiClient, out: Output, all: boolean): Promise<void> {
  const { incidents } = await api.get<IncidentListResponse>('/api/incidents', { status: all ? 'all' : 'open' });
  if (out.json) return out.printJson(incidents);
  if (incidents.length === 0) return out.print(all ? 'No incidents.' : 'No open incidents.');
  out.table(
    ['#', 'SEV', 'STATUS', 'OPENED', 'TITLE', 'ENGAGED', 'NEXT'],
    incidents.map((i) => [
      String(i.number),
      out.paint(SEVERITY_STYLE[i.severity], i.severity),
      i.status,
      ago(i.openedAt),
      i.title,
      i.tiers.map((t) => t.person ?? t.role).join(', ') || '—',
      i.next ? `${i.next.role} ${inTime(i.next.at)}` : '—',
    ]),
  );
}

async function show(api: ApiClient, out: Output, id: string): Promise<void> {
  const detail = await api.get<IncidentDetailResponse>(`/api/incidents/${id}`);
  if (out.json) return out.printJson(detail);
  const i = detail.incident;
  out.print(`${out.paint('bold', `#${i.number} ${i.title}`)}  ${out.paint(SEVERITY_STYLE[i.severity], i.severity)} ${i.status}`);
  out.print(`opened ${ago(i.openedAt)} by ${i.openedBy.name ?? i.openedBy.subject}; commander ${i.commander?.name ?? '—'}`);
  if (i.services.length) out.print(`services ${i.services.map((s) => `${s.cluster}/${s.service}`).join(', ')}`);
  if (i.next) out.print(`next: ${i.next.role}${i.next.person ? ` (${i.next.person})` : ''} ${inTime(i.next.at)}`);
  if (i.playbook.length) {
    out.print('');
    out.print(out.paint('bold', 'PLAYBOOK'));
    for (const s of i.playbook) out.print(`  [${s.doneAt ? 'x' : ' '}] ${s.label}${s.doneBy ? out.paint('dim', ` — ${s.doneBy.name ?? s.doneBy.subject}, ${ago(s.doneAt)}`) : ''}`);
  }
  out.print('');
  out.print(out.paint('bold', 'TIMELINE'));
  for (const e of detail.timeline) out.print(`  ${out.paint('dim', e.at)} ${e.kind.padEnd(12)} ${e.text}`);
}

async function open(api: ApiClient, out: Output, args: ParsedArgs): Promise<void> {
  const title = typeof args.flags.title === 'string' ? args.flags.title.trim() : '';
  if (!title) throw new UsageError('open needs --title "…"');
  const severity = args.flags.severity;
  if (typeof severity !== 'string' || !SEVERITIES.includes(severity as Severity)) throw new UsageError(`--severity must be one of ${SEVERITIES.join(', ')}`);
  const services: ServiceRef[] = [];
  for (const ref of serviceFlags(process.argv)) {
    const [cluster, service] = ref.split('/');
    if (!cluster || !service) throw new UsageError(`--service expects cluster/service, got "${ref}"`);
    services.push({ cluster, service });
  }
  const started = args.flags.started;
  const openedAt = started === undefined ? undefined : new Date(Date.now() - parseDuration(started, 0)).toISOString();
  const note = typeof args.flags.note === 'string' ? args.flags.note : undefined;
  const { incident } = await api.post<IncidentResponse>('/api/incidents', { title, severity, services, openedAt, note });
  if (out.json) return out.printJson(incident);
  out.print(`Opened #${incident.number} (${incident.severity}) ${incident.title}: ${api.server.url}/incidents/${incident.number}`);
}

async function transition(api: ApiClient, out: Output, id: string, status: IncidentStatus): Promise<void> {
  const { incident } = await api.patch<IncidentResponse>(`/api/incidents/${id}`, { status });
  if (out.json) return out.printJson(incident);
  out.print(`#${incident.number} is now ${incident.status}`);
}

/** Incidents are named by number at a terminal; the API wants the id. */
async function incidentId(api: ApiClient, ref: string | undefined): Promise<string> {
  if (!ref) throw new UsageError('name the incident by its number, e.g. `codeflow incidents ack 12`');
  if (/^[0-9a-f-]{36}$/i.test(ref)) return ref;
  const number = Number(ref.replace(/^#/, ''));
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`"${ref}" is not an incident number`);
  const { incidents } = await api.get<IncidentListResponse>('/api/incidents', { status: 'all' });
  const found = incidents.find((i: Incident) => i.number === number);
  if (!found) throw new CliError(`no incident #${number}`, EXIT.failure);
  return found.id;
}

/** --service may repeat; the shared parser keeps only the last, so read them from argv. */
function serviceFlags(argv: string[]): string[] {
  const out: string[] = [];
  argv.forEach((a, i) => {
    if (a === '--service' && argv[i + 1]) out.push(argv[i + 1]!);
    else if (a.startsWith('--service=')) out.push(a.slice('--service='.length));
  });
  return out;
}

function inTime(iso: string): string {
  const ms = Date.parse(iso) - Date.now();
  return ms <= 0 ? 'due now' : formatCountdown(ms);
}
