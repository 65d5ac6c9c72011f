import type { Role } from './roles';

/**
 * Who is acting. Identity is issuer + subject: the same `sub` from two IdPs is two people.
 * `via` says how the request authenticated, so audit entries can tell a browser from a token.
 */
export interface CurrentUser {
  id: string;
  issuer: string;
  subject: string;
  name: string;
  email: string | null;
  role: Role;
  via: { kind: 'session'; authenticatedAt: number } | { kind: 'token'; tokenId: string; tokenName: string; tokenRole: Role };
}

export function actorOf(user: CurrentUser) {
  return { issuer: user.issuer, subject: user.subject, name: user.name, role: user.role };
}
