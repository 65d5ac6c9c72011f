import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { parseBody } from '@/lib/api/body';
import { roleChangeSchema, userIdSchema } from '@/lib/api/users/schemas';
import { changeUserRole } from '@/lib/api/users/change-user-role';

export const dynamic = 'force-dynamic';

/** PUT { role | null, reason } → { user }: sets or clears the role override, audited with the reason. */
export const PUT = withErrors(
  withUser(
    async (req, ctx: { params: Promise<{ id: string }> }, admin) => {
      const { id } = userIdSchema.parse(await ctx.params);
      const { role, reason } = await parseBody(req, roleChangeSchema);
      return json({ user: await changeUserRole(admin, id, role, reason) });
    },
    { action: 'roles.write' },
  ),
);
