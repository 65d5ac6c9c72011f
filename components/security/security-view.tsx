'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { findingsQuery, FINDINGS_REFRESH_MS } from '@/lib/api/findings/queries';
import { SEVERITY_LABELS, type SeverityCounts, type SeverityLabel } from '@/lib/aws/findings-types';
import type { PlacedFinding } from '@/lib/telemetry/findings';
import { PlaceFilterSelects } from '@/components/places/place-filter-selects';
import { usePlaces } from '@/components/places/home-place';
import { PlaceReadsNote } from '@/components/places/place-reads-note';
import { Card, EmptyState } from '@/components/ui/card';
import { ErrorPanel, buttonClass } from '@/components/ui/error-panel';
import { Skeleton } from '@/components/ui/skeleton';
import { FindingDrawer } from './finding-drawer';
import { FindingsFilterBar, NO_FILTERS } from './findings-filter-bar';
import { FindingsTable } from './findings-table';
import { FreshnessLabel } from './freshness-label';
import { PanelStatusNote } from './panel-status';
import { SeveritySummary } from './severity-summary';
import { useFindingFilters } from './use-finding-filters';

/** Findings matching the filters in all, from the per-band counts (which ignore the severity filter). */
function matchedCount(counts: SeverityCounts, least: SeverityLabel | undefined): number {
  const from = least ? SEVERITY_LABELS.indexOf(least) : 0;
  return SEVERITY_LABELS.slice(from).reduce((n, label) => n + counts[label], 0);
}

const unique = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => Boolean(v)))].sort();

export function SecurityView({ canArchive }: { canArchive: boolean }) {
  const places = usePlaces();
  const [filters, setFilters] = useFindingFilters();
  const query = useQuery({ ...findingsQuery(filters), placeholderData: keepPreviousData });
  const [selected, setSelected] = useState<PlacedFinding | null>(null);
  const multiPlace = places.length > 1;
  const data = query.data;
  const findings = data?.findings ?? null;
  const filtered = Object.values(filters).some((v) => v !== undefined && v !== false);

  const suggestions = useMemo(
    () => ({
      types: unique(findings?.map((f) => f.type) ?? []),
      clusters: unique(findings?.map((f) => f.resource.cluster) ?? []),
      services: unique(findings?.map((f) => f.resource.service) ?? []),
    }),
    [findings],
  );
  // The drawer follows refreshes of its finding, and keeps it once it leaves the list (e.g. archived).
  const open = selected ? (findings?.find((f) => f.id === selected.id && f.place.account === selected.place.account && f.place.region === selected.place.region) ?? selected) : null;
  const matched = data?.counts ? matchedCount(data.counts, filters.severity) : null;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Security</h1>
        <span className="text-xs text-fg-subtle">
          GuardDuty findings{multiPlace ? ' in every watched account and Region' : ''} · {filters.archived ? 'open and archived' : 'open only'} · HIGH and CRITICAL first, then newest · times in UTC
        </span>
        <div className="ml-auto flex items-center gap-3">
          {query.isRefetchError && (
            <span role="status" className="text-xs text-degraded-fg" title={query.error?.message}>
              Refresh failed: {query.error?.message} — showing the last data received
            </span>
          )}
          {data?.fetchedAt && (
            <FreshnessLabel
              fetchedAt={data.fetchedAt}
              ageSeconds={Math.max(data.panels.findings.ageSeconds ?? 0, data.panels.counts.ageSeconds ?? 0)}
              receivedAt={query.dataUpdatedAt}
              fetching={query.isFetching}
              failed={data.stale || data.error !== null || query.isRefetchError}
              refreshMs={FINDINGS_REFRESH_MS}
            />
          )}
        </div>
      </div>

      {multiPlace && (
        <div className="flex flex-wrap items-center gap-2">
          <PlaceFilterSelects places={places} filter={{ account: filters.account, region: filters.region }} onChange={(where) => setFilters({ account: where.account, region: where.region })} />
        </div>
      )}
      <PlaceReadsNote places={data?.places} what="findings" />
      <div className="flex flex-col gap-1.5" data-testid="severity-counts">
        <SeveritySummary counts={data?.counts ?? null} selected={filters.severity} onSelect={(severity) => setFilters({ severity })} />
        {data && <PanelStatusNote status={data.panels.counts} receivedAt={query.dataUpdatedAt} what="The counts" />}
      </div>

      <Card className="overflow-hidden">
        <div className="flex flex-col gap-2 border-b border-border px-4 py-2.5">
          <FindingsFilterBar filters={filters} suggestions={suggestions} onChange={setFilters} />
          {data && findings && <PanelStatusNote status={data.panels.findings} receivedAt={query.dataUpdatedAt} what="The findings" />}
        </div>
        {!data ? (
          query.isError ? (
            <div className="p-4">
              <ErrorPanel title="Findings could not be loaded" message={query.error.message} action={<RetryButton onClick={() => query.refetch()} />} />
            </div>
          ) : (
            <FindingRowsSkeleton />
          )
        ) : findings === null ? (
          <div className="p-4">
            <ErrorPanel
              title="Findings could not be read from GuardDuty"
              message={data.panels.findings.error ?? 'GuardDuty did not answer.'}
              action={<RetryButton onClick={() => query.refetch()} />}
            />
          </div>
        ) : data.detectorId === null ? (
          <EmptyState>GuardDuty has no detector in {multiPlace ? 'the accounts and Regions shown' : 'this Region'}. Enable GuardDuty to see findings here.</EmptyState>
        ) : findings.length === 0 ? (
          <EmptyState>
            {filtered ? (
              <>
                No findings match these filters.{' '}
                <button type="button" className="text-accent hover:underline" onClick={() => setFilters(NO_FILTERS)}>
                  Clear filters
                </button>
              </>
            ) : (
              'No open GuardDuty findings.'
            )}
          </EmptyState>
        ) : (
          <div className={query.isPlaceholderData ? 'opacity-60 transition-opacity' : undefined} aria-busy={query.isPlaceholderData}>
            <FindingsTable findings={findings} selectedId={open?.id} onOpen={setSelected} />
          </div>
        )}
        {findings && findings.length > 0 && (
          <footer className="flex items-center gap-3 border-t border-border px-4 py-2 text-xs text-fg-subtle">
            <span data-testid="findings-count" className="tabular-nums">
              {matched !== null && matched > findings.length
                ? `The ${findings.length.toLocaleString('en-US')} most severe of ${matched.toLocaleString('en-US')} findings shown; narrow the filters to see the rest`
                : `${findings.length.toLocaleString('en-US')} ${findings.length === 1 ? 'finding' : 'findings'}`}
            </span>
          </footer>
        )}
      </Card>

      {open && <FindingDrawer finding={open} canArchive={canArchive} onClose={() => setSelected(null)} />}
    </div>
  );
}

function RetryButton({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" className={buttonClass} onClick={onClick}>
      Try again
    </button>
  );
}

function FindingRowsSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading findings">
      {Array.from({ length: 8 }, (_, i) => (
        <div key={i} className="flex items-center gap-6 border-b border-border px-4 py-3 last:border-b-0">
          <Skeleton className="h-5 w-20" />
          <Skeleton className="h-3 flex-1" />
          <Skeleton className="h-3 w-48" />
          <Skeleton className="h-3 w-32" />
          <Skeleton className="h-3 w-16" />
        </div>
      ))}
    </div>
  );
}

