import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { getDb } from '@/lib/db/client';
import { deleteSavedQuery, savedQueryIdSchema } from '@/lib/telemetry/saved-queries';

export const dynamic = 'force-dynamic';

/** DELETE → { query }: deletes one of the caller's own saved queries (audited); anyone else's is not found. */
export const DELETE = withErrors(
  withUser(
    async (_req, ctx: { params: Promise<{ id: string }> }, user) => {
      const { id } = savedQueryIdSchema.parse(await ctx.params);
      return json({ query: await deleteSavedQuery(await getDb(), user, id) });
    },
    { action: 'logs.query' },
  ),
);
