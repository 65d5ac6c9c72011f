import type { DeploymentHistoryEntry } from './deployment-history';
import type { Deployment, Listener, Service, ServiceEvent, Task, TaskDefinition, TargetGroup, TargetHealth } from '../aws/types';

export type Verdict = 'healthy' | 'degraded' | 'down' | 'deploying' | 'unknown';

/** One service as the overview shows it: counts, rollout, image and the verdict with its reasons. */
export interface ServiceHealth {
  /** The account id and Region the service runs in: with the cluster and name, what identifies it. */
  account: string;
  region: string;
  cluster: string;
  name: string;
  arn: string;
  verdict: Verdict;
  /** Why the verdict is what it is, e.g. "running 1 of 3", "rollout FAILED: …". Empty when healthy, except notes such as "scaled to zero". */
  reasons: string[];
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  rollout: {
    state: Deployment['rolloutState'];
    reason: string | null;
    /** Tasks of the primary deployment running vs desired. */
    running: number;
    desired: number;
    failedTasks: number;
    /** Number of deployments still holding tasks (1 when settled). */
    deployments: number;
  };
  taskDefinition: { family: string; revision: number } | null;
  image: string | null;
  imageTag: string | null;
  lastDeploymentAt: string | null;
  /** The service's target groups (from ECS), for its ALB metrics and the alarms on them. */
  targetGroupArns: string[];
  /** CloudWatch, alarms and GuardDuty as of the last read; absent until joined (the snapshot is ECS only). */
  telemetry?: ServiceTelemetry;
}

export interface AlarmRef {
  name: string;
  state: string;
}

/** What the telemetry said about one service; every source can fail on its own (null + error). */
export interface ServiceTelemetry {
  /** The verdict ECS alone gives, before the signals below were folded in. */
  ecsVerdict: Verdict;
  metrics: LatestMetrics | null;
  metricsError: string | null;
  /** The service's alarms, ALARM first; null when alarms could not be read. */
  alarms: AlarmRef[] | null;
  alarmsError: string | null;
  /** Open HIGH and CRITICAL GuardDuty findings; null when GuardDuty could not be read. */
  findings: { highest: 'HIGH' | 'CRITICAL'; count: number } | null;
  findingsError: string | null;
  signals: Signal[];
}

export interface ClusterSnapshot {
  cluster: string;
  clusterArn: string;
  fetchedAt: string;
  services: ServiceHealth[];
}

export interface ClusterStatus {
  account: string;
  region: string;
  cluster: string;
  fetchedAt: string | null;
  ageSeconds: number | null;
  /** True when AWS failed and this is the last good snapshot. */
  stale: boolean;
  /** Human-readable reason the last refresh failed, when it did. */
  error: string | null;
  /** No data yet: the first read from AWS is under way. */
  loading?: boolean;
  /** Codeflow's share of the ECS service-read throttle bucket now, in percent (shrunk while AWS throttles). */
  budgetPct?: number | null;
}

export interface FleetOverview {
  /** Increases with every published change (the server-sent events' ids). */
  version?: number;
  generatedAt: string;
  /** Nothing has been read from AWS yet (a cold start): the console says "loading from AWS". */
  loading?: boolean;
  /** Why the clusters could not be listed, when they could not (each account and Region named when there are several). */
  discoveryError?: string | null;
  /** Every account × Region watched, with what stops it being read. */
  places?: PlaceStatus[];
  clusters: ClusterStatus[];
  services: ServiceHealth[];
}

/** One account × Region on the overview: its health summary is counted from the services it holds. */
export interface PlaceStatus {
  account: string;
  accountName: string;
  environment: string | null;
  region: string;
  /** Nothing read yet from this place. */
  loading: boolean;
  /** Why this place (or one of its clusters) could not be read: AccessDenied on sts:AssumeRole, a timeout. */
  error: string | null;
  clusters: number;
}

export interface TargetGroupHealth {
  targetGroup: TargetGroup;
  /** Share of the listener's traffic the group receives (blue/green), when a listener forwards to it. */
  listeners: { listener: Listener; weight: number }[];
  targets: TargetHealth[];
}

export interface ServiceDetail {
  cluster: string;
  service: Service;
  health: ServiceHealth;
  taskDefinition: TaskDefinition | null;
  /** `stopped`: crashed first, bounded; the totals count every stopped task ECS still lists (up to 100 examined). */
  tasks: { running: Task[]; stopped: Task[]; stoppedTotal?: number; crashedTotal?: number };
  targetGroups: TargetGroupHealth[];
  /** The newest ECS service deployments, failed and rolled-back ones kept; null when they could not be read. */
  deploymentHistory?: DeploymentHistoryEntry[] | null;
  deploymentHistoryError?: string | null;
  events: ServiceEvent[];
  awsConsoleUrl: string;
  fetchedAt: string;
  /** True when AWS failed and this is the last good detail; `error` says why. */
  stale?: boolean;
  error?: string | null;
}

/** One telemetry reading turned into words; `critical` is one of the guide's rollback triggers (or an alarm firing). */
export interface Signal {
  level: 'warn' | 'critical' | 'info';
  text: string;
  source: 'metrics' | 'alarms' | 'findings';
}

/** The latest complete minute of a service's CloudWatch metrics; null fields had no datapoint. */
export interface LatestMetrics {
  /** Start of the minute the values describe. */
  at: string | null;
  p95Ms: number | null;
  /** 5xx as a share of requests, in percent; null without requests. */
  errorRatePct: number | null;
  requests: number | null;
  cpuPct: number | null;
  memoryPct: number | null;
  healthyTargets: number | null;
  unhealthyTargets: number | null;
}
