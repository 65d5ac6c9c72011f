import type { NextRequest } from 'next/server';
import { json, withErrors } from '@/lib/api/handler';
import { parseBody } from '@/lib/api/body';
import { serviceParamsSchema } from '@/lib/api/params';
import { planRequestSchema } from '@/lib/api/operations/schemas';
import { opsContext } from '@/lib/api/operations/context';
import { can } from '@/lib/auth/can';
import { AppError } from '@/lib/errors';
import { ACTION_FOR_KIND, planOperation } from '@/lib/ops/plan';
import { withUser } from '@/lib/api/with-user';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ cluster: string; service: string }> };

/** POST PlanRequest → { plan }: a dry run, nothing is written. Needs the kind's own action. */
export const POST = withErrors(
  withUser(
    async (req: NextRequest, ctx: Ctx, user) => {
      const { cluster, service } = serviceParamsSchema.parse(await ctx.params);
      const request = await parseBody(req, planRequestSchema);
      const action = ACTION_FOR_KIND[request.kind];
      if (!can(user, action)) throw new AppError('forbidden', `Your role (${user.role}) may not plan a ${request.kind}: ${action} needs operator or above.`);
      return json({ plan: await planOperation(await opsContext(), cluster, service, request, { role: user.role }) });
    },
    // The role is confirmed for writes; the kind's own action is checked above.
    { action: 'fleet.read' },
  ),
);

