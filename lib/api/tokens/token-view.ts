import type { Role } from '../../auth/roles';
import type { ApiTokenRow } from '../../db/schema';

export type ApiTokenStatus = 'active' | 'expired' | 'revoked';

/** A token as the API and the screen show it: never its hash. */
export interface ApiTokenView {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  status: ApiTokenStatus;
}

export function toTokenView(row: ApiTokenRow, now = Date.now()): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    status: row.revokedAt ? 'revoked' : row.expiresAt.getTime() <= now ? 'expired' : 'active',
  };
}
