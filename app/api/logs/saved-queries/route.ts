import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { parseBody } from '@/lib/api/body';
import { getDb } from '@/lib/db/client';
import { listSavedQueries, saveQuery, saveQuerySchema } from '@/lib/telemetry/saved-queries';

export const dynamic = 'force-dynamic';

/** GET → { queries }: the caller's saved Logs Insights queries, then those others shared. */
export const GET = withErrors(withUser(async (_req, _ctx, user) => json({ queries: await listSavedQueries(await getDb(), user) }), { action: 'logs.query' }));

/** POST { name, query, shared? } → 201 { query }: saves (or replaces the caller's query of that name), audited. */
export const POST = withErrors(
  withUser(
    async (req, _ctx, user) => {
      const input = await parseBody(req, saveQuerySchema);
      return json({ query: await saveQuery(await getDb(), user, input) }, { status: 201 });
    },
    { action: 'logs.query' },
  ),
);
