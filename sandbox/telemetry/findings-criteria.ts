import { AwsError } from '../protocol/errors';

/**
 * GuardDuty's FindingCriteria and SortCriteria, evaluated against findings in their wire shape
 * (camelCase, as `criterion` keys name them: `resource.ecsClusterDetails.name`).
 */

export type SeverityLabel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** GuardDuty's bands: LOW 1–3.9, MEDIUM 4–6.9, HIGH 7–8.9, CRITICAL 9–10. */
export const SEVERITY_BANDS: Record<SeverityLabel, { min: number; max: number }> = {
  LOW: { min: 1, max: 4 },
  MEDIUM: { min: 4, max: 7 },
  HIGH: { min: 7, max: 9 },
  CRITICAL: { min: 9, max: 10.01 },
};

export function severityLabel(severity: number): SeverityLabel {
  if (severity >= 9) return 'CRITICAL';
  if (severity >= 7) return 'HIGH';
  if (severity >= 4) return 'MEDIUM';
  return 'LOW';
}

type FieldKind = 'string' | 'number' | 'time' | 'boolean' | 'severity';

/** The filter attributes GuardDuty documents that the sandbox's findings carry. */
const FIELDS: Record<string, FieldKind> = {
  id: 'string',
  type: 'string',
  severity: 'severity',
  confidence: 'number',
  accountId: 'string',
  region: 'string',
  createdAt: 'time',
  updatedAt: 'time',
  'service.archived': 'boolean',
  'service.count': 'number',
  'service.featureName': 'string',
  'service.resourceRole': 'string',
  'service.eventFirstSeen': 'time',
  'service.eventLastSeen': 'time',
  'service.action.actionType': 'string',
  'service.action.dnsRequestAction.domain': 'string',
  'service.action.awsApiCallAction.api': 'string',
  'service.action.awsApiCallAction.serviceName': 'string',
  'service.action.awsApiCallAction.remoteIpDetails.ipAddressV4': 'string',
  'service.action.awsApiCallAction.remoteIpDetails.country.countryName': 'string',
  'service.action.networkConnectionAction.connectionDirection': 'string',
  'service.action.networkConnectionAction.protocol': 'string',
  'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4': 'string',
  'service.action.networkConnectionAction.remoteIpDetails.country.countryName': 'string',
  'service.action.networkConnectionAction.remotePortDetails.port': 'number',
  'service.runtimeDetails.process.name': 'string',
  'service.runtimeDetails.process.executablePath': 'string',
  'service.runtimeDetails.process.executableSha256': 'string',
  'resource.resourceType': 'string',
  'resource.accessKeyDetails.accessKeyId': 'string',
  'resource.accessKeyDetails.principalId': 'string',
  'resource.accessKeyDetails.userName': 'string',
  'resource.accessKeyDetails.userType': 'string',
  'resource.s3BucketDetails.name': 'string',
  'resource.s3BucketDetails.arn': 'string',
  'resource.containerDetails.id': 'string',
  'resource.containerDetails.name': 'string',
  'resource.containerDetails.image': 'string',
  'resource.ecsClusterDetails.name': 'string',
  'resource.ecsClusterDetails.arn': 'string',
  'resource.ecsClusterDetails.taskDetails.arn': 'string',
  'resource.ecsClusterDetails.taskDetails.definitionArn': 'string',
  'resource.ecsClusterDetails.taskDetails.group': 'string',
  'resource.ecsClusterDetails.taskDetails.launchType': 'string',
  'resource.ecsClusterDetails.taskDetails.containers.name': 'string',
  'resource.ecsClusterDetails.taskDetails.containers.image': 'string',
};

