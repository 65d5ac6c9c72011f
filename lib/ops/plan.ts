import { createHash } from 'node:crypto';
import { mapLimit } from '../aws/batch';
import {
  describeServiceRevisions,
  describeServices,
  describeTaskDefinition,
  listServiceDeployments,
  listTaskDefinitionRevisions,
} from '../aws/ecs';
import { describeListeners, describeTargetGroups, describeTargetHealth } from '../aws/elbv2';
import type { Listener, Service, TaskDefinition } from '../aws/types';
import { nameFromArn } from '../aws/arn';
import { can } from '../auth/can';
import { ACTION_FOR_KIND } from './authorize';
import { and, eq, inArray } from 'drizzle-orm';
import { operations } from '../db/schema';
import type { ServiceDeploymentRecord } from '../aws/types';
import type { Role } from '../auth/roles';
import { AppError, invalidField, isAppError } from '../errors';
import { listenerPairOf, planListenerSwitch } from './bluegreen';
import { atPlace, placeIn, type OpsContext, type RowPlace } from './context';
import { placeLabel } from '../accounts/places';
import { pinnedImage, resolveImageDigest } from './image-digest';
import { imagePolicyGuards, resolveImage } from './image-ref';
import { lockHolder } from './lock';
import { policyFor, type EnvironmentPolicy } from './policy-config';
import { getReadOnly } from './settings';
import { desiredCountIssue } from './contract';
import { changesNothing, planAlarms } from './alarms';
import type { OperationKind, Plan, PlanChange, PlanGuard, PlanRequest } from './types';

export { ACTION_FOR_KIND };

const VERBS: Record<OperationKind, string> = {
  deploy: 'Deploy',
  rollback: 'Roll back',
  scale: 'Scale',
  restart: 'Restart',
  'switch-traffic': 'Switch traffic of',
  alarms: 'Change the alarms of',
};

/** `family:revision` from an ARN. */
export const shortTd = (arn: string) => nameFromArn(arn);

/**
 * What an operation would change, read from AWS and never written: the plan the dialog shows and
 * the fingerprint execution checks. `role` (optional) adds the role guard.
 */
