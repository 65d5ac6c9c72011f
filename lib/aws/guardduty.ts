import {
  ArchiveFindingsCommand,
  GetFindingsCommand,
  GetFindingsStatisticsCommand,
  ListDetectorsCommand,
  ListFindingsCommand,
  UnarchiveFindingsCommand,
  type Finding as SdkFinding,
  type Resource as SdkResource,
  type SortCriteria as SdkSortCriteria,
} from '@aws-sdk/client-guardduty';
import { nameFromArn, parseTaskDefinitionArn } from './arn';
import { chunk, mapLimit } from './batch';
import { send, type AwsClients } from './client';
import {
  SEVERITY_FLOOR,
  type Finding,
  type FindingCriterion,
  type FindingResource,
  type FindingSort,
  type SeverityCounts,
  type SeverityLabel,
} from './findings-types';

/** GuardDuty's limit for GetFindings, ArchiveFindings and UnarchiveFindings, and ListFindings' page size. */
const MAX_IDS_PER_CALL = 50;
const CONCURRENCY = 3;

export function severityLabelOf(severity: number): SeverityLabel {
  if (severity >= SEVERITY_FLOOR.CRITICAL) return 'CRITICAL';
  if (severity >= SEVERITY_FLOOR.HIGH) return 'HIGH';
  if (severity >= SEVERITY_FLOOR.MEDIUM) return 'MEDIUM';
  return 'LOW';
}

/** Severity at or above a band's floor: numeric, which every GuardDuty API version accepts. */
export const severityAtLeast = (label: SeverityLabel): FindingCriterion => ({ severity: { Gte: SEVERITY_FLOOR[label] } });

/** The guide's §6.4 form: `{"severity": {"Eq": ["HIGH", "CRITICAL"]}}`. */
export const severityIn = (labels: readonly SeverityLabel[]): FindingCriterion => ({ severity: { Eq: [...labels] } });

export const ofTypes = (types: readonly string[]): FindingCriterion => ({ type: { Eq: [...types] } });

export const inCluster = (cluster: string): FindingCriterion => ({ 'resource.ecsClusterDetails.name': { Eq: [nameFromArn(cluster)] } });

export const isArchived = (archived: boolean): FindingCriterion => ({ 'service.archived': { Eq: [String(archived)] } });

/** GuardDuty compares times in epoch milliseconds. */
export const updatedSince = (iso: string): FindingCriterion => ({ updatedAt: { Gte: Date.parse(iso) } });

/** Joins criteria (all must hold); conditions on the same attribute are merged. */
export function allOf(...parts: FindingCriterion[]): FindingCriterion {
  const out: FindingCriterion = {};
  for (const part of parts) for (const [field, condition] of Object.entries(part)) out[field] = { ...out[field], ...condition };
  return out;
}

const toSortCriteria = (sort: FindingSort | undefined): SdkSortCriteria | undefined => (sort ? { AttributeName: sort.attribute, OrderBy: sort.order } : undefined);