/** Wire names of Condition's members; the newer names are synonyms of the older ones. */
const LIST_COMPARATORS: Record<string, 'eq' | 'neq' | 'matches' | 'notMatches'> = {
  eq: 'eq',
  equals: 'eq',
  neq: 'neq',
  notEquals: 'neq',
  matches: 'matches',
  notMatches: 'notMatches',
};
const NUMBER_COMPARATORS: Record<string, 'gt' | 'gte' | 'lt' | 'lte'> = {
  gt: 'gt',
  greaterThan: 'gt',
  gte: 'gte',
  greaterThanOrEqual: 'gte',
  lt: 'lt',
  lessThan: 'lt',
  lte: 'lte',
  lessThanOrEqual: 'lte',
};

interface ParsedCondition {
  field: string;
  kind: FieldKind;
  eq: string[];
  neq: string[];
  matches: RegExp[];
  notMatches: RegExp[];
  bounds: { op: 'gt' | 'gte' | 'lt' | 'lte'; value: number }[];
}

export type CompiledCriteria = (finding: object) => boolean;

const invalid = (message: string) => new AwsError('BadRequestException', message, 400);

/** Parses `findingCriteria` (wire shape) once, so bad criteria fail before any finding is read. */
export function compileCriteria(findingCriteria: unknown): CompiledCriteria {
  if (findingCriteria === undefined || findingCriteria === null) return () => true;
  if (typeof findingCriteria !== 'object' || Array.isArray(findingCriteria)) throw invalid('The request is rejected because findingCriteria must be an object.');
  const criterion = (findingCriteria as { criterion?: unknown }).criterion;
  if (criterion === undefined || criterion === null) return () => true;
  if (typeof criterion !== 'object' || Array.isArray(criterion)) throw invalid('The request is rejected because findingCriteria.criterion must be a map of conditions.');
  const conditions = Object.entries(criterion as Record<string, unknown>).map(([field, condition]) => parseCondition(field, condition));
  return (finding) => conditions.every((c) => matchesCondition(finding, c));
}

function parseCondition(field: string, condition: unknown): ParsedCondition {
  const kind = FIELDS[field];
  if (!kind) throw invalid(`The request is rejected because the criterion field ${field} is not a supported filter attribute.`);
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) throw invalid(`The request is rejected because the condition for ${field} must be an object.`);
  const parsed: ParsedCondition = { field, kind, eq: [], neq: [], matches: [], notMatches: [], bounds: [] };
  const entries = Object.entries(condition as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
  if (entries.length === 0) throw invalid(`The request is rejected because the condition for ${field} has no comparator.`);
  for (const [name, value] of entries) {
    const list = LIST_COMPARATORS[name];
    const bound = NUMBER_COMPARATORS[name];
    if (list) {
      if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string')) throw invalid(`The request is rejected because ${field}.${name} must be a non-empty list of strings.`);
      const strings = value as string[];
      if (list === 'matches' || list === 'notMatches') parsed[list].push(...strings.map(globToRegExp));
      else parsed[list].push(...strings.map((v) => normaliseValue(field, kind, v)));
    } else if (bound) {
      if (kind === 'string' || kind === 'boolean') throw invalid(`The request is rejected because ${field} cannot be compared with ${name}.`);
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`The request is rejected because ${field}.${name} must be a number.`);
      parsed.bounds.push({ op: bound, value });
    } else {
      throw invalid(`The request is rejected because ${name} is not a valid comparator for ${field}.`);
    }
  }
  return parsed;
}

