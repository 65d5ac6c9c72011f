import { atLeast, type Role } from './roles';

/** Everything Codeflow lets someone do, with the least role that may do it. */
export const ACTIONS = {
  'fleet.read': 'viewer',
  'findings.read': 'viewer',
  'audit.read': 'viewer',
  'tokens.manage-own': 'viewer',
  'maintenance.read': 'viewer',
  'incident.open': 'responder',
  'incident.acknowledge': 'responder',
  'incident.escalate': 'responder',
  'logs.query': 'responder',
  'maintenance.complete': 'responder',
  /** Request, approve, reject, cancel or continue an operation; lib/ops checks the kind's own action too. */
  'operations.request': 'operator',
  'service.deploy': 'operator',
  'service.rollback': 'operator',
  'service.scale': 'operator',
  'traffic.switch': 'operator',
  'findings.archive': 'operator',
  /** Create, change, delete a service's CloudWatch alarms or turn their actions on or off (an operation of kind alarms). */
  'alarms.write': 'operator',
  'settings.write': 'admin',
  'roles.write': 'admin',
  'locks.force-release': 'admin',
  'sessions.revoke': 'admin',
  'users.read': 'admin',
} as const satisfies Record<string, Role>;

export type Action = keyof typeof ACTIONS;

export interface Principal {
  role: Role;
}

/**
 * The one authorization decision. The UI asks it to decide which buttons to show; route handlers
 * ask it again, with the role re-read from the database, before acting. `target` (a cluster,
 * service, …) is where environment policies will narrow this.
 */
export function can(user: Principal | null | undefined, action: Action, _target?: string): boolean {
  if (!user) return false;
  return atLeast(user.role, ACTIONS[action]);
}

export function minimumRole(action: Action): Role {
  return ACTIONS[action];
}
