import { getDrStatus } from '@/lib/dr/service';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { placesFromSearch } from '@/lib/api/place-params';

export const dynamic = 'force-dynamic';

/**
 * GET [?account&region] → DrStatus: the guide's §6.6 RTO and RPO targets and, per configured database (read in
 * the account and Region its ARN names), the age of
 * its newest restorable recovery point in AWS Backup against the RPO ("not configured" says so).
 */
export const GET = withErrors(withUser(async (req) => json(await getDrStatus(new Date(), placesFromSearch(req.nextUrl.searchParams))), { action: 'maintenance.read' }));
