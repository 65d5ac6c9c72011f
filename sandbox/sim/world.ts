import { createHash } from 'node:crypto';
import { Rng } from './rng';

/** The account a world plays unless told otherwise: the one the sandbox always was (and the organisation's production account). */
export const DEFAULT_ACCOUNT_ID = '123456789012';

export interface ContainerDef {
  name: string;
  image: string;
  cpu?: number;
  memory?: number;
  essential: boolean;
  portMappings: { containerPort: number; hostPort?: number; protocol: string }[];
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  logConfiguration?: { logDriver: string; options: Record<string, string> };
  [extra: string]: unknown;
}

export interface TaskDefinitionRecord {
  family: string;
  revision: number;
  arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  containerDefinitions: ContainerDef[];
  cpu?: string;
  memory?: string;
  networkMode: string;
  requiresCompatibilities: string[];
  executionRoleArn?: string;
  taskRoleArn?: string;
  registeredAt: number;
  deregisteredAt?: number;
  registeredBy: string;
}

export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

/** A service's `loadBalancers` entry; BLUE_GREEN services name their alternate group and production listener. */
export interface LoadBalancerBinding {
  targetGroupArn: string;
  containerName: string;
  containerPort: number;
  advancedConfiguration?: {
    alternateTargetGroupArn: string;
    /** A listener ARN in the sandbox (it has no listener rules): its default action is switched. */
    productionListenerRule: string;
    testListenerRule?: string;
    roleArn?: string;
  };
}

export type LifecycleStage =
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

export interface LifecycleHookConfig {
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  hookTargetArn?: string;
  roleArn?: string;
  /** DeploymentLifecycleHookStage values (PRE_PRODUCTION_TRAFFIC_SHIFT runs before the production shift). */
  lifecycleStages: string[];
  timeoutConfiguration?: { timeoutInMinutes?: number; action?: 'CONTINUE' | 'ROLLBACK' };
  hookDetails?: unknown;
}

/** One hook run in the current stage, as `lifecycleHookDetails` reports it. */
export interface HookRun {
  hookId: string;
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  targetArn?: string;
  status: 'IN_PROGRESS' | 'AWAITING_ACTION' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  /** Sim time a Lambda hook answers, or a waiting hook times out. */
  doneAt?: number;
  expiresAt?: number;
  timeoutAction?: 'CONTINUE' | 'ROLLBACK';
}

/** Progress of a native BLUE_GREEN deployment (the green one). */
export interface BlueGreenState {
  stage: LifecycleStage | 'DONE';
  stageSince: number;
  /** The deployment that was primary (blue) when this one started. */
  blueDeploymentId: string | null;
  productionShifted: boolean;
  testShifted: boolean;
  hooks: HookRun[];
  /** Stages whose hooks already ran. */
  hooksDoneFor: string[];
  rollingBack: boolean;
}

/** DescribeServiceRevisions' record: what one service deployment ran. */
export interface ServiceRevisionRecord {
  arn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinition: string;
  loadBalancers: LoadBalancerBinding[];
  createdAt: number;
}

export interface DeploymentRecord {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  desiredCount: number;
  failedTasks: number;
  createdAt: number;
  updatedAt: number;
  rolloutState: RolloutState;
  rolloutStateReason: string;
  /** The task definition to return to if this deployment fails (circuit breaker rollback). */
  rollbackTo: string | null;
  /** Set on deployments that are themselves a circuit-breaker rollback. */
  isRollback: boolean;
  serviceDeploymentArn: string;
  /** Where this deployment's tasks register (the service's binding when it started; green's alternate group). */
  loadBalancers?: LoadBalancerBinding[];
  /** BLUE_GREEN strategy deployments only. */
  blueGreen?: BlueGreenState;
  /** StopServiceDeployment asked for it; the scheduler acts on its next tick, as ECS does. */
  stopRequested?: { stopType: 'ROLLBACK' | 'ABORT'; reason: string; at: number };
  /** ABORTed: the scheduler leaves the service as it is until the next deployment. */
  frozen?: boolean;
}

/** ListServiceDeployments' view of a deployment: it outlives the deployment on the service. */
export interface ServiceDeploymentHistory {
  arn: string;
  deploymentId: string;
  serviceRevisionArn: string;
  sourceRevisionArns: string[];
  taskDefinition: string;
  status: string;
  statusReason?: string;
  createdAt: number;
  startedAt: number;
  finishedAt?: number;
  rollback?: { reason: string; startedAt: number; serviceRevisionArn: string };
  lifecycleStage?: LifecycleStage;
  stoppedAt?: number;
  updatedAt?: number;
  failureCount: number;
  threshold: number;
  circuitBreakerEnabled: boolean;
}

