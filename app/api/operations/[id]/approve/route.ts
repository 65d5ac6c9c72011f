import type { NextRequest } from 'next/server';
import { json, withErrors } from '@/lib/api/handler';
import { parseBody } from '@/lib/api/body';
import { operationIdSchema, approveSchema } from '@/lib/api/operations/schemas';
import { opsContext } from '@/lib/api/operations/context';
import { withUser } from '@/lib/api/with-user';
import { approveOperation } from '@/lib/ops/pipeline';
import { OPERATION_ROUTES } from '@/lib/api/operations/routes';

export const dynamic = 'force-dynamic';

/** POST → { operation }. The role for the operation's kind is checked in lib/ops. */
export const POST = withErrors(
  withUser(
    async (req: NextRequest, ctx: { params: Promise<{ id: string }> }, user) => {
      const { id } = operationIdSchema.parse(await ctx.params);
      const body = await parseBody(req, approveSchema);
      return json({ operation: await approveOperation(await opsContext(), user, id, body.reason) });
    },
    OPERATION_ROUTES['POST /api/operations/[id]/approve'],
  ),
);
