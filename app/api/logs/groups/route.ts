import { listGroups } from '@/lib/telemetry/logs';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';

export const dynamic = 'force-dynamic';

/** GET → { groups, fetchedAt, stale }: CloudWatch log groups by name, cached for a minute. */
export const GET = withErrors(withUser(async () => json(await listGroups()), { action: 'fleet.read' }));
