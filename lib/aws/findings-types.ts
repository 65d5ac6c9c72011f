/**
 * Codeflow's view of GuardDuty findings. Like lib/aws/types.ts: plain objects with ISO-8601
 * timestamps, so they cross the server/client boundary unchanged.
 */

export type SeverityLabel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export const SEVERITY_LABELS: readonly SeverityLabel[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** Lowest severity of each GuardDuty band: LOW 1–3.9, MEDIUM 4–6.9, HIGH 7–8.9, CRITICAL 9–10. */
export const SEVERITY_FLOOR: Record<SeverityLabel, number> = { LOW: 1, MEDIUM: 4, HIGH: 7, CRITICAL: 9 };

/** What a finding is about, summarised for lists; absent fields do not apply to its resource. */
export interface FindingResource {
  /** GuardDuty's resource type: `ECSCluster`, `AccessKey`, `Container`, `Instance`, … */
  type: string;
  cluster?: string;
  /** From the task's group (`service:<name>`), else the task definition family. */
  service?: string;
  taskArn?: string;
  taskDefinitionArn?: string;
  image?: string;
  accessKeyId?: string;
  /** The IAM user or role the access key belongs to. */
  principal?: string;
}

export interface Finding {
  id: string;
  arn: string;
  /** `Execution:Runtime/ReverseShell`: threat purpose, resource, detail. */
  type: string;
  title: string;
  description: string;
  severity: number;
  severityLabel: SeverityLabel;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  /** How many times GuardDuty has seen this activity. */
  count: number;
  region: string;
  accountId: string;
  resource: FindingResource;
}

/** One GuardDuty Condition; the older comparator names, which every API version accepts. */
export interface FindingCondition {
  Eq?: string[];
  Neq?: string[];
  Gt?: number;
  Gte?: number;
  Lt?: number;
  Lte?: number;
}

/** GuardDuty's `criterion`: filter attribute (`severity`, `resource.ecsClusterDetails.name`) → condition. */
export type FindingCriterion = Record<string, FindingCondition>;

export interface FindingSort {
  /** A filter attribute, e.g. `updatedAt` or `severity`. */
  attribute: string;
  order: 'ASC' | 'DESC';
}

export type SeverityCounts = Record<SeverityLabel, number> & { total: number };
