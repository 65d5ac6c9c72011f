/**
 * AWS's API throttle buckets that Codeflow's reads fall into, per account and Region, with the
 * documented defaults: a bucket holds `capacity` tokens (the burst) and refills `refillPerSecond`
 * (the sustained rate). ECS: "Request throttling for the Amazon ECS API"; CloudWatch and CloudWatch
 * Logs: their service quotas pages (DescribeAlarms 9 TPS, GetMetricData 50 TPS, FilterLogEvents 5
 * TPS). GuardDuty documents no per-API figure; the value here is deliberately low. Accounts with
 * raised quotas are not visible to Codeflow; the share (CODEFLOW_AWS_BUDGET_PCT) is the knob.
 *
 * Plain data shared by the client's budget (quota-budget.ts) and the sandbox, which enforces the
 * same buckets so the budget is testable.
 */
export const THROTTLE_BUCKETS = {
  'ecs.cluster-read': { service: 'ecs', capacity: 50, refillPerSecond: 20, operations: ['DescribeClusters', 'ListClusters'] },
  'ecs.service-read': { service: 'ecs', capacity: 100, refillPerSecond: 20, operations: ['DescribeServices', 'ListServices', 'ListServicesByNamespace'] },
  'ecs.cluster-resource-read': { service: 'ecs', capacity: 100, refillPerSecond: 20, operations: ['DescribeTasks', 'ListTasks', 'DescribeContainerInstances', 'ListContainerInstances'] },
  'ecs.task-definition-read': { service: 'ecs', capacity: 100, refillPerSecond: 20, operations: ['DescribeTaskDefinition', 'ListTaskDefinitions', 'ListTaskDefinitionFamilies'] },
  'cloudwatch.get-metric-data': { service: 'cloudwatch', capacity: 50, refillPerSecond: 50, operations: ['GetMetricData'] },
  'cloudwatch.describe-alarms': { service: 'cloudwatch', capacity: 9, refillPerSecond: 9, operations: ['DescribeAlarms'] },
  'logs.filter-log-events': { service: 'logs', capacity: 5, refillPerSecond: 5, operations: ['FilterLogEvents'] },
  guardduty: { service: 'guardduty', capacity: 10, refillPerSecond: 5, operations: ['ListFindings', 'GetFindings', 'ListDetectors'] },
} as const satisfies Record<string, { service: AwsServiceId; capacity: number; refillPerSecond: number; operations: readonly string[] }>;

export type AwsServiceId = 'ecs' | 'cloudwatch' | 'logs' | 'guardduty';
export type ThrottleBucketName = keyof typeof THROTTLE_BUCKETS;

const byOperation = new Map<string, ThrottleBucketName>();
for (const [name, bucket] of Object.entries(THROTTLE_BUCKETS) as [ThrottleBucketName, (typeof THROTTLE_BUCKETS)[ThrottleBucketName]][]) {
  for (const op of bucket.operations) byOperation.set(`${bucket.service}:${op}`, name);
}

/** The bucket a call draws from, or null for calls Codeflow does not budget (writes have their own buckets). */
export function throttleBucketOf(service: AwsServiceId, operation: string): ThrottleBucketName | null {
  return byOperation.get(`${service}:${operation}`) ?? null;
}

/** The SDK's service ids and the sandbox's SigV4 signing names, as the budget's service ids. */
export function awsServiceIdOf(name: string): AwsServiceId | null {
  switch (name) {
    case 'ECS':
    case 'ecs':
      return 'ecs';
    case 'CloudWatch':
    case 'monitoring':
      return 'cloudwatch';
    case 'CloudWatch Logs':
    case 'logs':
      return 'logs';
    case 'GuardDuty':
    case 'guardduty':
      return 'guardduty';
    default:
      return null;
  }
}
