'use client';

import { useCallback, useEffect, useState } from 'react';

export interface SavedQuery {
  name: string;
  query: string;
}

/** Saved in this browser only, one list per user; a server-side list would need a table. */
export function useSavedQueries(userKey: string) {
  const storageKey = `codeflow.logs.saved-queries.${userKey}`;
  const [saved, setSaved] = useState<SavedQuery[]>([]);

  useEffect(() => {
    try {
      const value: unknown = JSON.parse(localStorage.getItem(storageKey) ?? '[]');
      if (Array.isArray(value)) setSaved(value.filter((q): q is SavedQuery => typeof q?.name === 'string' && typeof q?.query === 'string'));
    } catch {
      setSaved([]);
    }
  }, [storageKey]);

  const write = useCallback(
    (next: SavedQuery[]) => {
      setSaved(next);
      try {
        localStorage.setItem(storageKey, JSON.stringify(next));
      } catch {
        // Storage full or disabled: the list still works until the page is left.
      }
    },
    [storageKey],
  );

  return {
    saved,
    save: (q: SavedQuery) => write([...saved.filter((s) => s.name !== q.name), q].sort((a, b) => a.name.localeCompare(b.name))),
    remove: (name: string) => write(saved.filter((s) => s.name !== name)),
  };
}
