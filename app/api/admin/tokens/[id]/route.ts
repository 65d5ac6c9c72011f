import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { parseBody } from '@/lib/api/body';
import { tokenIdSchema } from '@/lib/api/tokens/schemas';
import { sessionRevokeSchema } from '@/lib/api/users/schemas';
import { revokeAnyToken } from '@/lib/api/tokens/all-tokens';

export const dynamic = 'force-dynamic';

/** DELETE { reason } → { token }: an admin revokes anyone's token; audited with the reason. */
export const DELETE = withErrors(
  withUser(
    async (req, ctx: { params: Promise<{ id: string }> }, admin) => {
      const { id } = tokenIdSchema.parse(await ctx.params);
      const { reason } = await parseBody(req, sessionRevokeSchema);
      return json({ token: await revokeAnyToken(admin, id, reason) });
    },
    { action: 'sessions.revoke' },
  ),
);
