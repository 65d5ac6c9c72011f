import { AwsError } from '../protocol/errors';
import type { Operation, ServiceDefinition } from '../protocol/operations';
import type { Sandbox } from '../state';
import { compileCriteria, sortFindings } from '../telemetry/findings-criteria';
import { FindingsSimulation, type FindingRecord } from '../telemetry/findings';
import { optionalString, optionalStringList, paginate, pageSize } from './input';

const BAD_REQUEST = 'BadRequestException';
const badRequest = (message: string) => new AwsError(BAD_REQUEST, message, 400);

const GROUP_BY = ['ACCOUNT', 'DATE', 'FINDING_TYPE', 'RESOURCE', 'SEVERITY'] as const;
type GroupBy = (typeof GROUP_BY)[number];

/** GuardDuty (restJson1): the account's detector and its findings, raised by the simulation. */
export function guarddutyService(sandbox: Sandbox): ServiceDefinition {
  const sim = new FindingsSimulation();
  sandbox.addPlugin(sim);

  function detectorOf(input: Record<string, unknown>): string {
    const id = optionalString(input, 'DetectorId', BAD_REQUEST);
    if (id !== sim.detectorId) throw badRequest('The request is rejected because the input detectorId is not owned by the current account.');
    return id;
  }

  /** 1–50 ids, as ArchiveFindings, UnarchiveFindings and GetFindings allow. */
  function findingIdsOf(input: Record<string, unknown>, mustExist: boolean): string[] {
    const ids = optionalStringList(input, 'findingIds', BAD_REQUEST);
    if (!ids || ids.length === 0) throw badRequest('The request is rejected because findingIds must contain at least one id.');
    if (ids.length > 50) throw badRequest('The request is rejected because findingIds can contain at most 50 ids.');
    const unknown = ids.filter((id) => !sim.findings.has(id));
    if (mustExist && unknown.length > 0) throw badRequest(`The request is rejected because these findingIds are not valid: ${unknown.join(', ')}.`);
    return ids;
  }

  const matching = (input: Record<string, unknown>): FindingRecord[] => {
    const criteria = compileCriteria(input.findingCriteria);
    return [...sim.findings.values()].filter(criteria);
  };

  const operations: Record<string, Operation> = {
    ListDetectors: (input) => {
      const { page, next } = paginate([sim.detectorId], optionalString(input, 'nextToken', BAD_REQUEST), pageSize(input, 'maxResults', 50, 50, BAD_REQUEST), BAD_REQUEST);
      return { detectorIds: page, nextToken: next };
    },
    GetDetector: (input) => {
      detectorOf(input);
      const created = new Date(sim.detectorCreatedAt).toISOString();
      return {
        createdAt: created,
        updatedAt: created,
        findingPublishingFrequency: 'SIX_HOURS',
        serviceRole: sandbox.world.iamArn('role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty'),
        status: 'ENABLED',
        features: [
          { name: 'CLOUD_TRAIL', status: 'ENABLED', updatedAt: sim.detectorCreatedAt / 1000 },
          { name: 'DNS_LOGS', status: 'ENABLED', updatedAt: sim.detectorCreatedAt / 1000 },
          { name: 'S3_DATA_EVENTS', status: 'ENABLED', updatedAt: sim.detectorCreatedAt / 1000 },
          { name: 'RUNTIME_MONITORING', status: 'ENABLED', updatedAt: sim.detectorCreatedAt / 1000, additionalConfiguration: [{ name: 'ECS_FARGATE_AGENT_MANAGEMENT', status: 'ENABLED', updatedAt: sim.detectorCreatedAt / 1000 }] },
        ],
        tags: {},
      };
    },
    ListFindings: (input) => {
      detectorOf(input);
      const sorted = sortFindings(matching(input), input.sortCriteria);
      const { page, next } = paginate(sorted, optionalString(input, 'nextToken', BAD_REQUEST), pageSize(input, 'maxResults', 50, 50, BAD_REQUEST), BAD_REQUEST);
      return { findingIds: page.map((f) => f.id), nextToken: next };
    },
    GetFindings: (input) => {
      detectorOf(input);
      // Unknown ids are left out, as GuardDuty does; without sortCriteria, in the order asked.
      const found = findingIdsOf(input, false).flatMap((id) => sim.findings.get(id) ?? []);
      return { findings: input.sortCriteria ? sortFindings(found, input.sortCriteria) : found };
    },
    GetFindingsStatistics: (input) => {
      detectorOf(input);
      const types = optionalStringList(input, 'findingStatisticTypes', BAD_REQUEST);
      const groupBy = optionalString(input, 'groupBy', BAD_REQUEST);
      if (types?.some((t) => t !== 'COUNT_BY_SEVERITY')) throw badRequest('The request is rejected because findingStatisticTypes only accepts COUNT_BY_SEVERITY.');
      if (groupBy !== undefined && !GROUP_BY.includes(groupBy as GroupBy)) throw badRequest(`The request is rejected because groupBy must be one of ${GROUP_BY.join(', ')}.`);
      if (!types?.length && groupBy === undefined) throw badRequest('The request is rejected because either findingStatisticTypes or groupBy is required.');
      const orderBy = optionalString(input, 'orderBy', BAD_REQUEST) ?? 'DESC';
      if (orderBy !== 'ASC' && orderBy !== 'DESC') throw badRequest('The request is rejected because orderBy must be ASC or DESC.');
      const maxResults = pageSize(input, 'maxResults', 100, 25, BAD_REQUEST);
      const findings = matching(input);
      const findingStatistics: Record<string, unknown> = {};
      if (types?.length) {
        // Keys are severities as GuardDuty prints them ("8.0"), values the number of findings.
        const counts: Record<string, number> = {};
        for (const f of findings) counts[f.severity.toFixed(1)] = (counts[f.severity.toFixed(1)] ?? 0) + 1;
        findingStatistics.countBySeverity = counts;
      }
      if (groupBy) Object.assign(findingStatistics, grouped(findings, groupBy as GroupBy, orderBy, maxResults));
      return { findingStatistics };
    },
    ArchiveFindings: (input) => {
      detectorOf(input);
      sim.archive(findingIdsOf(input, true), true);
      return {};
    },
    UnarchiveFindings: (input) => {
      detectorOf(input);
      sim.archive(findingIdsOf(input, true), false);
      return {};
    },
  };

  return {
    signingName: 'guardduty',
    protocols: ['restJson1'],
    restRoutes: [
      { method: 'GET', path: '/detector', operation: 'ListDetectors' },
      { method: 'GET', path: '/detector/{DetectorId}', operation: 'GetDetector' },
      { method: 'POST', path: '/detector/{DetectorId}/findings', operation: 'ListFindings' },
      { method: 'POST', path: '/detector/{DetectorId}/findings/get', operation: 'GetFindings' },
      { method: 'POST', path: '/detector/{DetectorId}/findings/statistics', operation: 'GetFindingsStatistics' },
      { method: 'POST', path: '/detector/{DetectorId}/findings/archive', operation: 'ArchiveFindings' },
      { method: 'POST', path: '/detector/{DetectorId}/findings/unarchive', operation: 'UnarchiveFindings' },
    ],
    operations,
  };
}

