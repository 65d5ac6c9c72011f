import { z } from 'zod';
import { alarmsForService, listAlarms } from '@/lib/telemetry/alarms';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { searchParamsObject } from '@/lib/api/body';
import { clusterNameSchema, serviceNameSchema } from '@/lib/api/params';
import { placeFromSearch } from '@/lib/api/place-params';
import { getAlarmsContext } from '@/lib/telemetry/alarms';

export const dynamic = 'force-dynamic';

const querySchema = z
  .object({ cluster: clusterNameSchema.optional(), service: serviceNameSchema.optional(), account: z.string().optional(), region: z.string().optional() })
  .refine((q) => (q.cluster === undefined) === (q.service === undefined), { error: 'give both cluster and service, or neither' });

/** GET [?cluster&service] → { alarms, fetchedAt, stale, error }: ALARM first, each with the services it concerns. */
export const GET = withErrors(
  withUser(
    async (req) => {
      const q = querySchema.parse(searchParamsObject(req.nextUrl.searchParams));
      const alarms = getAlarmsContext(placeFromSearch(req.nextUrl.searchParams));
      return json(q.cluster && q.service ? await alarmsForService(q.cluster, q.service, alarms) : await listAlarms(alarms));
    },
    { action: 'fleet.read' },
  ),
);
