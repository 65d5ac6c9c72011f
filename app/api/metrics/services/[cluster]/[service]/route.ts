import { getServiceMetrics } from '@/lib/telemetry/metrics';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { searchParamsObject } from '@/lib/api/body';
import { serviceParamsSchema } from '@/lib/api/params';
import { metricsQuerySchema } from '@/lib/api/metrics/schemas';
import { placeFromSearch } from '@/lib/api/place-params';
import { getMetricsContext } from '@/lib/telemetry/metrics';

export const dynamic = 'force-dynamic';

/** GET ?range=1h|3h|12h|24h|7d|custom&from&to → the service's charts, guide reference lines and deployment markers. */
export const GET = withErrors(
  withUser(
    async (req, ctx: { params: Promise<{ cluster: string; service: string }> }) => {
      const { cluster, service } = serviceParamsSchema.parse(await ctx.params);
      const { account: _account, region: _region, ...query } = searchParamsObject(req.nextUrl.searchParams);
      const range = metricsQuerySchema.parse(query);
      return json(await getServiceMetrics(cluster, service, range, getMetricsContext(placeFromSearch(req.nextUrl.searchParams))));
    },
    { action: 'fleet.read' },
  ),
);
