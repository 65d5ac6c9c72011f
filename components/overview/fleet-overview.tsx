'use client';

import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { fleetOverviewQuery } from '@/lib/api/queries';
import { Card, EmptyState } from '@/components/ui/card';
import { ErrorPanel, buttonClass } from '@/components/ui/error-panel';
import { UpdatedAgo } from '@/components/fleet/updated-ago';
import { ClusterStatusList } from './cluster-status-list';
import { FilterBar } from './filter-bar';
import { ServiceTable } from './service-table';
import { VerdictSummary } from './verdict-summary';
import { filterServices } from '@/lib/fleet/filter-services';
import { countByVerdict, sortServices } from './overview-view';
import { useOverviewView } from './use-overview-view';
import { OverviewSkeleton } from './overview-skeleton';

export function FleetOverview() {
  const query = useQuery(fleetOverviewQuery());
  const [view, setView] = useOverviewView();
  const data = query.data;

  const derived = useMemo(() => {
    if (!data) return null;
    const withoutVerdict = filterServices(data.services, { cluster: view.cluster, q: view.q });
    const shown = sortServices(
      view.verdict ? withoutVerdict.filter((s) => s.verdict === view.verdict) : withoutVerdict,
      view.sort,
    );
    const clusterNames = [...new Set([...data.clusters.map((c) => c.cluster), ...data.services.map((s) => s.cluster)])];
    const staleClusters = new Set(data.clusters.filter((c) => c.stale).map((c) => c.cluster));
    // Snapshots can be older than the response (server cache, stale fallback): report the oldest on screen.
    const ages = data.clusters.map((c) => c.ageSeconds ?? 0);
    const dataAgeMs = ages.length ? Math.max(...ages) * 1000 : 0;
    const troubled = data.clusters.some((c) => c.stale || c.error !== null);
    return { counts: countByVerdict(withoutVerdict), shown, clusterNames, staleClusters, dataAgeMs, troubled };
  }, [data, view]);

  if (!data || !derived) {
    if (query.isError) {
      return (
        <ErrorPanel
          title="The fleet could not be loaded"
          message={query.error.message}
          action={
            <button type="button" className={buttonClass} onClick={() => query.refetch()}>
              Try again
            </button>
          }
        />
      );
    }
    return <OverviewSkeleton />;
  }

  return (
    <div className="flex flex-col gap-4">
      <div className="flex items-baseline gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Overview</h1>
        <span className="text-xs text-fg-subtle">
          {data.clusters.length} {data.clusters.length === 1 ? 'cluster' : 'clusters'} · {data.services.length} services
        </span>
        <div className="ml-auto flex items-center gap-3">
          {query.isRefetchError && (
            <span role="status" className="text-xs text-degraded-fg" title={query.error?.message}>
              Refresh failed: {query.error?.message} — showing the last data received
            </span>
          )}
          <UpdatedAgo
            updatedAt={query.dataUpdatedAt - derived.dataAgeMs}
            fetching={query.isFetching}
            failed={query.isRefetchError || derived.troubled}
          />
        </div>
      </div>

      <VerdictSummary counts={derived.counts} selected={view.verdict} onSelect={(verdict) => setView({ verdict })} />

      {data.clusters.length > 0 && (
        <ClusterStatusList
          clusters={data.clusters}
          services={data.services}
          receivedAt={query.dataUpdatedAt}
          selected={view.cluster}
          onSelect={(cluster) => setView({ cluster })}
        />
      )}

      <Card className="overflow-hidden">
        <div className="border-b border-border px-4 py-2.5">
          <FilterBar
            view={view}
            clusters={derived.clusterNames}
            onChange={setView}
            shown={derived.shown.length}
            total={data.services.length}
          />
        </div>
        {derived.shown.length > 0 ? (
          <ServiceTable services={derived.shown} staleClusters={derived.staleClusters} sort={view.sort} onSort={(sort) => setView({ sort })} />
        ) : data.services.length === 0 ? (
          <EmptyState>No services found in the configured clusters.</EmptyState>
        ) : (
          <EmptyState>
            No services match these filters.{' '}
            <button type="button" className="text-accent hover:underline" onClick={() => setView({ cluster: undefined, verdict: undefined, q: undefined })}>
              Clear filters
            </button>
          </EmptyState>
        )}
      </Card>
    </div>
  );
}
