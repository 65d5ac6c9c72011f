import { revokeSessions } from '@/lib/auth/admin';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { parseBody } from '@/lib/api/body';
import { sessionRevokeSchema, userIdSchema } from '@/lib/api/users/schemas';
import { toAdminUserView } from '@/lib/api/users/user-view';

export const dynamic = 'force-dynamic';

/** DELETE { reason } → { user }: every session the user holds ends on their next request. */
export const DELETE = withErrors(
  withUser(
    async (req, ctx: { params: Promise<{ id: string }> }, admin) => {
      const { id } = userIdSchema.parse(await ctx.params);
      const { reason } = await parseBody(req, sessionRevokeSchema);
      return json({ user: toAdminUserView(await revokeSessions(admin, id, reason)) });
    },
    { action: 'sessions.revoke' },
  ),
);
