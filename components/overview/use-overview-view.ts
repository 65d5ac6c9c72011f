'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { parseView, viewToSearch, type OverviewView } from './overview-view';

/**
 * View state read from and written to the query string. Writes use history.replaceState, which
 * Next's router observes (useSearchParams updates) without a server round trip per keystroke.
 */
export function useOverviewView(): [OverviewView, (patch: Partial<OverviewView>) => void] {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const view = useMemo(() => parseView(searchParams), [searchParams]);

  const update = useCallback(
    (patch: Partial<OverviewView>) => {
      const next = { ...parseView(new URLSearchParams(window.location.search)), ...patch };
      window.history.replaceState(null, '', `${pathname}${viewToSearch(next)}`);
    },
    [pathname],
  );

  return [view, update];
}