/** Eq/Neq values in the form the comparison uses: severity labels upper-cased, times as epoch ms. */
function normaliseValue(field: string, kind: FieldKind, value: string): string {
  if (kind === 'severity') {
    const label = value.toUpperCase();
    if (label in SEVERITY_BANDS) return label;
    if (value.trim() !== '' && Number.isFinite(Number(value))) return String(Number(value));
    throw invalid(`The request is rejected because ${value} is not a severity (LOW, MEDIUM, HIGH, CRITICAL or a number).`);
  }
  if (kind === 'time') {
    const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (!Number.isFinite(ms)) throw invalid(`The request is rejected because ${value} is not a time for ${field}.`);
    return String(ms);
  }
  if (kind === 'boolean') return value.toLowerCase();
  if (kind === 'number') {
    if (!Number.isFinite(Number(value))) throw invalid(`The request is rejected because ${value} is not a number for ${field}.`);
    return String(Number(value));
  }
  return value;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Every value at a dotted path; lists on the way (containers) fan out, as GuardDuty's filters do. */
export function valuesAt(finding: object, path: string): unknown[] {
  let current: unknown[] = [finding];
  for (const key of path.split('.')) {
    const next: unknown[] = [];
    for (const item of current) {
      if (typeof item !== 'object' || item === null) continue;
      const value = (item as Record<string, unknown>)[key];
      if (Array.isArray(value)) next.push(...value);
      else if (value !== undefined && value !== null) next.push(value);
    }
    current = next;
  }
  return current;
}

function comparable(kind: FieldKind, value: unknown): number | string {
  if (kind === 'time') return typeof value === 'number' ? value * 1000 : Date.parse(String(value));
  if (kind === 'number' || kind === 'severity') return Number(value);
  if (kind === 'boolean') return String(value).toLowerCase();
  return String(value);
}

function equalsOne(kind: FieldKind, value: unknown, wanted: string): boolean {
  if (kind === 'severity') {
    const band = SEVERITY_BANDS[wanted as SeverityLabel];
    const n = Number(value);
    return band ? n >= band.min && n < band.max : n === Number(wanted);
  }
  return String(comparable(kind, value)) === wanted;
}

function matchesCondition(finding: object, c: ParsedCondition): boolean {
  const values = valuesAt(finding, c.field);
  if (c.eq.length > 0 && !values.some((v) => c.eq.some((w) => equalsOne(c.kind, v, w)))) return false;
  if (c.neq.length > 0 && values.some((v) => c.neq.some((w) => equalsOne(c.kind, v, w)))) return false;
  if (c.matches.length > 0 && !values.some((v) => c.matches.some((r) => r.test(String(v))))) return false;
  if (c.notMatches.length > 0 && values.some((v) => c.notMatches.some((r) => r.test(String(v))))) return false;
  if (c.bounds.length > 0) {
    const inBounds = (v: unknown) => {
      const n = comparable(c.kind, v) as number;
      return c.bounds.every(({ op, value }) => (op === 'gt' ? n > value : op === 'gte' ? n >= value : op === 'lt' ? n < value : n <= value));
    };
    if (!values.some(inBounds)) return false;
  }
  return true;
}

/**
 * Orders findings by `sortCriteria` (wire shape); without one, newest update first. Findings
 * lacking the attribute go last; ties fall back to the id so pages are stable.
 */
export function sortFindings<F extends { id: string; updatedAt: string }>(findings: F[], sortCriteria: unknown): F[] {
  let attribute = 'updatedAt';
  let descending = true;
  if (sortCriteria !== undefined && sortCriteria !== null) {
    if (typeof sortCriteria !== 'object' || Array.isArray(sortCriteria)) throw invalid('The request is rejected because sortCriteria must be an object.');
    const { attributeName, orderBy } = sortCriteria as { attributeName?: unknown; orderBy?: unknown };
    if (attributeName !== undefined) {
      if (typeof attributeName !== 'string' || !FIELDS[attributeName]) throw invalid(`The request is rejected because ${String(attributeName)} is not a sortable attribute.`);
      attribute = attributeName;
    }
    if (orderBy !== undefined && orderBy !== 'ASC' && orderBy !== 'DESC') throw invalid('The request is rejected because orderBy must be ASC or DESC.');
    descending = orderBy === 'DESC';
  }
  const kind = FIELDS[attribute]!;
  const keyed = findings.map((f) => {
    const first = valuesAt(f, attribute)[0];
    return { f, key: first === undefined ? undefined : comparable(kind, first) };
  });
  keyed.sort((a, b) => {
    if (a.key === undefined || b.key === undefined) return a.key === b.key ? a.f.id.localeCompare(b.f.id) : a.key === undefined ? 1 : -1;
    const order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    return (descending ? -order : order) || a.f.id.localeCompare(b.f.id);
  });
  return keyed.map((k) => k.f);
}
