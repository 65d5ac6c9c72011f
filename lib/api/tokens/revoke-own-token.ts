import 'server-only';
import { appendAudit } from '../../audit/append';
import { actorOf, type CurrentUser } from '../../auth/identity';
import { revokeApiToken } from '../../auth/tokens';
import { getDb } from '../../db/client';
import { toTokenView, type ApiTokenView } from './token-view';

/** Revokes one of the user's own tokens, audited in the same transaction. */
export async function revokeOwnToken(user: CurrentUser, tokenId: string): Promise<ApiTokenView> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const token = await revokeApiToken(user.id, tokenId, tx);
    await appendAudit(tx, {
      actor: actorOf(user),
      action: 'token.revoke',
      target: `${token.name} (${token.id})`,
      params: { role: token.role, expiresAt: token.expiresAt.toISOString() },
      outcome: 'success',
    });
    return toTokenView(token);
  });
}
