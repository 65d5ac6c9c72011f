import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { parseBody } from '@/lib/api/body';
import { playbookBodySchema, stepParamsSchema } from '@/lib/api/incidents/schemas';
import { actorOf } from '@/lib/auth/identity';
import { setPlaybookStep } from '@/lib/incidents/incidents';
import { incidentIdOrThrow } from '@/lib/incidents/lookup';
import { incidentDeps } from '@/lib/incidents/server';

export const dynamic = 'force-dynamic';

/** POST { done } → { incident }: ticks (or unticks) a playbook step, recording who and when. */
export const POST = withErrors(
  withUser(
    async (req, ctx: { params: Promise<{ id: string; stepId: string }> }, user) => {
      const { id: ref, stepId } = stepParamsSchema.parse(await ctx.params);
      const { done } = await parseBody(req, playbookBodySchema);
      const deps = await incidentDeps();
      return json({ incident: await setPlaybookStep(deps, await incidentIdOrThrow(deps.db, ref), stepId, done, actorOf(user)) });
    },
    { action: 'incident.acknowledge' },
  ),
);
