import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { parseBody } from '@/lib/api/body';
import { rosterBodySchema } from '@/lib/api/incidents/schemas';
import { actorOf } from '@/lib/auth/identity';
import { getRoster, putRoster } from '@/lib/incidents/incidents';
import { incidentDeps } from '@/lib/incidents/server';

export const dynamic = 'force-dynamic';

/** GET → { roster: { role, person, contact }[] } (every role: saved holders, else the config's defaults). */
export const GET = withErrors(
  withUser(
    async () => {
      const deps = await incidentDeps();
      return json({ roster: await getRoster(deps.db, deps.config) });
    },
    { action: 'fleet.read' },
  ),
);

/** PUT { roster } (admin) → { roster }: saves the roles given; the others keep their holder. */
export const PUT = withErrors(
  withUser(
    async (req, _ctx, user) => {
      const { roster } = await parseBody(req, rosterBodySchema);
      return json({ roster: await putRoster(await incidentDeps(), roster, actorOf(user)) });
    },
    { action: 'settings.write' },
  ),
);
