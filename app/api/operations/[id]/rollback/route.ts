import type { NextRequest } from 'next/server';
import { json, withErrors } from '@/lib/api/handler';
import { parseBody } from '@/lib/api/body';
import { idempotencyKeyOf, opsContext } from '@/lib/api/operations/context';
import { operationIdSchema, proposalRollbackSchema } from '@/lib/api/operations/schemas';
import { withUser } from '@/lib/api/with-user';
import { rollbackFromProposal } from '@/lib/ops/pipeline';
import { OPERATION_ROUTES } from '@/lib/api/operations/routes';

export const dynamic = 'force-dynamic';

/** POST (Idempotency-Key) { confirmName, reason } → 201 { operation }: the rollback a tripped trigger proposed. */
export const POST = withErrors(
  withUser(
    async (req: NextRequest, ctx: { params: Promise<{ id: string }> }, user) => {
      const { id } = operationIdSchema.parse(await ctx.params);
      const key = idempotencyKeyOf(req);
      const body = await parseBody(req, proposalRollbackSchema);
      const { operation, replayed } = await rollbackFromProposal(await opsContext(), user, id, body, key);
      return json({ operation }, { status: replayed ? 200 : 201 });
    },
    OPERATION_ROUTES['POST /api/operations/[id]/rollback'],
  ),
);
