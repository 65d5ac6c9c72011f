import { isAppError } from '../errors';
import { ACTION_FOR_KIND } from './authorize';
import type { OpsContext } from './context';
import { auditOperation, runnerFor } from './op-audit';
import { roleShortfall } from './roles-now';
import { createAndStart } from './start';
import { patchOperation, type OperationRow } from './store';
import type { PlanRequest } from './types';

/** The request that undoes `row` (deploy/restart/rollback → back to its basis revision; switch-traffic → back to the previous split). */
export function undoRequest(row: OperationRow): PlanRequest | null {
  const plan = row.plan;
  if (row.kind === 'switch-traffic') {
    const previous = [...(plan.basis.listenerForwards ?? [])].sort((a, b) => b.weight - a.weight)[0];
    return previous ? { kind: 'switch-traffic', targetGroup: previous.targetGroupArn } : null;
  }
  // A scale is undone by scaling again; an alarm change by changing the alarms again.
  if (row.kind === 'scale' || row.kind === 'alarms') return null;
  // A listener-switch (blue/green) deploy is undone the same way: back to the old group by listener switch.
  return { kind: 'rollback', revision: plan.basis.taskDefinitionArn, ...(plan.target?.trafficSwitch ? { trafficSwitch: true } : {}) };
}

/**
 * Policy "rollback" (or a cancelled listener-switch rollout): a follow-up operation the runner
 * starts for the requester, only while the requester still holds the role a rollback needs;
 * otherwise it is proposed for someone who does.
 */
export async function startFollowUpRollback(ctx: OpsContext, row: OperationRow, why: string): Promise<string | null> {
  const request = undoRequest(row);
  if (!request) return null;
  const runner = await runnerFor(ctx.db, row);
  const shortfall = roleShortfall(runner, runner.role, ACTION_FOR_KIND[request.kind], 'requester');
  if (shortfall) {
    await auditOperation(ctx.db, runner, 'ops.follow-up-rollback', row, { refused: shortfall }, 'denied', `automatic rollback refused: ${shortfall}`);
    await patchOperation(ctx.db, row.id, { error: `${row.error ?? ''} The automatic rollback was not started: ${shortfall}; it is proposed instead.`.trim(), rollbackProposed: true });
    return null;
  }
  try {
    const followUp = await createAndStart(
      ctx,
      runner,
      { account: row.account, region: row.region, cluster: row.cluster, service: row.service, request, fingerprint: '', reason: `automatic rollback of operation ${row.id}: ${why}` },
      { parentOperationId: row.id, allowSame: true, trustPlan: true },
    );
    await patchOperation(ctx.db, row.id, { followUpOperationId: followUp.id });
    return followUp.id;
  } catch (e) {
    await patchOperation(ctx.db, row.id, { error: `${row.error ?? ''} The automatic rollback could not start: ${isAppError(e) ? e.message : 'unexpected error'}`.trim(), rollbackProposed: true });
    return null;
  }
}
