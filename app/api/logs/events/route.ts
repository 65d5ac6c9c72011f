import { getLogsContext, search, tail } from '@/lib/telemetry/logs';
import { placeFromSearch } from '@/lib/api/place-params';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { searchParamsObject } from '@/lib/api/body';
import { logEventsQuerySchema } from '@/lib/api/logs/schemas';

export const dynamic = 'force-dynamic';

/**
 * GET ?group&stream&pattern&cursor&limit[&account&region] → { events, nextCursor }: one poll of a live tail.
 * With &start&end (epoch ms or ISO): a search over that range; nextCursor pages on.
 */
export const GET = withErrors(
  withUser(
    async (req) => {
      const q = logEventsQuerySchema.parse(searchParamsObject(req.nextUrl.searchParams));
      const streams = q.stream ? [q.stream] : undefined;
      const logs = getLogsContext(placeFromSearch(req.nextUrl.searchParams));
      if (q.start !== undefined && q.end !== undefined) {
        return json(await search(q.group, { streams, pattern: q.pattern, start: q.start, end: q.end, limit: q.limit, nextToken: q.cursor }, logs));
      }
      return json(await tail(q.group, { streams, pattern: q.pattern, cursor: q.cursor, limit: q.limit }, logs));
    },
    { action: 'fleet.read' },
  ),
);
