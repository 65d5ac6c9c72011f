import type { NextRequest } from 'next/server';
import { json, withErrors } from '@/lib/api/handler';
import { parseBody } from '@/lib/api/body';
import { serviceParamsSchema } from '@/lib/api/params';
import { planRequestSchema } from '@/lib/api/operations/schemas';
import { opsContext } from '@/lib/api/operations/context';
import { assertMay } from '@/lib/ops/authorize';
import { planOperation } from '@/lib/ops/plan';
import { withUser } from '@/lib/api/with-user';
import { placeQuerySchema } from '@/lib/api/place-params';
import { OPERATION_ROUTES } from '@/lib/api/operations/routes';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ cluster: string; service: string }> };

/** POST PlanRequest → { plan }: a dry run, nothing is written. Needs the kind's own action. */
export const POST = withErrors(
  withUser(
    async (req: NextRequest, ctx: Ctx, user) => {
      const { cluster, service } = serviceParamsSchema.parse(await ctx.params);
      const request = await parseBody(req, planRequestSchema);
      const ops = await opsContext();
      await assertMay(ops.db, user, request.kind, { path: req.nextUrl.pathname, cluster, service });
      const where = placeQuerySchema.parse({ account: req.nextUrl.searchParams.get('account') || undefined, region: req.nextUrl.searchParams.get('region') || undefined });
      return json({ plan: await planOperation(ops, cluster, service, request, { role: user.role, place: where }) });
    },
    OPERATION_ROUTES['POST /api/services/[cluster]/[service]/plan'],
  ),
);

