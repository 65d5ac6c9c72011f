import { json, withErrors } from '@/lib/api/handler';
import { operationIdSchema } from '@/lib/api/operations/schemas';
import { withUser } from '@/lib/api/with-user';
import { getDb } from '@/lib/db/client';
import { getOperation } from '@/lib/ops/store';
import { OPERATION_ROUTES } from '@/lib/api/operations/routes';

export const dynamic = 'force-dynamic';

export const GET = withErrors(
  withUser(
    async (_req, ctx: { params: Promise<{ id: string }> }) => {
      const { id } = operationIdSchema.parse(await ctx.params);
      return json({ operation: await getOperation(await getDb(), id) });
    },
    OPERATION_ROUTES['GET /api/operations/[id]'],
  ),
);
