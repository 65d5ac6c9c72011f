import { appendAudit } from '../audit/append';
import { can, minimumRole, type Action } from '../auth/can';
import { actorOf, type CurrentUser } from '../auth/identity';
import type { Db } from '../db/client';
import { AppError } from '../errors';
import { recordOperationOutcome } from '../observability/hooks';
import type { OperationKind } from './types';

/** The permission each operation kind needs; approving, rejecting, cancelling and continuing one need the same. */
export const ACTION_FOR_KIND: Record<OperationKind, Action> = {
  deploy: 'service.deploy',
  rollback: 'service.rollback',
  scale: 'service.scale',
  restart: 'service.deploy',
  'switch-traffic': 'traffic.switch',
  alarms: 'alarms.write',
};

export interface DenialPlace {
  path: string;
  cluster: string;
  service: string;
  operationId?: string;
}

/**
 * The one denial record of lib/ops, shaped as withUser's (lib/api/with-user.ts): action
 * auth.denied, the API path as target, what was attempted, outcome denied, plus which service.
 */
export async function recordDenial(db: Db, user: CurrentUser, attempted: string, where: DenialPlace, reason: string, kind: OperationKind): Promise<void> {
  await appendAudit(db, {
    actor: actorOf(user),
    action: 'auth.denied',
    target: where.path,
    params: { attempted, method: 'POST', kind, cluster: where.cluster, service: where.service, ...(where.operationId ? { operationId: where.operationId } : {}) },
    reason,
    outcome: 'denied',
  });
}

/** The role check for an operation's kind; a denial is audited and counted as refused. */
export async function assertMay(db: Db, user: CurrentUser, kind: OperationKind, where: DenialPlace): Promise<void> {
  const action = ACTION_FOR_KIND[kind];
  if (can(user, action)) return;
  await recordDenial(db, user, action, where, `role ${user.role} lacks ${action}`, kind);
  recordOperationOutcome(kind, 'refused');
  throw new AppError('forbidden', `Your role (${user.role}) may not ${kind}: ${action} needs ${minimumRole(action)} or above.`);
}

export const operationPath = (id: string, verb: string) => `/api/operations/${id}/${verb}`;