export async function planOperation(ctx: OpsContext, cluster: string, serviceName: string, req: PlanRequest, opts: { role?: Role; place?: Partial<RowPlace> } = {}): Promise<Plan> {
  const where = placeIn(ctx, opts.place);
  ctx = atPlace(ctx, { account: where.accountId, region: where.region });
  const [service] = await describeServices(ctx.aws, cluster, [serviceName]);
  if (!service) throw new AppError('not_found', `Service "${serviceName}" was not found in cluster "${cluster}"${ctx.places && ctx.places.all.length > 1 ? ` in ${placeLabel(where)}` : ''}`);
  const { environment, policy } = policyFor(ctx.policy, cluster, where.environment);
  const primary = service.deployments.find((d) => d.status === 'PRIMARY') ?? service.deployments[0] ?? null;
  const basis: Plan['basis'] = { taskDefinitionArn: service.taskDefinitionArn, desiredCount: service.desiredCount, primaryDeploymentId: primary?.id ?? null };
  const guards: PlanGuard[] = [];
  let draft: Draft;
  switch (req.kind) {
    case 'deploy':
      draft = await planDeploy(ctx, service, req, policy);
      if (req.trafficSwitch) draft = await withListenerSwitch(ctx, service, draft, 'deploy');
      else draft.guards.push(...(await trafficBindingGuards(ctx, service)));
      break;
    case 'rollback':
      draft = await planRollback(ctx, cluster, service, req, policy);
      // A service whose tasks register where the listener sends no traffic (a listener-switch
      // deploy that failed before its switch) is rolled back by listener switch too.
      if (req.trafficSwitch || (await strandedBinding(ctx, service))) draft = await withListenerSwitch(ctx, service, draft, 'rollback');
      break;
    case 'scale':
      draft = await planScale(ctx, service, req, policy);
      break;
    case 'restart':
      draft = { summary: `${service.desiredCount} task(s) replaced with ${shortTd(service.taskDefinitionArn)}`, changes: [{ label: 'Tasks', from: `${service.runningCount} running`, to: `${service.desiredCount} new (force new deployment)` }], imageDiff: [], envDiff: [], guards: [], target: { taskDefinitionArn: service.taskDefinitionArn } };
      break;
    case 'switch-traffic':
      draft = await planSwitch(ctx, service, req);
      basis.listenerForwards = draft.listenerForwards;
      break;
    case 'alarms': {
      const alarms = await planAlarms(ctx, cluster, service, req.alarms!, policy, where.region);
      basis.alarms = alarms.basis;
      const nothing = changesNothing(alarms.target);
      draft = {
        summary: alarms.summary,
        changes: alarms.changes,
        imageDiff: [],
        envDiff: [],
        guards: nothing ? [{ id: 'same', label: 'Change', status: 'blocked', detail: 'every alarm is already as asked: there is nothing to send' }] : [],
        target: { alarms: alarms.target },
        alarms: alarms.alarms,
      };
      break;
    }
  }

  if (draft.listenerForwards) basis.listenerForwards = draft.listenerForwards;
  if (req.kind === 'restart') draft.guards.push(...(await trafficBindingGuards(ctx, service)));
  guards.push(...draft.guards);
  if (opts.role) {
    const action = ACTION_FOR_KIND[req.kind];
    guards.unshift({ id: 'role', label: 'Role', status: can({ role: opts.role }, action) ? 'ok' : 'blocked', detail: can({ role: opts.role }, action) ? `your role (${opts.role}) may ${action}` : `${action} needs operator or above; you are ${opts.role}` });
  }
  // A rollback to a revision that never ran this service is a deploy of it, and gets the deploy policy.
  const approval = draft.unrun ? approvalReason({ ...req, kind: 'deploy' }, service, policy)?.replace(/^deploy needs/, `a rollback to ${draft.unrun}, which has never run ${service.name}, is a deploy: it needs`) ?? null : approvalReason(req, service, policy);
  guards.push(
    approval
      ? { id: 'approval', label: 'Second operator', status: 'requires_approval', detail: `${environment}: ${approval}; another operator must approve within ${Math.round(policy.approvalTimeoutSeconds / 60)} min` }
      : { id: 'approval', label: 'Second operator', status: 'ok', detail: `${environment}: no approval needed for this change` },
  );
  const readOnly = await getReadOnly(ctx.db);
  if (readOnly.readOnly) guards.push({ id: 'read_only', label: 'Read-only mode', status: 'blocked', detail: `Codeflow is read-only${readOnly.reason ? `: ${readOnly.reason}` : ''}` });
  const holder = await lockHolder(ctx.db, { account: where.accountId, region: where.region, cluster, service: service.name });
  guards.push(holder ? { id: 'lock', label: 'Service lock', status: 'blocked', detail: `locked by ${holder.holder} since ${holder.since} (operation ${holder.operationId})` } : { id: 'lock', label: 'Service lock', status: 'ok', detail: 'no other operation is running on this service' });
  if (req.kind === 'alarms') guards.push({ id: 'verify', label: 'Verification', status: 'ok', detail: 'CloudWatch read back until every alarm shows the change' });
  else guards.push({ id: 'verify', label: 'Verification', status: 'ok', detail: `watched until stable (≤ ${policy.verifyDeadlineSeconds} s), then ${policy.bakeSeconds} s bake: 5xx > ${policy.thresholds.errorRatePercent} %, p95 > ${policy.thresholds.p95LatencyMs} ms, failed deployment or circuit breaker → ${policy.onTrigger}` });

  const plan: Omit<Plan, 'fingerprint'> = {
    kind: req.kind,
    account: where.accountId,
    region: where.region,
    cluster,
    service: service.name,
    environment,
    summary: `${VERBS[req.kind]} ${service.name}: ${draft.summary}`,
    changes: draft.changes,
    imageDiff: draft.imageDiff,
    envDiff: draft.envDiff,
    guards,
    requiresApproval: approval !== null,
    blocked: guards.some((g) => g.status === 'blocked'),
    ...(draft.cost ? { cost: draft.cost } : {}),
    ...(draft.rollbackCandidates ? { rollbackCandidates: draft.rollbackCandidates } : {}),
    ...(draft.image ? { image: draft.image } : {}),
    basis,
    target: draft.target,
    ...(draft.target.trafficSwitch ? { listenerSwitch: draft.target.trafficSwitch } : {}),
    ...(draft.alarms ? { alarms: draft.alarms } : {}),
  };
  return { ...plan, fingerprint: fingerprintOf(cluster, service.name, req, basis, draft.target) };
}

