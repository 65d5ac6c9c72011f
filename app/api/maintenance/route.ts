import { getMaintenanceChecklist } from '@/lib/maintenance/service';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';

export const dynamic = 'force-dynamic';

/** GET → { now, trackingStart, tasks, counts }: the guide's §6.3 tasks, overdue first, each with who did it last and when. */
export const GET = withErrors(withUser(async () => json(await getMaintenanceChecklist()), { action: 'maintenance.read' }));
