import { getServiceDetail } from '@/lib/fleet/service-detail';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { serviceParamsSchema } from '@/lib/api/params';
import { placeFromSearch } from '@/lib/api/place-params';
import { getFleetContext } from '@/lib/fleet/context';

export const dynamic = 'force-dynamic';

export const GET = withErrors(
  withUser(
    async (req, ctx: { params: Promise<{ cluster: string; service: string }> }) => {
      const { cluster, service } = serviceParamsSchema.parse(await ctx.params);
      return json(await getServiceDetail(cluster, service, getFleetContext(placeFromSearch(req.nextUrl.searchParams))));
    },
    { action: 'fleet.read' },
  ),
);
