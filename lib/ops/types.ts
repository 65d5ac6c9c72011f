// Domain types of the guarded-action pipeline (plan → authorize → confirm → lock → execute → verify).
// This file is the contract between lib/ops, the HTTP API and the console (see the ops contract).

import type { OperationKind, OperationStatus, PlanRequest } from './contract';
import type { ImageDigestResolution } from './image-ref';
import type { AlarmDefinition } from '../aws/telemetry-types';

export { OPERATION_KINDS, type OperationKind, type OperationStatus, type PlanRequest } from './contract';

/** Statuses in which the operation holds (or is about to hold) the service lock. */
export const ACTIVE_STATUSES: readonly OperationStatus[] = ['executing', 'verifying', 'paused', 'outcome_unknown'];
/** Statuses from which nothing more happens. */
export const FINISHED_STATUSES: readonly OperationStatus[] = ['succeeded', 'failed', 'rolled_back', 'rejected', 'expired', 'cancelled'];

/** A listener-switch (blue/green) plan: which listener, from which group to which, in what order. */
export interface ListenerSwitchPlan {
  listenerArn: string;
  listenerPort: number | null;
  loadBalancerArn: string;
  /** Where the service's tasks register and the listener sends traffic now. */
  from: { arn: string; name: string };
  /** The idle group the new revision is deployed to; traffic moves here once its targets are healthy. */
  to: { arn: string; name: string };
  /** The service's container binding (same container and port in either group). */
  containerName: string;
  containerPort: number;
  /** The revision running now (restored on failure). */
  fromTaskDefinitionArn: string;
  /** The stages in order, for the dialog and the progress view. */
  stages: string[];
}

/** One alarm in an alarms plan: what happens to it, its condition before and after, and the AWS CLI command that does the same. */
export interface AlarmPlanItem {
  name: string;
  action: 'create' | 'update' | 'unchanged' | 'delete' | 'enable-actions' | 'disable-actions';
  /** "CPUUtilization Average > 80 for 1×300 s"; null when it does not exist yet (or will not after). */
  from: string | null;
  to: string | null;
  /** update: each field that changes, "threshold 80 → 70". */
  differences: string[];
  /** Put because it is in the service's recommended set. */
  recommended: boolean;
  /** The equivalent AWS CLI command; null when nothing is sent for this alarm. */
  command: string | null;
}

export interface AlarmsPlan {
  items: AlarmPlanItem[];
  /** What the plan filled in or could not do, said plainly (a missing evaluation period, no load balancer). */
  notes: string[];
}

/** What an alarms operation sends: the alarms put (as resolved by the plan), deleted, and whose actions go on or off. */
export interface AlarmsTarget {
  put: AlarmDefinition[];
  delete: string[];
  enableActions: string[];
  disableActions: string[];
}

export interface PlanChange {
  label: string;
  from: string | null;
  to: string | null;
}

export interface PlanGuard {
  id: string;
  label: string;
  status: 'ok' | 'requires_approval' | 'blocked';
  detail: string;
}

