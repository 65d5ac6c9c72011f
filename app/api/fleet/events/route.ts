import { getFleetFeed } from '@/lib/fleet/feed';
import { fleetEventStream } from '@/lib/fleet/feed-http';
import { withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';

export const dynamic = 'force-dynamic';

/** Server-sent events: the overview, then a delta per change; resumable with Last-Event-ID. */
export const GET = withErrors(withUser(async (req) => fleetEventStream(req, getFleetFeed()), { action: 'fleet.read' }));
