import { withAudit } from '../audit/with-audit';
import { describeServices, registerTaskDefinition, stopServiceDeployment, updateService } from '../aws/ecs';
import { modifyListenerForward } from '../aws/elbv2';
import type { Service } from '../aws/types';
import { AppError, isAppError } from '../errors';
import { auditActorOf, type Actor } from './actor';
import type { OpsContext } from './context';
import { bindingFor, boundGroupOf } from './bluegreen';
import { assertFence, lockKeyOf } from './lock';
import { shortTd } from './plan';
import { patchOperation, type ExecutionState, type OperationRow } from './store';
import type { ExecuteResult } from './types';
import { auditTargetOf } from './audit-target';
import { executeAlarms } from './alarms';


export type { ExecuteResult } from './types';

/**
 * The operation's AWS writes. Each is audited (intent before, outcome after) and preceded by a
 * fencing check, so an operation that lost its lock sends nothing. A call whose outcome is unknown
 * (AWS did not answer in time) is not retried: the service is read back to see whether it landed.
 */
export async function executeOperation(ctx: OpsContext, row: OperationRow, actor: Actor, token: number): Promise<ExecuteResult> {
  const plan = row.plan;
  const target = plan.target ?? {};
  const { actor: who, onBehalfOf } = auditActorOf(actor);
  const audit = (action: string, params: Record<string, unknown>) => ({
    actor: who,
    action,
    target: auditTargetOf(row),
    params: { operationId: row.id, account: row.account, region: row.region, fencingToken: token, ...(onBehalfOf ? { onBehalfOf } : {}), ...params },
    reason: row.reason,
  });
  const execution: ExecutionState = { ...row.execution, executedAt: new Date().toISOString() };
  // Fenced, then written down before it is sent: a process killed mid-call leaves the operation
  // saying which write was in flight (and the revision it registered), so another replica can
  // reconcile it from AWS state instead of guessing.
  const fence = async (action: string) => {
    await assertFence(ctx.db, lockKeyOf(row), row.id, token);
    execution.pendingCall = { action, since: new Date().toISOString() };
    await patchOperation(ctx.db, row.id, { execution: { ...execution } }, ['executing']);
  };

  const landed = (service: Service) => {
    const primary = service.deployments[0];
    execution.deploymentId = primary?.id;
    return primary;
  };

  switch (row.kind) {
    case 'deploy': {
      if (!target.image || !target.container) throw new AppError('invalid', 'image: the plan has no image to deploy');
      let tdArn = execution.registeredTaskDefinitionArn;
      if (!tdArn) {
        await fence('RegisterTaskDefinition');
        // The image as reviewed: pinned to the digest the plan resolved, so a tag moved since cannot slip in.
        const image = target.pinnedImage ?? target.image;
        const td = await withAudit(ctx.db, audit('ops.deploy.register-task-definition', { base: plan.basis.taskDefinitionArn, container: target.container, image }), () =>
          registerTaskDefinition(ctx.aws, { baseTaskDefinitionArn: plan.basis.taskDefinitionArn, images: { [target.container!]: image } }),
        );
        tdArn = td.arn;
        execution.registeredTaskDefinitionArn = tdArn;
        delete execution.pendingCall;
        await patchOperation(ctx.db, row.id, { execution: { ...execution } }, ['executing']);
      }
      const sw = target.trafficSwitch;
      if (sw) {
        // Blue/green by listener switch: the new revision's tasks register in the idle group.
        return update(
          ctx, row, () => fence('UpdateService'),
          audit('ops.deploy.update-service', { taskDefinition: tdArn, targetGroupArn: sw.to.arn, listenerSwitch: true }),
          { taskDefinition: tdArn, loadBalancers: bindingFor(sw, sw.to.arn) },
          execution,
          (s) => s.taskDefinitionArn === tdArn && boundGroupOf(s) === sw.to.arn,
          `UpdateService to ${shortTd(tdArn)} with its tasks in ${sw.to.name} (the listener stays on ${sw.from.name} until they are healthy)`,
          landed,
        );
      }
      return update(ctx, row, () => fence('UpdateService'), audit('ops.deploy.update-service', { taskDefinition: tdArn }), { taskDefinition: tdArn }, execution, (s) => s.taskDefinitionArn === tdArn, `UpdateService to ${shortTd(tdArn)}`, landed);
    }
    case 'rollback': {
      const tdArn = target.taskDefinitionArn!;
      const sw = target.trafficSwitch;
      if (sw) {
        return update(
          ctx, row, () => fence('UpdateService'),
          audit('ops.rollback.update-service', { taskDefinition: tdArn, targetGroupArn: sw.to.arn, listenerSwitch: true }),
          { taskDefinition: tdArn, loadBalancers: bindingFor(sw, sw.to.arn) },
          execution,
          (s) => s.taskDefinitionArn === tdArn && boundGroupOf(s) === sw.to.arn,
          `UpdateService to ${shortTd(tdArn)} with its tasks in ${sw.to.name} (the listener moves once they are healthy)`,
          landed,
        );
      }
      const [service] = await describeServices(ctx.aws, row.cluster, [row.service]);
      if (service && service.taskDefinitionArn === tdArn && !target.stopDeploymentArn) {
        // ECS (its circuit breaker) already rolled back, or a repeated rollback: nothing to send.
        landed(service);
        execution.skipped = `${row.service} already runs ${shortTd(tdArn)}; nothing sent to AWS`;
        return { outcome: 'done', execution, detail: execution.skipped };
      }
      if (target.stopDeploymentArn) {
        await fence('StopServiceDeployment');
        await withAudit(ctx.db, audit('ops.rollback.stop-service-deployment', { serviceDeploymentArn: target.stopDeploymentArn, stopType: 'ROLLBACK' }), () =>
          stopServiceDeployment(ctx.aws, target.stopDeploymentArn!, { stopType: 'ROLLBACK' }),
        );
        execution.serviceDeploymentArn = target.stopDeploymentArn;
        return { outcome: 'done', execution, detail: `StopServiceDeployment (ROLLBACK) → ${shortTd(tdArn)}` };
      }
      return update(ctx, row, () => fence('UpdateService'), audit('ops.rollback.update-service', { taskDefinition: tdArn }), { taskDefinition: tdArn }, execution, (s) => s.taskDefinitionArn === tdArn, `UpdateService to ${shortTd(tdArn)}`, landed);
    }
    case 'scale': {
      const n = target.desiredCount!;
      return update(ctx, row, () => fence('UpdateService'), audit('ops.scale.update-service', { desiredCount: n }), { desiredCount: n }, execution, (s) => s.desiredCount === n, `UpdateService desiredCount ${plan.basis.desiredCount} → ${n}`, landed);
    }
    case 'restart':
      return update(ctx, row, () => fence('UpdateService'), audit('ops.restart.update-service', { forceNewDeployment: true }), { forceNewDeployment: true }, execution, (s) => s.deployments[0]?.id !== plan.basis.primaryDeploymentId, 'UpdateService with forceNewDeployment', landed);
    case 'switch-traffic': {
      const forwards = (plan.basis.listenerForwards ?? []).map((f) => ({ targetGroupArn: f.targetGroupArn, weight: f.targetGroupArn === target.targetGroupArn ? 100 : 0 }));
      await fence('ModifyListener');
      await withAudit(ctx.db, audit('ops.switch-traffic.modify-listener', { listenerArn: target.listenerArn, forwards }), () => modifyListenerForward(ctx.aws, target.listenerArn!, forwards));
      return { outcome: 'done', execution, detail: 'ModifyListener: 100 % to the target group' };
    }
    case 'alarms':
      return executeAlarms(ctx, row, fence, audit, execution, async () => {
        await patchOperation(ctx.db, row.id, { execution: { ...execution } }, ['executing']);
      });
  }
}

