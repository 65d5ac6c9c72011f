'use client';

import { useMemo } from 'react';
import { Card, EmptyState } from '@/components/ui/card';
import { ErrorPanel } from '@/components/ui/error-panel';
import { UpdatedAgo } from '@/components/fleet/updated-ago';
import { ClusterStatusList } from './cluster-status-list';
import { FilterBar } from './filter-bar';
import { ServiceTable } from './service-table';
import { VerdictSummary } from './verdict-summary';
import { filterServices } from '@/lib/fleet/filter-services';
import { countByVerdict, sortServices } from './overview-view';
import { useOverviewView } from './use-overview-view';
import { useLiveFleet } from './use-live-fleet';
import { OverviewSkeleton } from './overview-skeleton';

export function FleetOverview() {
  const live = useLiveFleet();
  const [view, setView] = useOverviewView();
  const data = live.data;

  const derived = useMemo(() => {
    if (!data) return null;
    const withoutVerdict = filterServices(data.services, { cluster: view.cluster, q: view.q });
    const shown = sortServices(
      view.verdict ? withoutVerdict.filter((s) => s.verdict === view.verdict) : withoutVerdict,
      view.sort,
    );
    const clusterNames = [...new Set([...data.clusters.map((c) => c.cluster), ...data.services.map((s) => s.cluster)])];
    const staleClusters = new Set(data.clusters.filter((c) => c.stale).map((c) => c.cluster));
    // Report the oldest data on screen: each cluster is read on its own schedule.
    const read = data.clusters.map((c) => (c.fetchedAt ? Date.parse(c.fetchedAt) : null)).filter((t): t is number => t !== null);
    const oldestAt = read.length ? Math.min(...read) : null;
    const troubled = data.clusters.some((c) => c.stale || c.error !== null);
    return { counts: countByVerdict(withoutVerdict), shown, clusterNames, staleClusters, oldestAt, troubled };
  }, [data, view]);

  if (!data || !derived) {
    if (live.error && live.mode === 'polling') return <ErrorPanel title="The fleet could not be loaded" message={live.error} />;
    return <OverviewSkeleton />;
  }

  return (
    // data-live-mode: how updates arrive ("live" over the event stream, or "polling"), for tests and support.
    <div className="flex flex-col gap-4" data-testid="fleet-overview" data-live-mode={live.mode}>
      <div className="flex items-baseline gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Overview</h1>
        <span className="text-xs text-fg-subtle">
          {data.clusters.length} {data.clusters.length === 1 ? 'cluster' : 'clusters'} · {data.services.length} services
        </span>
        <div className="ml-auto flex items-center gap-3">
          {live.error && (
            <span role="status" className="text-xs text-degraded-fg" title={live.error}>
              {live.error} — showing the last data received
            </span>
          )}
          {derived.oldestAt !== null && (
            <UpdatedAgo updatedAt={derived.oldestAt} fetching={false} failed={live.error !== null || derived.troubled} />
          )}
        </div>
      </div>

      {data.loading && (
        <div role="status" data-testid="fleet-loading" className="rounded-md border border-border bg-surface px-4 py-3 text-sm text-fg-muted">
          Loading from AWS… the first read of each cluster is under way; this page fills in as each one arrives.
        </div>
      )}
      {data.discoveryError && (
        <ErrorPanel title="The clusters could not be listed" message={data.discoveryError} />
      )}

      <VerdictSummary counts={derived.counts} selected={view.verdict} onSelect={(verdict) => setView({ verdict })} />

      {data.clusters.length > 0 && (
        <ClusterStatusList
          clusters={data.clusters}
          services={data.services}
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
          <EmptyState>{data.loading ? 'Loading from AWS…' : 'No services found in the configured clusters.'}</EmptyState>
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
