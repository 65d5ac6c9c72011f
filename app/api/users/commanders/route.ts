import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { listCommanders } from '@/lib/incidents/incidents';
import { getDb } from '@/lib/db/client';

export const dynamic = 'force-dynamic';

/** GET → { users: { id, name }[] }: who may command an incident (responder and up). */
export const GET = withErrors(withUser(async () => json({ users: await listCommanders(await getDb()) }), { action: 'incident.open' }));
