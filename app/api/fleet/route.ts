import { getFleetFeed } from '@/lib/fleet/feed';
import { fleetResponse } from '@/lib/fleet/feed-http';
import { withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';

export const dynamic = 'force-dynamic';

/** The last published overview, at once (ETag, gzip); AWS is read on the feed's schedule, never per request. */
export const GET = withErrors(withUser(async (req) => fleetResponse(req, getFleetFeed()), { action: 'fleet.read' }));
