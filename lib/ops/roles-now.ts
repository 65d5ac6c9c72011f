import { and, eq } from 'drizzle-orm';
import { can, minimumRole, type Action } from '../auth/can';
import type { Role } from '../auth/roles';
import type { Db } from '../db/client';
import { users } from '../db/schema';

export interface Person {
  issuer: string;
  subject: string;
  name: string | null;
}

/**
 * The role a person holds now, read from the users table as the session code reads it (an admin's
 * override wins over the IdP's groups); null when they are no longer a Codeflow user. An operation
 * outlives the request that made it, so the requester's and approver's roles are read again at
 * approval and at execution instead of trusting the role they had when they clicked.
 */
export async function currentRoleOf(db: Db, who: Pick<Person, 'issuer' | 'subject'>): Promise<Role | null> {
  const [row] = await db
    .select({ roleOverride: users.roleOverride, idpRole: users.idpRole })
    .from(users)
    .where(and(eq(users.issuer, who.issuer), eq(users.subject, who.subject)));
  if (!row) return null;
  return row.roleOverride ?? row.idpRole ?? 'viewer';
}

/** Null when `role` may do `action`; otherwise the reason, written for the person reading the refusal. */
export function roleShortfall(who: Person, role: Role | null, action: Action, as: 'requester' | 'approver'): string | null {
  if (role && can({ role }, action)) return null;
  const name = who.name || who.subject;
  return role
    ? `the ${as} ${name} is now ${role}, and ${action} needs ${minimumRole(action)} or above`
    : `the ${as} ${name} is no longer a Codeflow user`;
}
