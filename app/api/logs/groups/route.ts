import { getLogsContext, listGroups } from '@/lib/telemetry/logs';
import { placeFromSearch } from '@/lib/api/place-params';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';

export const dynamic = 'force-dynamic';

/** GET [?account&region] → { groups, fetchedAt, stale }: CloudWatch log groups by name, cached for a minute. */
export const GET = withErrors(withUser(async (req) => json(await listGroups(getLogsContext(placeFromSearch(req.nextUrl.searchParams)))), { action: 'fleet.read' }));
