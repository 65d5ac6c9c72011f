import 'server-only';
import { appendAudit } from '../../audit/append';
import { actorOf, type CurrentUser } from '../../auth/identity';
import { roleRank } from '../../auth/roles';
import { createApiToken } from '../../auth/tokens';
import { getDb } from '../../db/client';
import { AppError } from '../../errors';
import type { CreateTokenInput } from './schemas';
import { toTokenView, type ApiTokenView } from './token-view';

/**
 * Creates a token for the signed-in user and audits it in one transaction: if the audit entry
 * cannot be written, no token exists. A token cannot mint tokens (a leaked one could otherwise
 * outlive its own expiry), nor hold more power than its owner.
 */
export async function createOwnToken(user: CurrentUser, input: CreateTokenInput): Promise<{ token: ApiTokenView; secret: string }> {
  const db = await getDb();
  const denial =
    user.via.kind === 'token'
      ? 'An API token cannot create tokens; sign in to Codeflow to create one.'
      : roleRank(input.role) > roleRank(user.role)
        ? `A token cannot have more power than you: your role is ${user.role}, the token asked for ${input.role}.`
        : null;
  if (denial) {
    await appendAudit(db, { actor: actorOf(user), action: 'token.create', target: input.name, params: { role: input.role }, reason: denial, outcome: 'denied' });
    throw new AppError('forbidden', denial);
  }
  return db.transaction(async (tx) => {
    const { token, secret } = await createApiToken({ id: user.id, role: user.role }, input, tx);
    await appendAudit(tx, {
      actor: actorOf(user),
      action: 'token.create',
      target: `${token.name} (${token.id})`,
      params: { role: token.role, expiresAt: token.expiresAt.toISOString() },
      outcome: 'success',
    });
    return { token: toTokenView(token), secret };
  });
}
