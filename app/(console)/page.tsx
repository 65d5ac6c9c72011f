import { Suspense } from 'react';
import type { Metadata } from 'next';
import { HydrationBoundary, dehydrate } from '@tanstack/react-query';
import { requireUser } from '@/lib/auth/session';
import { getFleetOverview } from '@/lib/fleet/overview';
import { fleetOverviewQuery } from '@/lib/api/queries';
import { getQueryClient } from '@/lib/api/query-client';
import { FleetOverview } from '@/components/overview/fleet-overview';
import { OverviewSkeleton } from '@/components/overview/overview-skeleton';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  // Pages authorize themselves: proxy.ts only redirects, it never decides access.
  await requireUser('/');
  return (
    <Suspense fallback={<OverviewSkeleton />}>
      <PrefetchedFleetOverview />
    </Suspense>
  );
}

/** Reads the fleet in-process (no HTTP to ourselves) so the first paint already has data. */
async function PrefetchedFleetOverview() {
  const queryClient = getQueryClient();
  // A failure is not dehydrated: the browser retries through the API and shows its error.
  await queryClient.prefetchQuery({ ...fleetOverviewQuery(), queryFn: () => getFleetOverview() });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <FleetOverview />
    </HydrationBoundary>
  );
}
