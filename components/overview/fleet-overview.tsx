'use client';

import { useMemo } from 'react';
import { Card, EmptyState } from '@/components/ui/card';
import { ErrorPanel } from '@/components/ui/error-panel';
import { UpdatedAgo } from '@/components/fleet/updated-ago';
import { ClusterStatusList } from './cluster-status-list';
import { PlaceSummary } from './place-summary';
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
    const withoutVerdict = filterServices(data.services, { account: view.account, region: view.region, cluster: view.cluster, q: view.q });
    const shown = sortServices(
      view.verdict ? withoutVerdict.filter((s) => s.verdict === view.verdict) : withoutVerdict,
      view.sort,
    );
    const places = data.places ?? [];
    // Several accounts or Regions: rows and tiles say where, and links name the place.
    const multiPlace = places.length > 1;
    const home = places[0] ? { accountId: places[0].account, region: places[0].region } : null;
    const inPlace = (c: { account: string; region: string }) => (!view.account || c.account === view.account) && (!view.region || c.region === view.region);
    const clustersShown = data.clusters.filter(inPlace);
    const clusterNames = [...new Set([...clustersShown.map((c) => c.cluster), ...data.services.filter(inPlace).map((s) => s.cluster)])].sort();
    const staleClusters = new Set(data.clusters.filter((c) => c.stale).map((c) => `${c.account}/${c.region}/${c.cluster}`));
    // Report the oldest data on screen: each cluster is read on its own schedule.
    const read = data.clusters.map((c) => (c.fetchedAt ? Date.parse(c.fetchedAt) : null)).filter((t): t is number => t !== null);
    const oldestAt = read.length ? Math.min(...read) : null;
    const troubled = data.clusters.some((c) => c.stale || c.error !== null);
    const placeNames = new Map(places.map((p) => [`${p.account}/${p.region}`, `${p.accountName} · ${p.region}`]));
    return { counts: countByVerdict(withoutVerdict), shown, clusterNames, staleClusters, oldestAt, troubled, places, multiPlace, home, clustersShown, placeNames };
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
      {derived.multiPlace && (
        <PlaceSummary places={derived.places} services={data.services} selected={{ account: view.account, region: view.region }} onSelect={(where) => setView({ account: where.account, region: where.region, cluster: undefined })} />
      )}
      {data.discoveryError && !derived.multiPlace && (
        <ErrorPanel title="The clusters could not be listed" message={data.discoveryError} />
      )}

      <VerdictSummary counts={derived.counts} selected={view.verdict} onSelect={(verdict) => setView({ verdict })} />

      {derived.clustersShown.length > 0 && (
        <ClusterStatusList
          clusters={derived.clustersShown}
          services={data.services}
          placeNames={derived.multiPlace ? derived.placeNames : undefined}
          selected={view.cluster ? { account: view.account, region: view.region, cluster: view.cluster } : undefined}
          onSelect={(c) => setView(c ? { account: c.account, region: c.region, cluster: c.cluster } : { cluster: undefined })}
        />
      )}

      <Card className="overflow-hidden">
        <div className="border-b border-border px-4 py-2.5">
          <FilterBar
            view={view}
            clusters={derived.clusterNames}
            places={derived.multiPlace ? derived.places : []}
            onChange={setView}
            shown={derived.shown.length}
            total={data.services.length}
          />
        </div>
        {derived.shown.length > 0 ? (
          <ServiceTable services={derived.shown} staleClusters={derived.staleClusters} places={derived.multiPlace ? derived.places : null} home={derived.home} sort={view.sort} onSort={(sort) => setView({ sort })} />
        ) : data.services.length === 0 ? (
          <EmptyState>{data.loading ? 'Loading from AWS…' : 'No services found in the configured clusters.'}</EmptyState>
        ) : (
          <EmptyState>
            No services match these filters.{' '}
            <button type="button" className="text-accent hover:underline" onClick={() => setView({ account: undefined, region: undefined, cluster: undefined, verdict: undefined, q: undefined })}>
              Clear filters
            </button>
          </EmptyState>
        )}
      </Card>
    </div>
  );
}
