import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { searchParamsObject } from '@/lib/api/body';
import { simulateQuerySchema } from '@/lib/api/incidents/schemas';
import { simulate } from '@/lib/incidents/escalation';
import { getRoster } from '@/lib/incidents/incidents';
import { incidentDeps } from '@/lib/incidents/server';

export const dynamic = 'force-dynamic';

/** GET ?severity=P1&openedAt=ISO → { steps: { afterMinutes, at, role, person }[] }: who is paged when, if it stays unresolved. */
export const GET = withErrors(
  withUser(
    async (req) => {
      const q = simulateQuerySchema.parse(searchParamsObject(req.nextUrl.searchParams));
      const deps = await incidentDeps();
      const roster = await getRoster(deps.db, deps.config);
      const steps = simulate(deps.config.matrix, q.severity, q.openedAt ? new Date(q.openedAt) : deps.now).map((t) => ({
        afterMinutes: t.afterMinutes,
        at: t.dueAt.toISOString(),
        role: t.role,
        person: roster.find((r) => r.role === t.role)?.person ?? null,
      }));
      return json({ steps });
    },
    { action: 'fleet.read' },
  ),
);
