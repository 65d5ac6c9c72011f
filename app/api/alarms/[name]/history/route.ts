import { getAlarmHistory } from '@/lib/telemetry/alarms';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { alarmParamsSchema } from '@/lib/api/alarms/schemas';

export const dynamic = 'force-dynamic';

/** GET → { history }: the alarm's state changes, newest first, each with its reason. */
export const GET = withErrors(
  withUser(
    async (_req, ctx: { params: Promise<{ name: string }> }) => {
      const { name } = alarmParamsSchema.parse(await ctx.params);
      return json({ history: await getAlarmHistory(name) });
    },
    { action: 'fleet.read' },
  ),
);
