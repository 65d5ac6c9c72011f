/**
 * Codeflow's own view of the AWS resources it reads. `lib/aws` maps SDK shapes into these;
 * nothing outside `lib/aws` sees an SDK type. Timestamps are ISO-8601 strings so these objects
 * cross the server/client boundary unchanged.
 */

export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface Cluster {
  arn: string;
  name: string;
  status: string;
  activeServicesCount: number;
  runningTasksCount: number;
  pendingTasksCount: number;
}

/** One entry of a service's `deployments` list, as DescribeServices returns it. */
export interface Deployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE' | string;
  taskDefinitionArn: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  failedTasks: number;
  createdAt: string | null;
  updatedAt: string | null;
  rolloutState: RolloutState | null;
  rolloutStateReason: string | null;
}

export interface ServiceEvent {
  id: string;
  createdAt: string | null;
  message: string;
}

export interface LoadBalancerBinding {
  targetGroupArn: string;
  containerName: string | null;
  containerPort: number | null;
}

export interface Service {
  arn: string;
  name: string;
  clusterArn: string;
  status: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  launchType: string | null;
  taskDefinitionArn: string;
  deployments: Deployment[];
  /** Newest first, as ECS returns them. */
  events: ServiceEvent[];
  loadBalancers: LoadBalancerBinding[];
  deploymentController: string;
  circuitBreaker: { enabled: boolean; rollback: boolean } | null;
  createdAt: string | null;
}

export interface ContainerDefinition {
  name: string;
  image: string;
  cpu: number | null;
  memory: number | null;
  essential: boolean;
  portMappings: { containerPort: number; protocol: string }[];
  /** Names only: values may be secrets and never leave lib/aws. */
  environmentNames: string[];
  secretNames: string[];
  logGroup: string | null;
}

export interface TaskDefinition {
  arn: string;
  family: string;
  revision: number;
  status: string;
  cpu: string | null;
  memory: string | null;
  networkMode: string | null;
  taskRoleArn: string | null;
  executionRoleArn: string | null;
  registeredAt: string | null;
  containers: ContainerDefinition[];
}

export interface TaskContainer {
  name: string;
  image: string | null;
  lastStatus: string | null;
  exitCode: number | null;
  reason: string | null;
  healthStatus: string | null;
}

export interface Task {
  arn: string;
  id: string;
  clusterArn: string;
  taskDefinitionArn: string;
  /** The deployment that started the task (ECS's `startedBy`). */
  startedBy: string | null;
  lastStatus: string;
  desiredStatus: string;
  healthStatus: string | null;
  launchType: string | null;
  availabilityZone: string | null;
  createdAt: string | null;
  startedAt: string | null;
  stoppingAt: string | null;
  stoppedAt: string | null;
  stopCode: string | null;
  stoppedReason: string | null;
  containers: TaskContainer[];
}

/** A record of ListServiceDeployments / DescribeServiceDeployments (the deployment history). */
export interface ServiceDeploymentRecord {
  arn: string;
  serviceArn: string;
  status: string;
  statusReason: string | null;
  targetRevisionArn: string | null;
  createdAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  rollback: { reason: string | null; startedAt: string | null; serviceRevisionArn: string | null } | null;
  circuitBreaker: { status: string | null; failureCount: number; threshold: number } | null;
}

export interface LoadBalancer {
  arn: string;
  name: string;
  dnsName: string | null;
  scheme: string | null;
  type: string | null;
  state: string | null;
}

export interface ListenerForward {
  targetGroupArn: string;
  weight: number;
}

export interface Listener {
  arn: string;
  loadBalancerArn: string;
  port: number | null;
  protocol: string | null;
  /** Where the default action sends traffic; empty when it is not a forward. */
  forwards: ListenerForward[];
}

export interface TargetGroup {
  arn: string;
  name: string;
  port: number | null;
  protocol: string | null;
  targetType: string | null;
  healthCheckPath: string | null;
  loadBalancerArns: string[];
}

export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable' | string;

export interface TargetHealth {
  targetId: string;
  port: number | null;
  state: TargetHealthState;
  reason: string | null;
  description: string | null;
}