export async function listDetectorIds(aws: AwsClients): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await send(aws.guardduty, new ListDetectorsCommand({ MaxResults: 50, NextToken: nextToken }), aws.deadlineMs, 'ListDetectors');
    ids.push(...(page.DetectorIds ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return ids;
}

export async function* listFindingIds(aws: AwsClients, detectorId: string, criteria?: FindingCriterion, sort?: FindingSort): AsyncGenerator<string> {
  let nextToken: string | undefined;
  do {
    const page = await send(
      aws.guardduty,
      new ListFindingsCommand({
        DetectorId: detectorId,
        FindingCriteria: criteria ? { Criterion: criteria } : undefined,
        SortCriteria: toSortCriteria(sort),
        MaxResults: MAX_IDS_PER_CALL,
        NextToken: nextToken,
      }),
      aws.deadlineMs,
      'ListFindings',
    );
    yield* page.FindingIds ?? [];
    nextToken = page.NextToken;
  } while (nextToken);
}

/** In the order of `ids`, 50 per call; ids GuardDuty does not know are left out. */
export async function getFindings(aws: AwsClients, detectorId: string, ids: readonly string[]): Promise<Finding[]> {
  const pages = await mapLimit(chunk(ids, MAX_IDS_PER_CALL), CONCURRENCY, (FindingIds) =>
    send(aws.guardduty, new GetFindingsCommand({ DetectorId: detectorId, FindingIds }), aws.deadlineMs, 'GetFindings'),
  );
  const byId = new Map(pages.flatMap((p) => p.Findings ?? []).map((f) => [f.Id ?? '', reshapeFinding(f)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export interface ListFindingsOptions {
  criteria?: FindingCriterion;
  /** `newest`: last updated first; `severity`: most severe first, then newest. */
  order?: 'newest' | 'severity';
  /** At most this many findings (the most relevant by `order`). */
  limit?: number;
}

export async function listFindings(aws: AwsClients, detectorId: string, opts: ListFindingsOptions = {}): Promise<Finding[]> {
  const order = opts.order ?? 'newest';
  const limit = opts.limit ?? 100;
  const sort: FindingSort = { attribute: order === 'newest' ? 'updatedAt' : 'severity', order: 'DESC' };
  const ids: string[] = [];
  for await (const id of listFindingIds(aws, detectorId, opts.criteria, sort)) {
    ids.push(id);
    if (ids.length >= limit) break;
  }
  const findings = await getFindings(aws, detectorId, ids);
  const newest = (a: Finding, b: Finding) => b.updatedAt.localeCompare(a.updatedAt);
  // GetFindings does not promise an order; sort again so the page reads as asked.
  return findings.sort(order === 'newest' ? (a, b) => newest(a, b) || b.severity - a.severity : (a, b) => b.severity - a.severity || newest(a, b));
}

/** Findings matching `criteria`, counted per severity band (from GuardDuty's COUNT_BY_SEVERITY). */
export async function getFindingStatistics(aws: AwsClients, detectorId: string, criteria?: FindingCriterion): Promise<SeverityCounts> {
  const out = await send(
    aws.guardduty,
    new GetFindingsStatisticsCommand({
      DetectorId: detectorId,
      FindingStatisticTypes: ['COUNT_BY_SEVERITY'],
      FindingCriteria: criteria ? { Criterion: criteria } : undefined,
    }),
    aws.deadlineMs,
    'GetFindingsStatistics',
  );
  const counts: SeverityCounts = { LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0, total: 0 };
  // Keys are severities as text ("8.0"); the band is what people read.
  for (const [severity, n] of Object.entries(out.FindingStatistics?.CountBySeverity ?? {})) {
    counts[severityLabelOf(Number(severity))] += n;
    counts.total += n;
  }
  return counts;
}

export async function archiveFindings(aws: AwsClients, detectorId: string, ids: readonly string[]): Promise<void> {
  for (const FindingIds of chunk(ids, MAX_IDS_PER_CALL)) {
    await send(aws.guardduty, new ArchiveFindingsCommand({ DetectorId: detectorId, FindingIds }), aws.deadlineMs, 'ArchiveFindings');
  }
}

export async function unarchiveFindings(aws: AwsClients, detectorId: string, ids: readonly string[]): Promise<void> {
  for (const FindingIds of chunk(ids, MAX_IDS_PER_CALL)) {
    await send(aws.guardduty, new UnarchiveFindingsCommand({ DetectorId: detectorId, FindingIds }), aws.deadlineMs, 'UnarchiveFindings');
  }
}

/** GuardDuty sends ISO strings; normalise them so every timestamp reads the same way. */
function isoOf(value: string | undefined): string {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? (value ?? '') : new Date(ms).toISOString();
}

export function reshapeFinding(f: SdkFinding): Finding {
  const severity = f.Severity ?? 0;
  return {
    id: f.Id ?? '',
    arn: f.Arn ?? '',
    type: f.Type ?? '',
    title: f.Title ?? '',
    description: f.Description ?? '',
    severity,
    severityLabel: severityLabelOf(severity),
    createdAt: isoOf(f.CreatedAt),
    updatedAt: isoOf(f.UpdatedAt),
    archived: f.Service?.Archived ?? false,
    count: f.Service?.Count ?? 1,
    region: f.Region ?? '',
    accountId: f.AccountId ?? '',
    resource: reshapeResource(f.Resource),
  };
}

function reshapeResource(r: SdkResource | undefined): FindingResource {
  const ecs = r?.EcsClusterDetails;
  const task = ecs?.TaskDetails;
  const container = task?.Containers?.[0] ?? r?.ContainerDetails;
  const group = task?.Group?.startsWith('service:') ? task.Group.slice('service:'.length) : undefined;
  const cluster = ecs?.Name ?? (ecs?.Arn ? nameFromArn(ecs.Arn) : undefined);
  const key = r?.AccessKeyDetails;
  const summary: FindingResource = {
    type: r?.ResourceType ?? 'Unknown',
    cluster,
    service: group ?? (task?.DefinitionArn ? parseTaskDefinitionArn(task.DefinitionArn)?.family : undefined),
    taskArn: task?.Arn,
    taskDefinitionArn: task?.DefinitionArn,
    image: container?.Image,
    accessKeyId: key?.AccessKeyId,
    principal: key?.UserName,
  };
  // Absent means "does not apply"; keep the object free of undefined keys for JSON and tests.
  return Object.fromEntries(Object.entries(summary).filter(([, v]) => v !== undefined && v !== '')) as FindingResource;
}
