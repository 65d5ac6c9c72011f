import { getFleetOverview } from '@/lib/fleet/overview';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';

export const dynamic = 'force-dynamic';

export const GET = withErrors(withUser(async () => json(await getFleetOverview()), { action: 'fleet.read' }));
