import { verifyAuditChainWithAnchors } from '@/lib/audit/anchoring';
import { getDb } from '@/lib/db/client';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';

export const dynamic = 'force-dynamic';

/**
 * GET → { ok, checked, head, legacy, anchors, anchorSources } or { ok: false, checked, firstBroken, anchors, anchorSources }:
 * the chain's keyed hashes recomputed and compared with the anchors kept outside the database.
 */
export const GET = withErrors(withUser(async () => json(await verifyAuditChainWithAnchors(await getDb())), { action: 'audit.read' }));