export function fingerprintOf(cluster: string, service: string, req: PlanRequest, basis: Plan['basis'], target: Plan['target']): string {
  // An alarms plan rests on the alarms alone: a deployment or a scale in between does not make it stale.
  const covered: Plan['basis'] = req.kind === 'alarms' ? { taskDefinitionArn: '', desiredCount: 0, primaryDeploymentId: null, alarms: basis.alarms ?? {} } : basis;
  const canonical = JSON.stringify({ cluster, service, req: normalizeRequest(req), basis: covered, target: target ?? null });
  const hash = createHash('sha256').update(canonical).digest('hex').slice(0, 32);
  // The basis rides along (readable, covered by the hash) so a stale plan's 409 can say what changed.
  return `${hash}.${Buffer.from(JSON.stringify(covered)).toString('base64url')}`;
}

/** The basis a fingerprint was computed from, or null when it is not one of ours. */
export function basisOfFingerprint(fingerprint: string): Plan['basis'] | null {
  const dot = fingerprint.indexOf('.');
  if (dot < 0) return null;
  try {
    const basis = JSON.parse(Buffer.from(fingerprint.slice(dot + 1), 'base64url').toString('utf8')) as Plan['basis'];
    return typeof basis?.taskDefinitionArn === 'string' ? basis : null;
  } catch {
    return null;
  }
}

/** The request's fields in a fixed order, empty ones dropped. */
export function normalizeRequest(req: PlanRequest): PlanRequest {
  const out: PlanRequest = { kind: req.kind };
  if (req.image !== undefined) out.image = req.image.trim();
  if (req.container !== undefined) out.container = req.container;
  if (req.revision !== undefined) out.revision = req.revision;
  if (req.desiredCount !== undefined) out.desiredCount = req.desiredCount;
  if (req.targetGroup !== undefined) out.targetGroup = req.targetGroup;
  if (req.trafficSwitch === true) out.trafficSwitch = true;
  if (req.alarms !== undefined) out.alarms = req.alarms;
  return out;
}

/** Why the environment's policy wants a second operator, or null. */
export function approvalReason(req: PlanRequest, service: Service, policy: EnvironmentPolicy): string | null {
  if (policy.approvalFor.includes(req.kind)) return `${req.kind} needs a second operator's approval`;
  if (req.kind === 'scale' && req.desiredCount !== undefined) {
    if (req.desiredCount === 0 && service.desiredCount > 0 && policy.approveScaleToZero) return 'scaling to zero needs a second operator';
    const factor = policy.approveScaleAboveFactor;
    if (factor > 0 && req.desiredCount > Math.max(1, service.desiredCount) * factor) return `scaling above ${factor}× the current count (${service.desiredCount}) needs a second operator`;
  }
  return null;
}

