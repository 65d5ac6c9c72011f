import { Suspense } from 'react';
import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/session';
import { FleetOverview } from '@/components/overview/fleet-overview';
import { OverviewSkeleton } from '@/components/overview/overview-skeleton';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  // Pages authorize themselves: proxy.ts only redirects, it never decides access.
  await requireUser('/');
  // No read of the fleet here: the browser's event stream opens with the overview already serialised
  // for every viewer (lib/fleet/feed.ts), so a page view never waits on AWS nor serialises it again.
  return (
    <Suspense fallback={<OverviewSkeleton />}>
      <FleetOverview />
    </Suspense>
  );
}
