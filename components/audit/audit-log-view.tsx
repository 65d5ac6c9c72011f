'use client';

import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { auditFiltersToSearch } from '@/lib/api/audit/filters';
import { auditLogQuery } from '@/lib/api/audit/queries';
import { Card, EmptyState } from '@/components/ui/card';
import { ErrorPanel, buttonClass } from '@/components/ui/error-panel';
import { Skeleton } from '@/components/ui/skeleton';
import { AuditFilterBar } from './audit-filter-bar';
import { AuditTable } from './audit-table';
import { VerifyChain } from './verify-chain';
import { useAuditFilters } from './use-audit-filters';

export function AuditLogView() {
  const [filters, setFilters] = useAuditFilters();
  const query = useInfiniteQuery({ ...auditLogQuery(filters), placeholderData: keepPreviousData });
  const entries = query.data?.pages.flatMap((p) => p.entries) ?? [];
  const filtered = Object.values(filters).some(Boolean);
  const exportHref = (format: 'csv' | 'json') => `/api/audit/export?${auditFiltersToSearch(filters, { format })}`;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Audit log</h1>
        <span className="text-xs text-fg-subtle">newest first · times in UTC · append-only and hash-chained</span>
        <div className="ml-auto flex items-center gap-2">
          <VerifyChain />
          <a href={exportHref('csv')} download data-testid="export-csv" className={buttonClass} title="Download the entries matching these filters">
            Export CSV
          </a>
          <a href={exportHref('json')} download data-testid="export-json" className={buttonClass} title="Download the entries matching these filters">
            Export JSON
          </a>
        </div>
      </div>

      <Card className="overflow-hidden">
        <div className="border-b border-border px-4 py-2.5">
          <AuditFilterBar filters={filters} onChange={setFilters} />
        </div>
        {query.isError && !query.data ? (
          <div className="p-4">
            <ErrorPanel
              title="The audit log could not be loaded"
              message={query.error.message}
              action={
                <button type="button" className={buttonClass} onClick={() => query.refetch()}>
                  Try again
                </button>
              }
            />
          </div>
        ) : !query.data ? (
          <AuditRowsSkeleton />
        ) : entries.length === 0 ? (
          <EmptyState>
            {filtered ? (
              <>
                No entries match these filters.{' '}
                <button
                  type="button"
                  className="text-accent hover:underline"
                  onClick={() => setFilters({ actor: undefined, action: undefined, target: undefined, outcome: undefined, from: undefined, to: undefined })}
                >
                  Clear filters
                </button>
              </>
            ) : (
              'The audit log is empty.'
            )}
          </EmptyState>
        ) : (
          <div className={query.isPlaceholderData ? 'opacity-60 transition-opacity' : undefined} aria-busy={query.isPlaceholderData}>
            <AuditTable entries={entries} />
          </div>
        )}
        {query.data && entries.length > 0 && (
          <footer className="flex items-center gap-3 border-t border-border px-4 py-2 text-xs text-fg-subtle">
            <span data-testid="audit-count" className="tabular-nums">
              {entries.length.toLocaleString('en-US')} {entries.length === 1 ? 'entry' : 'entries'} shown
            </span>
            {query.isFetchNextPageError && <span className="text-down-fg">Loading more failed: {query.error?.message}</span>}
            <span className="ml-auto">
              {query.hasNextPage ? (
                <button
                  type="button"
                  data-testid="audit-load-more"
                  className={buttonClass}
                  disabled={query.isFetchingNextPage}
                  onClick={() => query.fetchNextPage()}
                >
                  {query.isFetchingNextPage ? 'Loading…' : 'Load more'}
                </button>
              ) : (
                <span data-testid="audit-end">End of the log</span>
              )}
            </span>
          </footer>
        )}
      </Card>
    </div>
  );
}

function AuditRowsSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading the audit log">
      {Array.from({ length: 10 }, (_, i) => (
        <div key={i} className="flex items-center gap-6 border-b border-border px-4 py-3 last:border-b-0">
          <Skeleton className="h-3 w-32" />
          <Skeleton className="h-3 w-28" />
          <Skeleton className="h-3 w-24" />
          <Skeleton className="h-3 w-40" />
          <Skeleton className="h-5 w-14" />
          <Skeleton className="h-3 flex-1" />
        </div>
      ))}
    </div>
  );
}
