import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { parseBody } from '@/lib/api/body';
import { createTokenSchema } from '@/lib/api/tokens/schemas';
import { createOwnToken } from '@/lib/api/tokens/create-own-token';
import { listOwnTokens } from '@/lib/api/tokens/list-own-tokens';

export const dynamic = 'force-dynamic';

/** GET → { tokens }: the caller's own tokens, never their hashes. */
export const GET = withErrors(withUser(async (_req, _ctx, user) => json({ tokens: await listOwnTokens(user) }), { action: 'tokens.manage-own' }));

/** POST { name, role, expiresInDays } → 201 { token, secret }; the secret is never shown again. */
export const POST = withErrors(
  withUser(
    async (req, _ctx, user) => {
      const input = await parseBody(req, createTokenSchema);
      return json(await createOwnToken(user, input), { status: 201 });
    },
    { action: 'tokens.manage-own' },
  ),
);
