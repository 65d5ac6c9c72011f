import type { AwsClients } from '../aws/client';
import { getFindings, listDetectorIds } from '../aws/guardduty';
import { AppError, isAppError } from '../errors';
import { listAlarms, type AlarmsContext } from '../telemetry/alarms';
import type { IncidentSource, ServiceRef } from './types';

/*
 * What an incident is opened from: an alarm (its services come from its dimensions), a GuardDuty
 * finding (its cluster and service), or a Codeflow operation (resolved by whoever registers an
 * `operation` resolver: lib/ops, when present; otherwise the reference is kept as given).
 */

export interface ResolvedSource {
  source: IncidentSource;
  services: ServiceRef[];
  /** A title saying what happened, used when the request gives none (an operation's resolver sets it). */
  title?: string;
}

export type SourceResolver = (ref: string) => Promise<ResolvedSource>;

const REGISTRY = Symbol.for('codeflow.incidents.sourceResolvers');
type Holder = { [REGISTRY]?: Partial<Record<IncidentSource['kind'], SourceResolver>> };

/** For other areas (lib/ops): `registerSourceResolver('operation', async (ref) => ({ source, services }))`. */
export function registerSourceResolver(kind: 'operation' | 'alarm' | 'finding', resolver: SourceResolver): void {
  const h = globalThis as Holder;
  (h[REGISTRY] ??= {})[kind] = resolver;
}

export interface SourceContext {
  alarms: () => AlarmsContext;
  aws: () => AwsClients;
}

export async function resolveSource(kind: IncidentSource['kind'], ref: string | null, ctx: SourceContext): Promise<ResolvedSource> {
  if (kind === 'manual') return { source: { kind, ref: null, label: null }, services: [] };
  if (!ref?.trim()) throw new AppError('invalid', `source.ref: name the ${kind} the incident is opened from`);
  const registered = (globalThis as Holder)[REGISTRY]?.[kind];
  if (registered) return registered(ref);
  if (kind === 'alarm') return fromAlarm(ref, ctx);
  if (kind === 'finding') return fromFinding(ref, ctx);
  return { source: { kind, ref, label: `operation ${ref}` }, services: [] };
}

async function fromAlarm(name: string, ctx: SourceContext): Promise<ResolvedSource> {
  const report = await listAlarms(ctx.alarms());
  const alarm = report.alarms.find((a) => a.name === name);
  if (!alarm) {
    if (report.error) throw new AppError('unavailable', `Could not read CloudWatch alarms to find "${name}": ${report.error}`);
    throw new AppError('invalid', `source.ref: CloudWatch has no alarm named "${name.slice(0, 255)}"`);
  }
  return { source: { kind: 'alarm', ref: name, label: `${name} (${alarm.state})` }, services: alarm.services };
}

async function fromFinding(id: string, ctx: SourceContext): Promise<ResolvedSource> {
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(id)) throw new AppError('invalid', 'source.ref: a GuardDuty finding id uses letters, digits, hyphens and underscores');
  try {
    const aws = ctx.aws();
    for (const detectorId of await listDetectorIds(aws)) {
      const [f] = await getFindings(aws, detectorId, [id]);
      if (f) {
        const services = f.resource.cluster && f.resource.service ? [{ cluster: f.resource.cluster, service: f.resource.service }] : [];
        return { source: { kind: 'finding', ref: id, label: `${f.severityLabel} ${f.title}` }, services };
      }
    }
  } catch (e) {
    if (isAppError(e) && e.code === 'invalid') throw e;
    throw new AppError('unavailable', `Could not read GuardDuty to find finding "${id}": ${isAppError(e) ? e.message : 'GuardDuty failed'}`, { cause: e });
  }
  throw new AppError('invalid', `source.ref: GuardDuty has no finding "${id}"`);
}
