import { getFleetOverview } from '@/lib/fleet/overview';
import { json, withErrors } from '@/lib/api/handler';

export const dynamic = 'force-dynamic';

export const GET = withErrors(async () => json(await getFleetOverview()));
