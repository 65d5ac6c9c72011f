import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { parseBody, searchParamsObject } from '@/lib/api/body';
import { listIncidentsQuerySchema, openIncidentSchema } from '@/lib/api/incidents/schemas';
import { listIncidents } from '@/lib/incidents/incidents';
import { incidentDeps, openIncidentFromRequest } from '@/lib/incidents/server';

export const dynamic = 'force-dynamic';

/** GET ?status=open|all|<status>&severity= → { incidents } (open: every unresolved one, severity then age). */
export const GET = withErrors(
  withUser(
    async (req) => {
      const q = listIncidentsQuerySchema.parse(searchParamsObject(req.nextUrl.searchParams));
      return json({ incidents: await listIncidents(await incidentDeps(), q) });
    },
    { action: 'fleet.read' },
  ),
);

/** POST { title, severity, services?, commanderUserId?, source?: { kind, ref }, openedAt?, note? } → 201 { incident }. */
export const POST = withErrors(
  withUser(
    async (req, _ctx, user) => {
      const body = await parseBody(req, openIncidentSchema);
      const incident = await openIncidentFromRequest(user, { ...body, openedAt: body.openedAt ? new Date(body.openedAt) : undefined });
      return json({ incident }, { status: 201 });
    },
    { action: 'incident.open' },
  ),
);
