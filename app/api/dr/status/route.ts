import { getDrStatus } from '@/lib/dr/service';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';

export const dynamic = 'force-dynamic';

/**
 * GET → DrStatus: the guide's §6.6 RTO and RPO targets and, per configured database, the age of
 * its newest restorable recovery point in AWS Backup against the RPO ("not configured" says so).
 */
export const GET = withErrors(withUser(async () => json(await getDrStatus()), { action: 'maintenance.read' }));