export interface ServiceRecord {
  name: string;
  arn: string;
  cluster: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  launchType: 'FARGATE' | 'EC2';
  deployments: DeploymentRecord[];
  events: { id: string; createdAt: number; message: string }[];
  loadBalancers: LoadBalancerBinding[];
  circuitBreaker: { enable: boolean; rollback: boolean };
  /** deploymentConfiguration.strategy (ROLLING unless set). */
  strategy?: 'ROLLING' | 'BLUE_GREEN';
  bakeTimeInMinutes?: number;
  lifecycleHooks?: LifecycleHookConfig[];
  maximumPercent: number;
  minimumHealthyPercent: number;
  healthCheckGracePeriodSeconds: number;
  createdAt: number;
  history: ServiceDeploymentHistory[];
  subnets: string[];
}

export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'STOPPED';

export interface TaskRecord {
  id: string;
  arn: string;
  cluster: string;
  service: string;
  deploymentId: string;
  taskDefinition: string;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  createdAt: number;
  pullStartedAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  exitCode?: number;
  containerReason?: string;
  /** Sim time of the next lifecycle step; the engine acts when it passes. */
  nextAt: number;
  /** When a bad or flaky image makes the essential container exit. */
  crashAt?: number;
  crashKind?: 'bad-image' | 'oom';
  availabilityZone: string;
  privateIp: string;
}

export interface TargetRecord {
  id: string;
  port: number;
  taskId: string;
  state: 'initial' | 'healthy' | 'unhealthy' | 'draining';
  since: number;
  availabilityZone: string;
}

export interface TargetGroupRecord {
  arn: string;
  name: string;
  port: number;
  protocol: string;
  vpcId: string;
  healthCheckPath: string;
  loadBalancerArns: string[];
  targets: TargetRecord[];
}

export interface ListenerRecord {
  arn: string;
  loadBalancerArn: string;
  port: number;
  protocol: string;
  forwards: { targetGroupArn: string; weight: number }[];
}

export interface LoadBalancerRecord {
  arn: string;
  name: string;
  dnsName: string;
  scheme: string;
  vpcId: string;
  createdAt: number;
  availabilityZones: string[];
}

/** One image in an ECR repository: its digest and the tags pointing at it. */
export interface EcrImageRecord {
  digest: string;
  tags: string[];
  /** The tag it was pushed under (it keeps it after the tag moved on). */
  builtAs: string;
  pushedAt: number;
  sizeBytes: number;
}

export interface EcrRepositoryRecord {
  name: string;
  arn: string;
  uri: string;
  createdAt: number;
  images: EcrImageRecord[];
}

export interface ClusterRecord {
  name: string;
  arn: string;
  createdAt: number;
  services: Map<string, ServiceRecord>;
  tasks: Map<string, TaskRecord>;
}

export interface WorldExtras {
  /** The guide's CloudWatch alarms (Codeflow-HighCPU…). */
  alarms: boolean;
  /** AWS Backup's vault and its databases' recovery points. */
  backups: boolean;
}

/** The whole simulated account: everything the AWS operations read and write. */
export class World {
  readonly clusters = new Map<string, ClusterRecord>();
  readonly taskDefinitions = new Map<string, TaskDefinitionRecord[]>();
  readonly loadBalancers = new Map<string, LoadBalancerRecord>();
  readonly listeners = new Map<string, ListenerRecord>();
  readonly targetGroups = new Map<string, TargetGroupRecord>();
  readonly serviceRevisions = new Map<string, ServiceRevisionRecord>();
  /** The account's ECR repositories by name (the fleet's images, tag → digest). */
  readonly ecrRepositories = new Map<string, EcrRepositoryRecord>();
  /** Images that fail on start, beyond those whose tag says so (see `isBadImage`). */
  readonly badImages = new Set<string>();
  /** Sim time up to which the engine has run. */
  tickedTo: number;
  private ipCounter = 10;

  constructor(
    readonly seed: number,
    readonly region: string,
    readonly rng: Rng,
    startMs: number,
    readonly accountId: string = DEFAULT_ACCOUNT_ID,
    /** Which account-level extras beside the fleet this world has (see FleetLayout). */
    readonly extras: WorldExtras = { alarms: true, backups: true },
  ) {
    this.tickedTo = startMs;
  }

