import { getAlarmHistory, getAlarmsContext } from '@/lib/telemetry/alarms';
import { placeFromSearch } from '@/lib/api/place-params';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { alarmParamsSchema } from '@/lib/api/alarms/schemas';

export const dynamic = 'force-dynamic';

/** GET [?account&region] → { history }: the alarm's state changes, newest first, each with its reason. */
export const GET = withErrors(
  withUser(
    async (req, ctx: { params: Promise<{ name: string }> }) => {
      const { name } = alarmParamsSchema.parse(await ctx.params);
      return json({ history: await getAlarmHistory(name, getAlarmsContext(placeFromSearch(req.nextUrl.searchParams))) });
    },
    { action: 'fleet.read' },
  ),
);
