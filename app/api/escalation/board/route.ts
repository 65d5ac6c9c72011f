import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { getBoard } from '@/lib/incidents/incidents';
import { incidentDeps } from '@/lib/incidents/server';

export const dynamic = 'force-dynamic';

/** GET → { now, incidents (unresolved, severity then age), unacknowledged: ids }. The board polls it every 5 s. */
export const GET = withErrors(withUser(async () => json(await getBoard(await incidentDeps())), { action: 'fleet.read' }));
