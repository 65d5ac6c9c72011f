'use client';

import { useQuery } from '@tanstack/react-query';
import { alarmsQuery } from '@/lib/api/alarms/queries';
import { Card } from '@/components/ui/card';
import { QueryList } from '@/components/ui/query-list';
import { AlarmsTable } from './alarms-table';
import { AlarmsStatusNote } from './alarms-status-note';
import { PlaceFilters } from '@/components/places/place-filters';
import { PlaceReadsNote } from '@/components/places/place-reads-note';
import { usePlaceFilter } from '@/components/places/use-place-filter';
import { usePlaces } from '@/components/places/home-place';

/** Every watched account and Region's alarms, with the overview's account and Region filters. */
export function AlarmsView() {
  const places = usePlaces();
  const [filter] = usePlaceFilter();
  const query = useQuery(alarmsQuery(filter));
  const multiPlace = places.length > 1;
  const data = query.data;
  const firing = data?.alarms.filter((a) => a.state === 'ALARM').length ?? 0;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Alarms</h1>
        <span className="text-xs text-fg-subtle">
          CloudWatch metric alarms{multiPlace ? ' in every watched account and Region' : ''} · ALARM first, then INSUFFICIENT DATA, then OK · times in UTC
        </span>
        {data && (
          <span data-testid="alarms-firing" className={`ml-auto text-xs tabular-nums ${firing > 0 ? 'font-semibold text-down-fg' : 'text-fg-subtle'}`}>
            {firing} in ALARM of {data.alarms.length}
          </span>
        )}
      </div>
      <PlaceFilters />
      <PlaceReadsNote places={data?.places} what="alarms" />
      <Card className="overflow-hidden">
        {(data?.stale || (data && data.fetchedAt === null) || query.isRefetchError) && (
          <div className="border-b border-border px-4 py-2">
            {data && <AlarmsStatusNote report={multiPlace ? { ...data, error: null } : data} receivedAt={query.dataUpdatedAt} />}
            {query.isRefetchError && (
              <p role="status" className="text-xs text-degraded-fg">
                Refresh failed: {query.error?.message} — showing the last alarms received
              </p>
            )}
          </div>
        )}
        <QueryList query={query} items={data?.alarms} errorTitle="Alarms could not be loaded" empty={multiPlace ? 'No CloudWatch metric alarms in the accounts and Regions shown.' : 'No CloudWatch metric alarms in this Region.'} skeletonRows={4}>
          {(alarms) => <AlarmsTable alarms={alarms} />}
        </QueryList>
      </Card>
    </div>
  );
}
