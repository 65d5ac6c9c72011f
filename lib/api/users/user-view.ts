import 'server-only';
import type { Role } from '../../auth/roles';
import { listUsers } from '../../auth/admin';
import { effectiveRole } from '../../auth/users';
import type { UserRow } from '../../db/schema';

/** A user as the admin screen shows them: identity, what the IdP says, what Codeflow grants. */
export interface AdminUserView {
  id: string;
  name: string | null;
  email: string | null;
  issuer: string;
  subject: string;
  idpGroups: string[];
  idpRole: Role | null;
  roleOverride: Role | null;
  effectiveRole: Role;
  lastSignInAt: string | null;
  sessionsValidAfter: string | null;
  createdAt: string;
}

export function toAdminUserView(row: UserRow): AdminUserView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    issuer: row.issuer,
    subject: row.subject,
    idpGroups: row.idpGroups,
    idpRole: row.idpRole,
    roleOverride: row.roleOverride,
    effectiveRole: effectiveRole(row),
    lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
    sessionsValidAfter: row.sessionsValidAfter?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listAdminUsers(): Promise<AdminUserView[]> {
  return (await listUsers()).map(toAdminUserView);
}