/** Describes how the basis moved, for the 409. */
export function describeDrift(planned: Plan['basis'], now: Plan['basis']): string {
  const parts: string[] = [];
  if (planned.alarms) {
    const names = [...new Set([...Object.keys(planned.alarms), ...Object.keys(now.alarms ?? {})])].filter((n) => planned.alarms![n] !== (now.alarms ?? {})[n]);
    return names.length ? `alarm${names.length === 1 ? '' : 's'} ${names.join(', ')} changed in CloudWatch since you planned` : 'the alarms changed since you planned';
  }
  if (planned.taskDefinitionArn !== now.taskDefinitionArn) parts.push(`task definition ${shortTd(planned.taskDefinitionArn)} → ${shortTd(now.taskDefinitionArn)}`);
  if (planned.desiredCount !== now.desiredCount) parts.push(`desired count ${planned.desiredCount} → ${now.desiredCount}`);
  if (planned.primaryDeploymentId !== now.primaryDeploymentId) parts.push(`a new deployment started (${now.primaryDeploymentId ?? 'none'})`);
  if (JSON.stringify(planned.listenerForwards ?? null) !== JSON.stringify(now.listenerForwards ?? null)) parts.push('the listener’s traffic split changed');
  return parts.length ? parts.join('; ') : 'the plan’s target changed (e.g. the image tag or the revision now resolves differently)';
}

interface Draft {
  summary: string;
  changes: PlanChange[];
  imageDiff: Plan['imageDiff'];
  envDiff: Plan['envDiff'];
  guards: PlanGuard[];
  cost?: Plan['cost'];
  rollbackCandidates?: Plan['rollbackCandidates'];
  target: NonNullable<Plan['target']>;
  listenerForwards?: { targetGroupArn: string; weight: number }[];
  /** rollback: set (to the revision's short name) when the target never ran this service. */
  unrun?: string;
  alarms?: Plan['alarms'];
  image?: Plan['image'];
}

async function planDeploy(ctx: OpsContext, service: Service, req: PlanRequest, policy: EnvironmentPolicy): Promise<Draft> {
  if (!req.image) throw invalidField('image', 'a deploy needs the image to deploy (a full reference, or a tag or digest for the current repository)');
  const td = await describeTaskDefinition(ctx.aws, service.taskDefinitionArn);
  const container = req.container ? td.containers.find((c) => c.name === req.container) : (td.containers.find((c) => c.essential) ?? td.containers[0]);
  if (!container) throw invalidField('container', `task definition ${shortTd(td.arn)} has no container named "${req.container ?? ''}" (it has ${td.containers.map((c) => c.name).join(', ')})`);
  const image = resolveImage(req.image, container.image);
  const digest = await resolveImageDigest(ctx, image);
  const deployed = pinnedImage(image, digest.digest);
  const guards: PlanGuard[] = [];
  guards.push(...imagePolicyGuards(image, service.arn, policy.images, digest));
  if (image === container.image || deployed === container.image) guards.push({ id: 'same_image', label: 'Image', status: 'blocked', detail: `${container.name} already runs ${image}; use Restart to replace the tasks` });
  guards.push({ id: 'copy', label: 'Task definition', status: 'ok', detail: `a new revision of ${td.family} copied from ${shortTd(td.arn)}: environment (${container.environmentNames.length}), secrets (${container.secretNames.length}), roles and resources unchanged` });
  guards.push(strategyGuard(service));
  return {
    summary: `${shortTd(td.arn)} → ${td.family}:(new revision) with ${image}`,
    changes: [
      { label: 'Task definition', from: shortTd(td.arn), to: `${td.family}:(new revision)` },
      { label: `Image (${container.name})`, from: container.image, to: image },
    ],
    imageDiff: [{ container: container.name, from: container.image, to: image }],
    envDiff: [],
    guards,
    target: { image, pinnedImage: deployed, container: container.name },
    image: { ...digest, container: container.name, reference: image, deployed },
  };
}

function strategyGuard(service: Service): PlanGuard {
  const cb = service.circuitBreaker;
  const strategy = (service as Service & { deploymentStrategy?: string }).deploymentStrategy ?? 'ROLLING';
  return {
    id: 'strategy',
    label: 'Rollout',
    status: 'ok',
    detail: `${strategy.toLowerCase().replace('_', '/')} deployment${cb?.enabled ? `, circuit breaker on${cb.rollback ? ' (rolls back by itself)' : ''}` : ', no circuit breaker'}`,
  };
}

