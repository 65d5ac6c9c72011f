import { z } from 'zod';
import { alarmsForService, getAlarmsContext, listAlarmsAcross } from '@/lib/telemetry/alarms';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { searchParamsObject } from '@/lib/api/body';
import { clusterNameSchema, serviceNameSchema } from '@/lib/api/params';
import { placeFromSearch, placesFromSearch } from '@/lib/api/place-params';

export const dynamic = 'force-dynamic';

const querySchema = z
  .object({ cluster: clusterNameSchema.optional(), service: serviceNameSchema.optional(), account: z.string().optional(), region: z.string().optional() })
  .refine((q) => (q.cluster === undefined) === (q.service === undefined), { error: 'give both cluster and service, or neither' });

/**
 * GET [?account&region] → { alarms, places, fetchedAt, stale, error }: every watched account and
 * Region's alarms (or those the filters keep), ALARM first, each with its place and services.
 * GET ?cluster&service[&account&region] → the alarms of one service in its place.
 */
export const GET = withErrors(
  withUser(
    async (req) => {
      const q = querySchema.parse(searchParamsObject(req.nextUrl.searchParams));
      if (q.cluster && q.service) return json(await alarmsForService(q.cluster, q.service, getAlarmsContext(placeFromSearch(req.nextUrl.searchParams))));
      return json(await listAlarmsAcross(placesFromSearch(req.nextUrl.searchParams)));
    },
    { action: 'fleet.read' },
  ),
);
