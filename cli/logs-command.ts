import type { LogEvent } from '../lib/aws/logs-types';
import type { FleetOverview, ServiceDetail } from '../lib/fleet/types';
import type { ParsedArgs } from './args';
import { intFlag, UsageError } from './args';
import { inPlace, placeChoiceOf, placeName, placeOptionsUsage, placesOf, type PlaceChoice } from './place';
import type { ApiClient } from './remote/api-client';
import { CliError, EXIT } from './remote/exit-codes';
import { remoteContext } from './remote-command';
import { firstRead } from './status-command';

export const logsUsage = `codeflow logs <service | cluster/service | /log/group> [--follow] [--filter <pattern>] [--since 10m] [--limit 200] [--json]
  A service's log lines (from its task definition's log group), oldest first. --follow keeps
  printing new lines as they arrive (like \`aws logs tail --follow\`) until Ctrl-C. --filter takes a
  CloudWatch filter pattern (ERROR, "quoted phrase", -exclude, { $.level = "error" }). --json prints
  one JSON object per line. A service is looked up in the fleet; when it runs in several accounts or
  Regions, name one:
    ${placeOptionsUsage}
  A /log/group is read in the account and Region --account/--region name (home by default).`;

interface LogPage {
  events: LogEvent[];
  nextCursor: string | null;
}

const POLL_MS = 1000;

export async function runLogsCommand(args: ParsedArgs): Promise<void> {
  const target = args.positionals[1];
  if (!target) throw new UsageError('logs needs a service, cluster/service or log group, e.g. `codeflow logs codeflow-service --follow`');
  const pattern = typeof args.flags.filter === 'string' ? args.flags.filter : undefined;
  if (args.flags.filter === true) throw new UsageError('--filter needs a pattern, e.g. --filter ERROR');
  const sinceMs = parseDuration(args.flags.since, 10 * 60_000);
  const limit = intFlag(args, 'limit', 200)!;
  if (limit < 1 || limit > 10_000) throw new UsageError('--limit must be between 1 and 10000');
  const choice = placeChoiceOf(args);
  const { api, out } = remoteContext(args);
  const { group, where } = await resolveLogGroup(api, target, choice);

  const print = (e: LogEvent) => {
    if (out.json) return out.print(JSON.stringify({ group, ...where, ...e }));
    out.print(`${out.paint('dim', e.timestamp)} ${out.paint('blue', e.stream)} ${e.message.replace(/\s+$/, '')}`);
  };

  if (args.flags.follow !== true) {
    const end = Date.now();
    let cursor: string | null = null;
    let printed = 0;
    do {
      const page: LogPage = await api.get<LogPage>('/api/logs/events', { ...where, group, pattern, start: end - sinceMs, end, limit: Math.min(limit - printed, 2000), cursor: cursor ?? undefined });
      for (const e of page.events) print(e);
      printed += page.events.length;
      cursor = page.nextCursor;
    } while (cursor && printed < limit);
    if (printed === 0 && !out.json) out.print(out.paint('dim', `no lines in ${group} in the last ${args.flags.since ?? '10m'}${pattern ? ` matching ${pattern}` : ''}`));
    return;
  }

  if (!out.json) process.stderr.write(out.paint('dim', `following ${group}${pattern ? ` (filter: ${pattern})` : ''} — Ctrl-C to stop\n`));
  let stopped = false;
  process.once('SIGINT', () => {
    stopped = true;
  });
  let cursor: string | undefined;
  while (!stopped) {
    const page = await api.get<LogPage>('/api/logs/events', { ...where, group, pattern, cursor, limit: 500 });
    for (const e of page.events) print(e);
    cursor = page.nextCursor ?? cursor;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The log group, and the account and Region to read it in (`where`, empty meaning the console's home). */
async function resolveLogGroup(api: ApiClient, target: string, choice: PlaceChoice): Promise<{ group: string; where: { account?: string; region?: string } }> {
  if (target.startsWith('/')) return { group: target, where: { account: choice.account, region: choice.region } };
  const [cluster, name] = target.includes('/') ? (target.split('/', 2) as [string, string]) : [undefined, target];
  const fleet = await firstRead(() => api.get<FleetOverview>('/api/fleet'));
  const places = placesOf(fleet);
  const named = choice.account || choice.region ? ` in ${[choice.account && `account ${choice.account}`, choice.region].filter(Boolean).join(', ')}` : '';
  const matches = fleet.services.filter((s) => s.name === name && (!cluster || s.cluster === cluster) && inPlace(choice, s, places));
  if (matches.length === 0) throw new CliError(`no service ${cluster ? `${cluster}/` : 'named '}"${name}"${named} (try \`codeflow status\`)`, EXIT.usage);
  const where = [...new Set(matches.map((s) => placeName(s, places)))];
  if (where.length > 1) {
    throw new CliError(`"${target}" runs in several accounts/Regions; name one with --account/--region: ${matches.map((s) => `${placeName(s, places)} ${s.cluster}/${s.name}`).join(', ')}`, EXIT.usage);
  }
  if (matches.length > 1) throw new CliError(`"${target}" runs in several clusters; name one: ${matches.map((s) => `${s.cluster}/${s.name}`).join(', ')}`, EXIT.usage);
  const found = matches[0]!;
  const detail = await api.get<ServiceDetail>(`/api/services/${encodeURIComponent(found.cluster)}/${encodeURIComponent(found.name)}`, { account: found.account, region: found.region });
  const containers = detail.taskDefinition?.containers ?? [];
  const group = (containers.find((c) => c.essential && c.logGroup) ?? containers.find((c) => c.logGroup))?.logGroup;
  if (!group) throw new CliError(`${found.cluster}/${found.name} does not log to CloudWatch Logs (no awslogs-group in its task definition)`);
  return { group, where: { account: found.account, region: found.region } };
}

/** "90s", "10m", "2h", "1d" → milliseconds. */
export function parseDuration(value: string | true | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const match = typeof value === 'string' ? /^(\d+)(s|m|h|d)$/.exec(value.trim()) : null;
  if (!match) throw new UsageError(`--since expects a duration such as 30s, 10m, 2h or 1d, got "${value === true ? '' : value}"`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