function grouped(findings: FindingRecord[], groupBy: GroupBy, orderBy: 'ASC' | 'DESC', maxResults: number): Record<string, unknown> {
  const groups = new Map<string, { findings: FindingRecord[]; last: number }>();
  const keyOf = (f: FindingRecord): string => {
    switch (groupBy) {
      case 'ACCOUNT':
        return f.accountId;
      case 'DATE':
        return f.updatedAt.slice(0, 10);
      case 'FINDING_TYPE':
        return f.type;
      case 'RESOURCE':
        return resourceIdOf(f);
      case 'SEVERITY':
        return f.severity.toFixed(1);
    }
  };
  for (const f of findings) {
    const key = keyOf(f);
    const group = groups.get(key) ?? { findings: [], last: 0 };
    group.findings.push(f);
    group.last = Math.max(group.last, Date.parse(f.updatedAt));
    groups.set(key, group);
  }
  const ordered = [...groups.entries()]
    .sort(([ka, a], [kb, b]) => (orderBy === 'ASC' ? a.findings.length - b.findings.length : b.findings.length - a.findings.length) || ka.localeCompare(kb))
    .slice(0, maxResults);
  // Timestamps in these statistics are modelled as timestamps: epoch seconds on the wire.
  const common = (g: { findings: FindingRecord[]; last: number }) => ({ totalFindings: g.findings.length, lastGeneratedAt: g.last / 1000 });
  switch (groupBy) {
    case 'ACCOUNT':
      return { groupedByAccount: ordered.map(([accountId, g]) => ({ accountId, ...common(g) })) };
    case 'DATE':
      return { groupedByDate: ordered.map(([day, g]) => ({ date: Date.parse(`${day}T00:00:00Z`) / 1000, severity: Math.max(...g.findings.map((f) => f.severity)), ...common(g) })) };
    case 'FINDING_TYPE':
      return { groupedByFindingType: ordered.map(([findingType, g]) => ({ findingType, ...common(g) })) };
    case 'RESOURCE':
      return { groupedByResource: ordered.map(([resourceId, g]) => ({ accountId: g.findings[0]!.accountId, resourceId, resourceType: g.findings[0]!.resource.resourceType, ...common(g) })) };
    case 'SEVERITY':
      return { groupedBySeverity: ordered.map(([severity, g]) => ({ severity: Number(severity), ...common(g) })) };
  }
}

function resourceIdOf(f: FindingRecord): string {
  const ecs = f.resource.ecsClusterDetails as { arn?: string } | undefined;
  const key = f.resource.accessKeyDetails as { accessKeyId?: string } | undefined;
  return ecs?.arn ?? key?.accessKeyId ?? f.id;
}
