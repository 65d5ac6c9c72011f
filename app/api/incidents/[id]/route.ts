import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { parseBody } from '@/lib/api/body';
import { incidentParamsSchema, updateIncidentSchema } from '@/lib/api/incidents/schemas';
import { actorOf } from '@/lib/auth/identity';
import { getDb } from '@/lib/db/client';
import { updateIncident } from '@/lib/incidents/incidents';
import { incidentIdOrThrow } from '@/lib/incidents/lookup';
import { incidentDeps, incidentWithTimeline, kickEscalationWorker } from '@/lib/incidents/server';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

/** GET → { incident, timeline, sources }: own events merged with deployments, alarm changes, findings (and operations) meanwhile. */
export const GET = withErrors(
  withUser(
    async (_req, ctx: Ctx) => {
      const { id: ref } = incidentParamsSchema.parse(await ctx.params);
      return json(await incidentWithTimeline(await incidentIdOrThrow(await getDb(), ref)));
    },
    { action: 'fleet.read' },
  ),
);

/** PATCH any of { status, severity, commanderUserId, title, services, note } → { incident }; reopen = status "open" from resolved. */
export const PATCH = withErrors(
  withUser(
    async (req, ctx: Ctx, user) => {
      const { id: ref } = incidentParamsSchema.parse(await ctx.params);
      const body = await parseBody(req, updateIncidentSchema);
      const deps = await incidentDeps();
      const incident = await updateIncident(deps, await incidentIdOrThrow(deps.db, ref), body, actorOf(user));
      kickEscalationWorker();
      return json({ incident });
    },
    { action: 'incident.acknowledge' },
  ),
);
