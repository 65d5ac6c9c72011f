import 'server-only';
import { setRoleOverride } from '../../auth/admin';
import type { CurrentUser } from '../../auth/identity';
import type { Role } from '../../auth/roles';
import { AppError } from '../../errors';
import { toAdminUserView, type AdminUserView } from './user-view';

/**
 * Sets or clears a user's role override (audited by setRoleOverride). Not one's own: an admin who
 * demoted themselves by mistake could leave Codeflow without an admin.
 */
export async function changeUserRole(admin: CurrentUser, userId: string, role: Role | null, reason: string): Promise<AdminUserView> {
  if (userId === admin.id) throw new AppError('forbidden', 'You cannot change your own role; ask another admin.');
  return toAdminUserView(await setRoleOverride(admin, userId, role, reason));
}
