import { verifyAuditChain } from '@/lib/audit/verify';
import { getDb } from '@/lib/db/client';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';

export const dynamic = 'force-dynamic';

/** GET → { ok, checked, head } or { ok: false, checked, firstBroken }. */
export const GET = withErrors(withUser(async () => json(await verifyAuditChain(await getDb())), { action: 'audit.read' }));
