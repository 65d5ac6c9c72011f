import type { Metadata } from 'next';
import { HydrationBoundary, dehydrate } from '@tanstack/react-query';
import { authorizePage } from '@/lib/auth/session';
import { listAlarmsAcross } from '@/lib/telemetry/alarms';
import { alarmsQuery } from '@/lib/api/alarms/queries';
import { placeFilterOf, placesFromSearchOrNull } from '@/lib/api/place-params';
import { getQueryClient } from '@/lib/api/query-client';
import { AlarmsView } from '@/components/alarms/alarms-view';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';

export const metadata: Metadata = { title: 'Alarms' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AlarmsPage({ searchParams }: { searchParams: SearchParams }) {
  const { user, allowed } = await authorizePage('/alarms', 'fleet.read');
  if (!allowed) return <ForbiddenPanel title="You cannot view alarms" action="fleet.read" role={user.role} />;

  const params = await searchParams;
  const queryClient = getQueryClient();
  // In-process; CloudWatch failing arrives as a place's own error, not as a failed page. A filter
  // naming no configured account is left to the client, which shows the API's 404 beside the filters.
  const places = placesFromSearchOrNull(params);
  if (places) await queryClient.prefetchQuery({ ...alarmsQuery(placeFilterOf(params)), queryFn: () => listAlarmsAcross(places) });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AlarmsView />
    </HydrationBoundary>
  );
}
