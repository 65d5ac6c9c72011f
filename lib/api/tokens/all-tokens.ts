import 'server-only';
import { appendAudit } from '../../audit/append';
import { actorOf, type CurrentUser } from '../../auth/identity';
import { listAllApiTokens, revokeAnyApiToken, type TokenWithOwner } from '../../auth/tokens';
import { getDb } from '../../db/client';
import type { AdminTokenView } from './admin-token-view';
import { toTokenView } from './token-view';

function toAdminTokenView({ token, owner }: TokenWithOwner, now = Date.now()): AdminTokenView {
  return { ...toTokenView(token, now), owner: { id: owner.id, issuer: owner.issuer, subject: owner.subject, name: owner.name ?? owner.subject } };
}

export async function listEveryToken(): Promise<AdminTokenView[]> {
  const now = Date.now();
  return (await listAllApiTokens()).map((t) => toAdminTokenView(t, now));
}

/** An admin revokes anyone's token, audited with the reason in the same transaction. */
export async function revokeAnyToken(admin: CurrentUser, tokenId: string, reason: string): Promise<AdminTokenView> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const revoked = await revokeAnyApiToken(tokenId, tx);
    await appendAudit(tx, {
      actor: actorOf(admin),
      action: 'token.revoke',
      target: `${revoked.token.name} (${revoked.token.id})`,
      params: { owner: `${revoked.owner.issuer}|${revoked.owner.subject}`, role: revoked.token.role, byAdmin: true },
      reason,
      outcome: 'success',
    });
    return toAdminTokenView(revoked);
  });
}
