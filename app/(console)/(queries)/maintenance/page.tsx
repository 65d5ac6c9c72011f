import type { Metadata } from 'next';
import { HydrationBoundary, dehydrate } from '@tanstack/react-query';
import { authorizePage } from '@/lib/auth/session';
import { can } from '@/lib/auth/can';
import { getMaintenanceChecklist } from '@/lib/maintenance/service';
import { getDrStatus } from '@/lib/dr/service';
import { maintenanceQuery } from '@/lib/api/maintenance/queries';
import { drStatusQuery } from '@/lib/api/dr/queries';
import { getQueryClient } from '@/lib/api/query-client';
import { MaintenanceView } from '@/components/maintenance/maintenance-view';
import { DrStatusPanel } from '@/components/dr/dr-status-panel';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';
import { PlaceFilters } from '@/components/places/place-filters';
import { placeFilterOf, placesFromSearchOrNull } from '@/lib/api/place-params';

export const metadata: Metadata = { title: 'Maintenance' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function MaintenancePage({ searchParams }: { searchParams: SearchParams }) {
  const { user, allowed } = await authorizePage('/maintenance', 'maintenance.read');
  if (!allowed) return <ForbiddenPanel title="You cannot view maintenance" action="maintenance.read" role={user.role} />;

  const params = await searchParams;
  const queryClient = getQueryClient();
  // A filter naming no configured account is left to the client, which shows the API's 404.
  const shown = placesFromSearchOrNull(params);
  // In-process; AWS Backup failing arrives as the DR status's own error, not as a failed page.
  await Promise.all([
    queryClient.prefetchQuery({ ...maintenanceQuery(), queryFn: () => getMaintenanceChecklist() }),
    shown && queryClient.prefetchQuery({ ...drStatusQuery(placeFilterOf(params)), queryFn: () => getDrStatus(new Date(), shown) }),
  ]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <div className="flex flex-col gap-4">
        <div className="flex flex-wrap items-baseline gap-3">
          <h1 className="text-lg font-semibold tracking-tight">Maintenance and DR</h1>
          <span className="text-xs text-fg-subtle">recurring tasks from the deployment guide, and how recent each database’s last recovery point is · times in UTC</span>
        </div>
        <PlaceFilters />
        <DrStatusPanel />
        <MaintenanceView canComplete={can(user, 'maintenance.complete')} />
      </div>
    </HydrationBoundary>
  );
}
