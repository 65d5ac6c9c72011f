import { getLogsContext, runInsightsQuery } from '@/lib/telemetry/logs';
import { placeFromBody } from '@/lib/api/place-params';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { parseBody } from '@/lib/api/body';
import { insightsRequestSchema } from '@/lib/api/logs/schemas';

export const dynamic = 'force-dynamic';

/**
 * POST { groups, query, start, end, account?, region? } → { status, columns, rows, statistics }: runs a Logs
 * Insights query to completion (stopped after 30 s); 429 when too many are already running.
 */
export const POST = withErrors(
  withUser(
    async (req) => {
      const { groups, query, start, end, ...where } = await parseBody(req, insightsRequestSchema);
      return json(await runInsightsQuery(groups, query, start, end, getLogsContext(placeFromBody(where))));
    },
    { action: 'logs.query' },
  ),
);