async function update(
  ctx: OpsContext,
  row: OperationRow,
  fence: () => Promise<void>,
  intent: Parameters<typeof withAudit>[1],
  input: { taskDefinition?: string; desiredCount?: number; forceNewDeployment?: boolean; loadBalancers?: { targetGroupArn: string; containerName: string; containerPort: number }[] },
  execution: ExecutionState,
  applied: (s: Service) => boolean,
  what: string,
  landed: (s: Service) => unknown,
): Promise<ExecuteResult> {
  await fence();
  try {
    const service = await withAudit(ctx.db, intent, () => updateService(ctx.aws, { cluster: row.cluster, service: row.service, ...input }));
    landed(service);
    return { outcome: 'done', execution, detail: what };
  } catch (e) {
    if (!isAppError(e) || e.code !== 'unavailable') throw e;
    // Timed out: did it land? Read the service instead of sending it again.
    try {
      const [service] = await describeServices(ctx.aws, row.cluster, [row.service]);
      if (service && applied(service)) {
        landed(service);
        return { outcome: 'done', execution, detail: `${what} (AWS did not answer in time; DescribeServices shows it applied)` };
      }
    } catch {
      // Still unreachable: the runner reconciles later.
    }
    execution.unknownSince = new Date().toISOString();
    return { outcome: 'unknown', execution, detail: `${what}: AWS did not answer in time and the service does not show the change yet; Codeflow is reconciling from AWS state, not retrying` };
  }
}

/** Whether the change the operation made is visible in AWS (for reconciling an unknown outcome). */
export function appliedIn(row: OperationRow, service: Service): boolean {
  const plan = row.plan;
  const exec = row.execution;
  switch (row.kind) {
    case 'deploy':
      return !!exec.registeredTaskDefinitionArn && service.taskDefinitionArn === exec.registeredTaskDefinitionArn && (!plan.target?.trafficSwitch || boundGroupOf(service) === plan.target.trafficSwitch.to.arn);
    case 'rollback':
      return service.taskDefinitionArn === plan.target?.taskDefinitionArn && (!plan.target?.trafficSwitch || boundGroupOf(service) === plan.target.trafficSwitch.to.arn);
    case 'scale':
      return service.desiredCount === plan.target?.desiredCount;
    case 'restart':
      return service.deployments[0]?.id !== plan.basis.primaryDeploymentId;
    default:
      return true;
  }
}
