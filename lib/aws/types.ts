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
  /** `deploymentConfiguration.strategy`; ECS reports ROLLING when none was set. */
  deploymentStrategy: DeploymentStrategy;
  /** BLUE_GREEN: how long blue and green run side by side after production traffic shifted. */
  bakeTimeInMinutes: number | null;
  lifecycleHooks: LifecycleHook[];
  createdAt: string | null;
}

export type DeploymentStrategy = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';

/** One of `deploymentConfiguration.lifecycleHooks`. */
export interface LifecycleHook {
  /** AWS_LAMBDA (the default) invokes `hookTargetArn`; PAUSE waits for ContinueServiceDeployment. */
  targetType: 'AWS_LAMBDA' | 'PAUSE' | string;
  hookTargetArn: string | null;
  roleArn: string | null;
  lifecycleStages: string[];
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

export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

export type ServiceDeploymentLifecycleStage =
  | 'RECONCILE_SERVICE'
  | 'PRE_SCALE_UP'
  | 'SCALE_UP'
  | 'POST_SCALE_UP'
  | 'TEST_TRAFFIC_SHIFT'
  | 'POST_TEST_TRAFFIC_SHIFT'
  | 'PRODUCTION_TRAFFIC_SHIFT'
  | 'POST_PRODUCTION_TRAFFIC_SHIFT'
  | 'BAKE_TIME'
  | 'CLEAN_UP';

/** `lifecycleHookDetails` of DescribeServiceDeployments: the hooks of the current stage. */
export interface LifecycleHookDetail {
  /** Pass to ContinueServiceDeployment. */
  hookId: string;
  targetType: string | null;
  targetArn: string | null;
  /** IN_PROGRESS | AWAITING_ACTION | SUCCEEDED | FAILED | TIMED_OUT */
  status: string | null;
  expiresAt: string | null;
  timeoutAction: string | null;
}

/** A record of ListServiceDeployments / DescribeServiceDeployments (the deployment history). */
export interface ServiceDeploymentRecord {
  arn: string;
  serviceArn: string;
  /** A ServiceDeploymentStatus; typed as string so an unknown future value passes through. */
  status: ServiceDeploymentStatus | string;
  statusReason: string | null;
  /** The service revision being deployed (not a task definition: see describeServiceRevisions). */
  targetServiceRevisionArn: string | null;
  /** @deprecated same as targetServiceRevisionArn. */
  targetRevisionArn: string | null;
  /** Revisions being replaced (empty in ListServiceDeployments' brief records). */
  sourceServiceRevisionArns: string[];
  /** Null in brief records and for deployments ECS does not stage. */
  lifecycleStage: ServiceDeploymentLifecycleStage | string | null;
  lifecycleHooks: LifecycleHookDetail[];
  /** True while a PAUSE hook waits for ContinueServiceDeployment. */
  pausedAtHook: boolean;
  createdAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  stoppedAt: string | null;
  updatedAt: string | null;
  rollback: { reason: string | null; startedAt: string | null; serviceRevisionArn: string | null } | null;
  circuitBreaker: { status: string | null; failureCount: number; threshold: number } | null;
}

/** DescribeServiceRevisions: what a service revision runs. */
export interface ServiceRevision {
  arn: string;
  serviceArn: string;
  taskDefinitionArn: string;
  createdAt: string | null;
}

/** ListTaskDefinitions' answer for one family: the ARN and its parts. */
export interface TaskDefinitionRevisionRef {
  arn: string;
  family: string;
  revision: number;
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
