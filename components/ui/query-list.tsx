'use client';

import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { EmptyState } from './card';
import { ErrorPanel, buttonClass } from './error-panel';
import { Skeleton } from './skeleton';

/**
 * The three states of a list fetched with TanStack Query — loading skeleton, error with retry,
 * empty — around the list itself, so every panel says them the same way.
 */
export function QueryList<T>({
  query,
  items,
  errorTitle,
  empty,
  skeletonRows = 2,
  children,
}: {
  query: UseQueryResult<unknown, Error>;
  items: T[] | undefined;
  errorTitle: string;
  empty: ReactNode;
  skeletonRows?: number;
  children: (items: T[]) => ReactNode;
}) {
  if (items) return items.length > 0 ? children(items) : <EmptyState>{empty}</EmptyState>;
  if (query.isError) {
    return (
      <div className="p-4">
        <ErrorPanel
          title={errorTitle}
          message={query.error.message}
          action={
            <button type="button" className={buttonClass} onClick={() => query.refetch()}>
              Try again
            </button>
          }
        />
      </div>
    );
  }
  return (
    <div aria-busy="true" className="flex flex-col gap-3 px-4 py-3">
      {Array.from({ length: skeletonRows }, (_, i) => (
        <Skeleton key={i} className="h-4 w-full" />
      ))}
    </div>
  );
}