export interface Plan {
  kind: OperationKind;
  /** The service's account id and Region (absent in plans stored before they were recorded). */
  account?: string;
  region?: string;
  cluster: string;
  service: string;
  environment: string; // environment from policy
  summary: string; // "Roll back codeflow-service: codeflow:42 → codeflow:41"
  changes: PlanChange[];
  imageDiff: { container: string; from: string; to: string }[];
  envDiff: { container: string; name: string; from: string | null; to: string | null }[];
  guards: PlanGuard[];
  requiresApproval: boolean;
  blocked: boolean;
  cost?: { cpuUnitsPerTask: number; memoryMiBPerTask: number; currentCount: number; newCount: number };
  rollbackCandidates?: { arn: string; revision: number; image: string; registeredAt: string | null; preselected: boolean }[];
  basis: {
    taskDefinitionArn: string;
    desiredCount: number;
    primaryDeploymentId: string | null;
    listenerForwards?: { targetGroupArn: string; weight: number }[];
    /** alarms: each alarm named, with a digest of its configuration when planned (null: absent). The fingerprint of an alarms plan covers only this. */
    alarms?: Record<string, string | null>;
  };
  fingerprint: string; // hash of request + basis; execution refuses if it no longer matches (409)
  /** Added: the target of the change, resolved (deploy/rollback: task definition ARN or family:revision; mid-deploy rollback: "stop-deployment"). */
  target?: { taskDefinitionArn?: string; image?: string; pinnedImage?: string; container?: string; desiredCount?: number; targetGroupArn?: string; listenerArn?: string; stopDeploymentArn?: string; trafficSwitch?: ListenerSwitchPlan; alarms?: AlarmsTarget };
  /**
   * deploy: the digest the image resolves to (ECR's answer for its tag, or the digest it names), and
   * the reference the new revision is registered with (`target.pinnedImage`): pinned by digest when known.
   */
  image?: ImageDigestResolution & { container: string; reference: string; deployed: string };
  /** Added: set on listener-switch (blue/green) plans; the same object as `target.trafficSwitch`. */
  listenerSwitch?: ListenerSwitchPlan;
  /** alarms: each alarm's change and its AWS CLI command. */
  alarms?: AlarmsPlan;
}

export interface OperationStep {
  name: 'plan' | 'authorize' | 'confirm' | 'approve' | 'lock' | 'execute' | 'verify';
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  at: string | null;
  detail: string | null;
}

export interface TriggerReading {
  id: '5xx_rate' | 'p95_latency' | 'deployment_failed' | 'circuit_breaker';
  label: string;
  value: number | null;
  threshold: number | null;
  unit: '%' | 'ms' | null;
  tripped: boolean;
}

export interface Operation {
  id: string;
  kind: OperationKind;
  /** The service's account id and Region. */
  account: string;
  region: string;
  cluster: string;
  service: string;
  status: OperationStatus;
  plan: Plan;
  reason: string;
  incidentId: string | null;
  requestedBy: { subject: string; name: string | null };
  approvedBy: { subject: string; name: string | null } | null;
  approvalDeadline: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  steps: OperationStep[];
  triggers: TriggerReading[];
  rollout: Rollout | null;
  rollbackProposed: boolean; // a trigger tripped and policy says "propose": the UI offers one-click rollback
  followUpOperationId: string | null; // e.g. the automatic rollback this operation caused
  error: string | null;
  /** Added: the operation this one follows up (an automatic/proposed rollback points at the deploy it undoes). */
  parentOperationId?: string | null;
  /** Added: verification window as measured by AWS/sandbox time (ISO), null before verify starts. */
  verify?: { startedAt: string | null; stableAt: string | null; bakeUntil: string | null; deadline: string | null } | null;
}

export interface ReadOnlySetting {
  readOnly: boolean;
  reason: string | null;
  setBy: string | null;
  setAt: string | null;
}

/** What execution and verification remember between steps (in operations.execution). */
export interface ExecutionState {
  registeredTaskDefinitionArn?: string;
  deploymentId?: string;
  serviceDeploymentArn?: string;
  executedAt?: string;
  /** AWS time (ISO). */
  verifyStartedAt?: string;
  stableAt?: string;
  bakeUntil?: string;
  deadline?: string;
  /** Wall time of the AWS call whose outcome is unknown. */
  unknownSince?: string;
  /** Wall time execution began (written before the first AWS write; a crashed execution is timed from here). */
  startedAt?: string;
  /** The AWS write in flight (written before it is sent, cleared once it answered): what a restart reconciles. */
  pendingCall?: { action: string; since: string; /** ModifyListener: the group it sends all traffic to. */ targetGroupArn?: string };
  skipped?: string;
  /** alarms: the calls already answered (`put:<name>`, `delete`, `enable`, `disable`), so a retry sends only the rest. */
  alarmCallsDone?: string[];
}

/** What executing an operation's AWS writes came to: done, or sent without an answer (reconciled from AWS state later). */
export type ExecuteResult =
  | { outcome: 'done'; execution: ExecutionState; detail: string }
  | { outcome: 'unknown'; execution: ExecutionState; detail: string };

export type Rollout = { state: string; running: number; desired: number; pending: number; failedTasks: number };
