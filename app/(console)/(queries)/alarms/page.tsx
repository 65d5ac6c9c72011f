import type { Metadata } from 'next';
import { HydrationBoundary, dehydrate } from '@tanstack/react-query';
import { authorizePage } from '@/lib/auth/session';
import { listAlarms } from '@/lib/telemetry/alarms';
import { alarmsQuery } from '@/lib/api/alarms/queries';
import { getQueryClient } from '@/lib/api/query-client';
import { AlarmsView } from '@/components/alarms/alarms-view';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';

export const metadata: Metadata = { title: 'Alarms' };

export default async function AlarmsPage() {
  const { user, allowed } = await authorizePage('/alarms', 'fleet.read');
  if (!allowed) return <ForbiddenPanel title="You cannot view alarms" action="fleet.read" role={user.role} />;

  const queryClient = getQueryClient();
  // In-process; CloudWatch failing arrives as the report's own error, not as a failed page.
  await queryClient.prefetchQuery({ ...alarmsQuery(), queryFn: () => listAlarms() });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AlarmsView />
    </HydrationBoundary>
  );
}
