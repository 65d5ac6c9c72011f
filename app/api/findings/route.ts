import { getFindingsReport } from '@/lib/telemetry/findings';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { searchParamsObject } from '@/lib/api/body';
import { findingsQuerySchema } from '@/lib/api/findings/filters';

export const dynamic = 'force-dynamic';

/**
 * GET ?severity&type&cluster&service&maxAgeDays&archived → { findings, counts, panels, fetchedAt, stale, error }:
 * GuardDuty findings HIGH and CRITICAL first; each panel carries its own age and last error.
 */
export const GET = withErrors(
  withUser(
    async (req) => {
      const filters = findingsQuerySchema.parse(searchParamsObject(req.nextUrl.searchParams));
      return json(await getFindingsReport(filters));
    },
    { action: 'findings.read' },
  ),
);
