import { getFindingsAcross } from '@/lib/telemetry/findings';
import { placesFromSearch } from '@/lib/api/place-params';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { searchParamsObject } from '@/lib/api/body';
import { findingsQuerySchema } from '@/lib/api/findings/filters';

export const dynamic = 'force-dynamic';

/**
 * GET ?account&region&severity&type&cluster&service&maxAgeDays&archived → { findings, counts, panels, places, fetchedAt, stale, error }:
 * every watched account and Region's (or those the filters keep) 
 * GuardDuty findings HIGH and CRITICAL first; each panel carries its own age and last error.
 */
export const GET = withErrors(
  withUser(
    async (req) => {
      const filters = findingsQuerySchema.parse(searchParamsObject(req.nextUrl.searchParams));
      return json(await getFindingsAcross(filters, placesFromSearch(req.nextUrl.searchParams)));
    },
    { action: 'findings.read' },
  ),
);
