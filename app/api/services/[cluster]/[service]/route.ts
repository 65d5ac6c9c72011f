import { getServiceDetail } from '@/lib/fleet/service-detail';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { serviceParamsSchema } from '@/lib/api/params';

export const dynamic = 'force-dynamic';

export const GET = withErrors(
  withUser(
    async (_req, ctx: { params: Promise<{ cluster: string; service: string }> }) => {
      const { cluster, service } = serviceParamsSchema.parse(await ctx.params);
      return json(await getServiceDetail(cluster, service));
    },
    { action: 'fleet.read' },
  ),
);
