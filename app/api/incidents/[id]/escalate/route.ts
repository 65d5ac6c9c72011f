import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { parseBody } from '@/lib/api/body';
import { escalateBodySchema, incidentParamsSchema } from '@/lib/api/incidents/schemas';
import { actorOf } from '@/lib/auth/identity';
import { escalateEarly } from '@/lib/incidents/incidents';
import { incidentIdOrThrow } from '@/lib/incidents/lookup';
import { incidentDeps, kickEscalationWorker } from '@/lib/incidents/server';

export const dynamic = 'force-dynamic';

/** POST { reason } → { incident }: pulls the next tier in now (recorded once, notified once, audited). */
export const POST = withErrors(
  withUser(
    async (req, ctx: { params: Promise<{ id: string }> }, user) => {
      const { id: ref } = incidentParamsSchema.parse(await ctx.params);
      const { reason } = await parseBody(req, escalateBodySchema);
      const deps = await incidentDeps();
      const incident = await escalateEarly(deps, await incidentIdOrThrow(deps.db, ref), reason, actorOf(user));
      kickEscalationWorker();
      return json({ incident });
    },
    { action: 'incident.escalate' },
  ),
);