async function planRollback(ctx: OpsContext, cluster: string, service: Service, req: PlanRequest, policy: EnvironmentPolicy): Promise<Draft> {
  const current = await describeTaskDefinition(ctx.aws, service.taskDefinitionArn);
  const primary = service.deployments[0];
  const midDeploy = primary?.rolloutState === 'IN_PROGRESS' && service.deployments.length > 1 ? service.deployments[1]! : null;

  const refs = await listTaskDefinitionRevisions(ctx.aws, current.family, { max: 10 });
  const described = await mapLimit(refs.filter((r) => r.arn !== current.arn).slice(0, 6), 3, (r) => describeTaskDefinition(ctx.aws, r.arn).catch(() => null));
  const earlier = described.filter((d): d is TaskDefinition => d !== null);

  const records = await listServiceDeployments(ctx.aws, cluster, service.name).catch(() => [] as ServiceDeploymentRecord[]);
  const history = await deploymentHistory(ctx, service, records).catch(() => ({ ran: new Set<string>(), previous: null }));
  let preselected: string | null = midDeploy?.taskDefinitionArn ?? null;
  if (!preselected) preselected = history.previous;
  if (!preselected) preselected = earlier.find((d) => d.revision < current.revision)?.arn ?? null;

  let target: TaskDefinition;
  if (req.revision) {
    const arn = resolveRevision(req.revision, current);
    try {
      target = await describeTaskDefinition(ctx.aws, arn);
    } catch (e) {
      if (isAppError(e) && (e.code === 'not_found' || e.code === 'invalid')) throw new AppError('not_found', `revision: task definition ${shortTd(arn)} was not found`);
      throw e;
    }
  } else {
    if (!preselected) throw new AppError('not_found', `revision: ${service.name} has no earlier revision of ${current.family} to roll back to`);
    target = earlier.find((d) => d.arn === preselected) ?? (await describeTaskDefinition(ctx.aws, preselected));
  }
  const guards: PlanGuard[] = [];
  if (target.family !== current.family) guards.push({ id: 'family', label: 'Revision', status: 'blocked', detail: `${shortTd(target.arn)} is not a revision of ${current.family}` });
  if (target.status !== 'ACTIVE') guards.push({ id: 'inactive', label: 'Revision', status: 'blocked', detail: `${shortTd(target.arn)} is ${target.status}` });
  const stopArn = midDeploy && target.arn === midDeploy.taskDefinitionArn ? (records.find((r) => r.status === 'IN_PROGRESS' || r.status === 'PENDING')?.arn ?? null) : null;
  const ran = history.ran.has(target.arn) || service.deployments.some((d) => d.taskDefinitionArn === target.arn && d.rolloutState !== 'IN_PROGRESS') || (await completedByCodeflow(ctx, cluster, service.name, target.arn));
  guards.push(
    ran
      ? { id: 'revision_history', label: 'Revision history', status: 'ok', detail: `${shortTd(target.arn)} has run ${service.name} before` }
      : { id: 'revision_history', label: 'Revision history', status: approvalReason({ ...req, kind: 'deploy' }, service, policy) ? 'requires_approval' : 'ok', detail: `${shortTd(target.arn)} has never run ${service.name} (not in its ECS deployment history nor a completed Codeflow operation): rolling back to it is a deploy, under the deploy policy` },
  );
  if (target.arn === service.taskDefinitionArn && !midDeploy) guards.push({ id: 'same', label: 'Revision', status: 'blocked', detail: `${service.name} already runs ${shortTd(target.arn)}` });
  if (midDeploy) guards.push({ id: 'mid_deploy', label: 'Deployment in progress', status: 'ok', detail: stopArn ? `the rollout of ${shortTd(primary!.taskDefinitionArn)} is stopped with StopServiceDeployment (ROLLBACK)` : `the rollout of ${shortTd(primary!.taskDefinitionArn)} is replaced by ${shortTd(target.arn)}` });

  const imageDiff = target.containers.flatMap((c) => {
    const from = current.containers.find((x) => x.name === c.name)?.image ?? '';
    return from !== c.image ? [{ container: c.name, from, to: c.image }] : [];
  });
  const envDiff: Plan['envDiff'] = [];
  for (const c of target.containers) {
    const was = current.containers.find((x) => x.name === c.name);
    const before = new Set([...(was?.environmentNames ?? []), ...(was?.secretNames ?? []).map((s) => `${s} (secret)`)]);
    const after = new Set([...c.environmentNames, ...c.secretNames.map((s) => `${s} (secret)`)]);
    for (const n of after) if (!before.has(n)) envDiff.push({ container: c.name, name: n, from: null, to: '(set)' });
    for (const n of before) if (!after.has(n)) envDiff.push({ container: c.name, name: n, from: '(set)', to: null });
  }
  const essential = (td: TaskDefinition) => (td.containers.find((c) => c.essential) ?? td.containers[0])?.image ?? '';
  return {
    summary: `${shortTd(current.arn)} → ${shortTd(target.arn)}`,
    changes: [{ label: 'Task definition', from: shortTd(current.arn), to: shortTd(target.arn) }],
    imageDiff,
    envDiff,
    guards,
    rollbackCandidates: earlier.map((d) => ({ arn: d.arn, revision: d.revision, image: essential(d), registeredAt: d.registeredAt, preselected: d.arn === (req.revision ? target.arn : preselected) })),
    target: { taskDefinitionArn: target.arn, ...(stopArn ? { stopDeploymentArn: stopArn } : {}) },
    ...(ran ? {} : { unrun: shortTd(target.arn) }),
  };
}

