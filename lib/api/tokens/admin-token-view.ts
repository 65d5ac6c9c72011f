import type { ApiTokenView } from './token-view';

/** A token as the admin screen shows it: whose it is, besides what it is. Never its hash. */
export interface AdminTokenView extends ApiTokenView {
  owner: { id: string; issuer: string; subject: string; name: string };
}
