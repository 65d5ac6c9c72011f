import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { tokenIdSchema } from '@/lib/api/tokens/schemas';
import { revokeOwnToken } from '@/lib/api/tokens/revoke-own-token';

export const dynamic = 'force-dynamic';

/** DELETE → { token }: revokes one of the caller's own tokens; anyone else's is not found. */
export const DELETE = withErrors(
  withUser(
    async (_req, ctx: { params: Promise<{ id: string }> }, user) => {
      const { id } = tokenIdSchema.parse(await ctx.params);
      return json({ token: await revokeOwnToken(user, id) });
    },
    { action: 'tokens.manage-own' },
  ),
);
