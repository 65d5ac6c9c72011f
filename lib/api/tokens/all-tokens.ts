import 'server-only';
import { appendAudit } from '../../audit/append';
import { actorOf, type CurrentUser } from '../../auth/identity';
import { listAllApiTokens, revokeAnyApiToken, type TokenWithOwner } from '../../auth/tokens';
import { getDb } from '../../db/client';
import { toTokenView, type ApiTokenView } from './token-view';

/** A token as the admin screen shows it: whose it is, besides what it is. Never its hash. */
export interface AdminTokenView extends ApiTokenView {
  owner: { id: string; subject: string; name: string };
}

function toAdminTokenView({ token, owner }: TokenWithOwner, now = Date.now()): AdminTokenView {
  return { ...toTokenView(token, now), owner: { id: owner.id, subject: `${owner.issuer}|${owner.subject}`, name: owner.name ?? owner.subject } };
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