/**
 * The revisions ECS's deployment history shows running this service (its successful service
 * deployments), and the newest of them that is not the current one (the rollback preselected).
 */
async function deploymentHistory(ctx: OpsContext, service: Service, records: ServiceDeploymentRecord[]): Promise<{ ran: Set<string>; previous: string | null }> {
  const successful = records.filter((r) => r.status === 'SUCCESSFUL' && (r.targetServiceRevisionArn ?? r.targetRevisionArn)).slice(0, 20);
  if (successful.length === 0) return { ran: new Set(), previous: null };
  const revisions = await describeServiceRevisions(ctx.aws, successful.map((r) => (r.targetServiceRevisionArn ?? r.targetRevisionArn)!));
  const ran = new Set(revisions.map((r) => r.taskDefinitionArn).filter((arn): arn is string => !!arn));
  let previous: string | null = null;
  for (const r of successful) {
    const rev = revisions.find((x) => x.arn === (r.targetServiceRevisionArn ?? r.targetRevisionArn));
    if (rev?.taskDefinitionArn && rev.taskDefinitionArn !== service.taskDefinitionArn) {
      previous = rev.taskDefinitionArn;
      break;
    }
  }
  return { ran, previous };
}

/** Whether a Codeflow operation on this service completed on `taskDefinitionArn` (a deploy that registered it, or a rollback to it). */
async function completedByCodeflow(ctx: OpsContext, cluster: string, service: string, taskDefinitionArn: string): Promise<boolean> {
  const rows = await ctx.db
    .select({ kind: operations.kind, plan: operations.plan, execution: operations.execution })
    .from(operations)
    .where(and(eq(operations.cluster, cluster), eq(operations.service, service), inArray(operations.status, ['succeeded'])));
  return rows.some((r) => (r.kind === 'deploy' ? r.execution.registeredTaskDefinitionArn : r.kind === 'rollback' ? r.plan.target?.taskDefinitionArn : null) === taskDefinitionArn);
}

