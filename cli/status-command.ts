import type { FleetOverview, ServiceDetail, ServiceHealth } from '../lib/fleet/types';
import type { ParsedArgs } from './args';
import { UsageError } from './args';
import { ago, VERDICT_STYLE, type Output } from './output';
import { choosePlaces, inPlace, placeChoiceOf, placeName, placeOptionsUsage, placeQueryString, placesOf } from './place';
import { CliError, EXIT } from './remote/exit-codes';
import { remoteContext } from './remote-command';

export const statusUsage = `codeflow status [--account <id | name>] [--region <region>] [--cluster <name>] [--json]
  Every service's verdict, tasks and image, worst first (the overview page). With several accounts
  or Regions, each row names its own; --account and --region (or CODEFLOW_ACCOUNT and
  CODEFLOW_REGION) show only theirs.

codeflow service <cluster>/<service> [--account <id | name>] [--region <region>] [--json]
  One service: verdict and why, rollout, targets, recent events (the service page).
    ${placeOptionsUsage}`;

const SEVERITY = ['down', 'degraded', 'deploying', 'unknown', 'healthy'];
/** How long `status` waits for a console that has just started to finish its first read of AWS. */
const FIRST_READ_WAIT_MS = 30_000;

/**
 * The fleet, waiting (up to 30 s, saying so on stderr) while the console is still reading AWS for the
 * first time — right after it started — rather than printing an empty fleet as if there were none.
 */
export async function firstRead(read: () => Promise<FleetOverview>, waitMs = FIRST_READ_WAIT_MS): Promise<FleetOverview> {
  const deadline = Date.now() + waitMs;
  let fleet = await read();
  if (fleet.loading) process.stderr.write('codeflow: the console is still reading the fleet from AWS; waiting…\n');
  while (fleet.loading && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    fleet = await read();
  }
  if (fleet.loading) process.stderr.write(`codeflow: the first read from AWS has not finished after ${waitMs / 1000} s; showing what there is\n`);
  return fleet;
}

export async function runStatusCommand(args: ParsedArgs): Promise<void> {
  const choice = placeChoiceOf(args);
  const { api, out } = remoteContext(args);
  if (args.flags.cluster === true) throw new UsageError('--cluster needs a name');
  const cluster = typeof args.flags.cluster === 'string' ? args.flags.cluster : undefined;
  const fleet = await firstRead(() => api.get<FleetOverview>('/api/fleet'));
  const allPlaces = placesOf(fleet);
  const places = choosePlaces(choice, allPlaces);
  const here = (r: { account: string; region: string }) => inPlace(choice, r, allPlaces);
  const clusters = fleet.clusters.filter(here);
  const services = fleet.services
    .filter((s) => here(s) && (!cluster || s.cluster === cluster))
    .sort((a, b) => SEVERITY.indexOf(a.verdict) - SEVERITY.indexOf(b.verdict) || a.cluster.localeCompare(b.cluster) || a.name.localeCompare(b.name));
  if (cluster && !clusters.some((c) => c.cluster === cluster)) throw new CliError(`no cluster named "${cluster}" (known: ${[...new Set(clusters.map((c) => c.cluster))].join(', ')})`, EXIT.usage);
  if (out.json) return out.printJson({ ...fleet, places: fleet.places && places, clusters, services });

  const several = allPlaces.length > 1;
  const accountName = (account: string) => allPlaces.find((p) => p.account === account)?.accountName ?? account;
  out.table(
    [...(several ? ['ACCOUNT', 'REGION'] : []), 'CLUSTER', 'SERVICE', 'VERDICT', 'TASKS', 'IMAGE', 'WHY'],
    services.map((s) => [
      ...(several ? [accountName(s.account), s.region] : []),
      s.cluster,
      s.name,
      out.paint(VERDICT_STYLE[s.verdict] ?? 'dim', s.verdict),
      `${s.runningCount}/${s.desiredCount}`,
      s.imageTag ?? '—',
      s.reasons.join('; '),
    ]),
  );
  const counts = SEVERITY.map((v) => [v, services.filter((s) => s.verdict === v).length] as const).filter(([, n]) => n > 0);
  out.print('');
  out.print(`${services.length} services: ${counts.map(([v, n]) => `${n} ${v}`).join(', ')}`);
  for (const c of clusters) {
    const where = several ? `${placeName(c, allPlaces)} ` : '';
    if (c.error) out.print(out.paint('yellow', `${where}${c.cluster}: ${c.stale ? `showing data from ${ago(c.fetchedAt)} — ` : ''}${c.error}`));
  }
  // A place's own error (it could not be reached, or its clusters not listed) when no cluster above said it.
  for (const p of places) {
    if (p.error && !clusters.some((c) => c.error === p.error && c.account === p.account && c.region === p.region)) {
      out.print(out.paint('yellow', `${placeName(p, allPlaces)}: ${p.error}`));
    }
  }
}

export async function runServiceCommand(args: ParsedArgs): Promise<void> {
  const ref = args.positionals[1];
  const match = ref ? /^([\w-]{1,255})\/([\w-]{1,255})$/.exec(ref) : null;
  if (!match) throw new UsageError('service needs <cluster>/<service>, e.g. `codeflow service codeflow-cluster/codeflow-service`');
  const choice = placeChoiceOf(args);
  const { api, out } = remoteContext(args);
  const detail = await api.get<ServiceDetail>(`/api/services/${encodeURIComponent(match[1]!)}/${encodeURIComponent(match[2]!)}${placeQueryString(choice)}`);
  if (out.json) return out.printJson(detail);
  printServiceDetail(out, detail);
}

function printServiceDetail(out: Output, d: ServiceDetail): void {
  const h: ServiceHealth = d.health;
  out.print(`${out.paint('bold', `${d.cluster}/${h.name}`)}  ${out.paint(VERDICT_STYLE[h.verdict] ?? 'dim', h.verdict.toUpperCase())}${h.account ? out.paint('dim', `  ${h.account} ${h.region}`) : ''}`);
  for (const reason of h.reasons) out.print(`  · ${reason}`);
  if (d.stale) out.print(out.paint('yellow', `  showing data from ${ago(d.fetchedAt)}: ${d.error ?? 'AWS did not answer'}`));
  out.print('');
  out.print(`tasks       ${h.runningCount} running, ${h.pendingCount} pending, ${h.desiredCount} desired`);
  out.print(`revision    ${h.taskDefinition ? `${h.taskDefinition.family}:${h.taskDefinition.revision}` : '—'}`);
  out.print(`image       ${h.image ?? '—'}`);
  out.print(`rollout     ${h.rollout.state ?? '—'}${h.rollout.reason ? ` (${h.rollout.reason})` : ''}, ${h.rollout.deployments} deployment(s)`);
  out.print(`deployed    ${ago(h.lastDeploymentAt)}`);
  if (d.targetGroups.length > 0) {
    out.print('');
    out.table(
      ['TARGET GROUP', 'TRAFFIC', 'HEALTHY', 'UNHEALTHY'],
      d.targetGroups.map((g) => [
        g.targetGroup.name,
        g.listeners.length ? g.listeners.map((l) => `${l.weight}%`).join(', ') : '—',
        String(g.targets.filter((t) => t.state === 'healthy').length),
        String(g.targets.filter((t) => t.state === 'unhealthy').length),
      ]),
    );
  }
  if (d.events.length > 0) {
    out.print('');
    out.print(out.paint('bold', 'RECENT EVENTS'));
    for (const e of d.events.slice(0, 5)) out.print(`  ${out.paint('dim', ago(e.createdAt))}  ${e.message}`);
  }
}