  /** A Regional resource's ARN in this world's account and Region. */
  arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.region}:${this.accountId}:${resource}`;
  }

  /** An IAM ARN (global: no Region) in this world's account, e.g. `role/ecsTaskExecutionRole`. */
  iamArn(resource: string): string {
    return `arn:aws:iam::${this.accountId}:${resource}`;
  }

  /** The account's ECR registry host. */
  get ecrRegistry(): string {
    return `${this.accountId}.dkr.ecr.${this.region}.amazonaws.com`;
  }

  nextIp(): string {
    this.ipCounter++;
    return `10.0.${Math.floor(this.ipCounter / 250) % 250}.${(this.ipCounter % 250) + 2}`;
  }

  taskDefinitionByRef(ref: string): TaskDefinitionRecord | undefined {
    const name = ref.startsWith('arn:') ? ref.slice(ref.indexOf('task-definition/') + 'task-definition/'.length) : ref;
    const [family, revision] = name.split(':');
    const revisions = this.taskDefinitions.get(family ?? '');
    if (!revisions) return undefined;
    if (revision === undefined) return [...revisions].reverse().find((r) => r.status === 'ACTIVE');
    return revisions.find((r) => r.revision === Number(revision));
  }

  /** The repository's image with this tag; `push` adds it first when the repository has none (see ecrImage). */
  ecrImageByTag(repository: string, tag: string): EcrImageRecord | undefined {
    return this.ecrRepositories.get(repository)?.images.find((i) => i.tags.includes(tag));
  }

  /**
   * Records `repository:tag` as pushed (once): its digest is fixed by the world's seed, so the same
   * tag resolves to the same digest in every run. Creates the repository when it is new.
   */
  pushEcrImage(repository: string, tag: string, at: number, opts: { move?: boolean } = {}): EcrImageRecord {
    let repo = this.ecrRepositories.get(repository);
    if (!repo) {
      repo = { name: repository, arn: this.arn('ecr', `repository/${repository}`), uri: `${this.ecrRegistry}/${repository}`, createdAt: at, images: [] };
      this.ecrRepositories.set(repository, repo);
    }
    const existing = repo.images.find((i) => i.tags.includes(tag));
    if (existing && !opts.move) return existing;
    // A push of the same tag again is a new build: the tag moves to a new digest, the old image stays untagged.
    if (existing) existing.tags = existing.tags.filter((t) => t !== tag);
    const builds = repo.images.filter((i) => i.builtAs === tag).length;
    const digest = `sha256:${createHash('sha256').update(`${this.seed}:${repository}:${tag}${builds ? `:${builds}` : ''}`).digest('hex')}`;
    const image: EcrImageRecord = { digest, tags: [tag], builtAs: tag, pushedAt: at, sizeBytes: 40_000_000 + (parseInt(digest.slice(7, 13), 16) % 80_000_000) };
    repo.images.push(image);
    return image;
  }

  /**
   * The tag an image reference runs under, for the tag-word conventions below: `repo:tag`,
   * `repo:tag@sha256:…` (the tag), or `repo@sha256:…` (a tag of that digest in the account's ECR).
   */
  imageTagOf(image: string): string {
    const at = image.indexOf('@');
    const name = at >= 0 ? image.slice(0, at) : image;
    const lastSlash = name.lastIndexOf('/');
    const colon = name.lastIndexOf(':');
    if (colon > lastSlash) return name.slice(colon + 1);
    if (at < 0) return '';
    const digest = image.slice(at + 1);
    const repository = name.slice(name.indexOf('/') + 1);
    return this.ecrRepositories.get(repository)?.images.find((i) => i.digest === digest)?.builtAs ?? '';
  }

  isBadImage(image: string): boolean {
    if (this.badImages.has(image) || this.badImages.has(image.replace(/@sha256:[a-f0-9]+$/, ''))) return true;
    return /(^|[-_.])(bad|broken|crash)([-_.]|$)/i.test(this.imageTagOf(image));
  }

  /** Images that start and pass health checks but answer slowly (p95 several times the usual): tag word "slow". */
  isSlowImage(image: string): boolean {
    return /(^|[-_.])slow([-_.]|$)/i.test(this.imageTagOf(image));
  }

  isFlakyImage(image: string): boolean {
    return /(^|[-_.])(flaky|leaky)([-_.]|$)/i.test(this.imageTagOf(image));
  }
}