/** An ARN, `family:revision` or a bare revision number of the current family → an ARN. */
export function resolveRevision(input: string, current: TaskDefinition): string {
  const v = input.trim();
  if (/^arn:aws[\w-]*:ecs:[\w-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/.test(v)) return v;
  const arnPrefix = current.arn.slice(0, current.arn.indexOf('task-definition/') + 'task-definition/'.length);
  if (/^\d+$/.test(v)) return `${arnPrefix}${current.family}:${Number(v)}`;
  if (/^[A-Za-z0-9_-]{1,255}:\d+$/.test(v)) return `${arnPrefix}${v}`;
  throw invalidField('revision', `"${v.slice(0, 120)}" is not a task definition revision; give family:revision (e.g. ${current.family}:${Math.max(1, current.revision - 1)}) or its ARN`);
}

async function planScale(ctx: OpsContext, service: Service, req: PlanRequest, policy: EnvironmentPolicy): Promise<Draft> {
  const n = req.desiredCount;
  if (n === undefined) throw invalidField('desiredCount', 'scaling needs a desiredCount');
  const outOfRange = desiredCountIssue(n, ctx.policy.hardMaxDesiredCount);
  if (outOfRange) throw invalidField('desiredCount', outOfRange);
  const td = await describeTaskDefinition(ctx.aws, service.taskDefinitionArn);
  const cpu = Number(td.cpu ?? td.containers.reduce((s, c) => s + (c.cpu ?? 0), 0)) || 0;
  const memory = Number(td.memory ?? td.containers.reduce((s, c) => s + (c.memory ?? 0), 0)) || 0;
  const guards: PlanGuard[] = [];
  const outOfBounds = desiredCountIssue(n, policy.scale);
  if (outOfBounds) guards.push({ id: 'bounds', label: 'Scale bounds', status: 'blocked', detail: `${outOfBounds} in this environment` });
  else guards.push({ id: 'bounds', label: 'Scale bounds', status: 'ok', detail: `within ${policy.scale.min}–${policy.scale.max}` });
  if (n === service.desiredCount) guards.push({ id: 'same', label: 'Desired count', status: 'blocked', detail: `${service.name} already wants ${n} task(s)` });
  return {
    summary: `${service.desiredCount} → ${n} task(s)`,
    changes: [
      { label: 'Desired count', from: String(service.desiredCount), to: String(n) },
      { label: 'CPU units', from: String(cpu * service.desiredCount), to: String(cpu * n) },
      { label: 'Memory (MiB)', from: String(memory * service.desiredCount), to: String(memory * n) },
    ],
    imageDiff: [],
    envDiff: [],
    guards,
    cost: { cpuUnitsPerTask: cpu, memoryMiBPerTask: memory, currentCount: service.desiredCount, newCount: n },
    target: { desiredCount: n },
  };
}

async function planSwitch(ctx: OpsContext, service: Service, req: PlanRequest): Promise<Draft> {
  const serviceGroups = service.loadBalancers.map((lb) => lb.targetGroupArn);
  if (serviceGroups.length === 0) throw invalidField('targetGroup', `${service.name} is not behind a load balancer`);
  const groups = await describeTargetGroups(ctx.aws, { arns: serviceGroups });
  const lbArn = groups.flatMap((g) => g.loadBalancerArns)[0];
  if (!lbArn) throw invalidField('targetGroup', `${service.name}'s target group is not attached to a load balancer`);
  const listeners = await describeListeners(ctx.aws, lbArn);
  const listener: Listener | undefined = listeners.find((l) => l.forwards.length > 1 && l.forwards.some((f) => serviceGroups.includes(f.targetGroupArn)));
  if (!listener) throw invalidField('targetGroup', `no listener splits ${service.name}'s traffic between two target groups (blue/green)`);
  const all = await describeTargetGroups(ctx.aws, { arns: listener.forwards.map((f) => f.targetGroupArn) });
  const nameOf = (arn: string) => all.find((g) => g.arn === arn)?.name ?? nameFromArn(arn);
  let targetArn: string;
  if (req.targetGroup) {
    const match = all.find((g) => g.arn === req.targetGroup || g.name === req.targetGroup);
    if (!match) throw new AppError('not_found', `targetGroup: "${req.targetGroup}" is not one of the listener's target groups (${all.map((g) => g.name).join(', ')})`);
    targetArn = match.arn;
  } else {
    const idle = [...listener.forwards].sort((a, b) => a.weight - b.weight)[0]!;
    targetArn = idle.targetGroupArn;
  }
  const health = await describeTargetHealth(ctx.aws, targetArn);
  const healthy = health.filter((t) => t.state === 'healthy').length;
  const guards: PlanGuard[] = [
    healthy > 0
      ? { id: 'healthy_targets', label: 'Healthy targets', status: 'ok', detail: `${nameOf(targetArn)} has ${healthy} healthy target(s) of ${health.length}` }
      : { id: 'healthy_targets', label: 'Healthy targets', status: 'blocked', detail: `${nameOf(targetArn)} has no healthy targets (${health.length} registered); Codeflow never switches traffic to it` },
  ];
  const active = listener.forwards.find((f) => f.weight > 0 && f.targetGroupArn !== targetArn);
  const current = listener.forwards.find((f) => f.targetGroupArn === targetArn);
  if (current && current.weight > 0 && listener.forwards.every((f) => f.targetGroupArn === targetArn || f.weight === 0)) {
    guards.push({ id: 'same', label: 'Traffic', status: 'blocked', detail: `${nameOf(targetArn)} already receives all traffic` });
  }
  const split = (fs: { targetGroupArn: string; weight: number }[]) => fs.map((f) => `${nameOf(f.targetGroupArn)} ${f.weight}`).join(' / ');
  const after = listener.forwards.map((f) => ({ targetGroupArn: f.targetGroupArn, weight: f.targetGroupArn === targetArn ? 100 : 0 }));
  return {
    summary: `${active ? nameOf(active.targetGroupArn) : 'current'} → ${nameOf(targetArn)}`,
    changes: [{ label: `Listener :${listener.port ?? ''}`, from: split(listener.forwards), to: split(after) }],
    imageDiff: [],
    envDiff: [],
    guards,
    target: { targetGroupArn: targetArn, listenerArn: listener.arn },
    listenerForwards: listener.forwards.map((f) => ({ targetGroupArn: f.targetGroupArn, weight: f.weight })),
  };
}

/** Adds the listener switch to a deploy or rollback draft: the idle group, the listener change, their guards. */
async function withListenerSwitch(ctx: OpsContext, service: Service, draft: Draft, kind: 'deploy' | 'rollback'): Promise<Draft> {
  const toRevision = kind === 'deploy' ? 'the new revision' : draft.target.taskDefinitionArn ? shortTd(draft.target.taskDefinitionArn) : 'the revision';
  const part = await planListenerSwitch(ctx, service, kind, toRevision);
  const sw = part.listenerSwitch;
  // The listener switch replaces the rolling rollout (and StopServiceDeployment, which would roll back in place).
  let guards = draft.guards.filter((g) => g.id !== 'strategy' && g.id !== 'mid_deploy');
  // A rollback to the revision it already runs is not "the same" when it runs in the wrong group.
  if (kind === 'rollback' && sw.from.arn !== part.listenerForwards.find((f) => f.weight > 0)?.targetGroupArn) guards = guards.filter((g) => g.id !== 'same');
  const { stopDeploymentArn: _stop, ...target } = draft.target;
  return {
    ...draft,
    summary: `${draft.summary}; listener ${sw.from.name} → ${sw.to.name}`,
    changes: [...draft.changes, ...part.changes],
    guards: [...guards, ...part.guards],
    target: { ...target, trafficSwitch: sw },
    listenerForwards: part.listenerForwards,
  };
}

/** True when the service's tasks register in a group its two-group listener sends no traffic to. */
async function strandedBinding(ctx: OpsContext, service: Service): Promise<boolean> {
  if (service.deploymentStrategy === 'BLUE_GREEN' || service.loadBalancers.length !== 1) return false;
  const pair = await listenerPairOf(ctx, service).catch(() => null);
  return !!pair && !('reason' in pair) && pair.active !== null && pair.active !== pair.bound.arn;
}

/** A rolling deploy or restart of a service whose tasks register where no traffic goes would drain the live group. */
async function trafficBindingGuards(ctx: OpsContext, service: Service): Promise<PlanGuard[]> {
  if (!(await strandedBinding(ctx, service))) return [];
  return [{ id: 'traffic_binding', label: 'Listener', status: 'blocked', detail: `${service.name}'s tasks register in a target group its listener sends no traffic to (a listener-switch deploy stopped before its switch): roll back first, which restores them where the traffic goes` }];
}
