import 'server-only';
import type { CurrentUser } from '../../auth/identity';
import { listApiTokens } from '../../auth/tokens';
import { toTokenView, type ApiTokenView } from './token-view';

/** The user's tokens, newest first, without their hashes. */
export async function listOwnTokens(user: CurrentUser): Promise<ApiTokenView[]> {
  const now = Date.now();
  return (await listApiTokens(user.id)).map((row) => toTokenView(row, now));
}
