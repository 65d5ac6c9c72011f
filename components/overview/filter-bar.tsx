'use client';

import { useEffect, useState } from 'react';
import type { PlaceStatus, Verdict } from '@/lib/fleet/types';
import { VERDICT_LABEL, VERDICT_ORDER, isVerdict } from '@/components/fleet/verdict';
import { PlaceFilterSelects } from '@/components/places/place-filter-selects';
import type { OverviewView } from './overview-view';

const control =
  'h-8 rounded-md border border-border bg-surface px-2 text-[13px] text-fg hover:border-border-strong focus-visible:border-focus';

export function FilterBar({
  view,
  clusters,
  places = [],
  onChange,
  shown,
  total,
}: {
  view: OverviewView;
  clusters: string[];
  /** Account and Region filters show when there are several places. */
  places?: PlaceStatus[];
  onChange: (patch: Partial<OverviewView>) => void;
  shown: number;
  total: number;
}) {
  // Local state keeps typing smooth; the URL follows.
  const [q, setQ] = useState(view.q ?? '');
  useEffect(() => setQ(view.q ?? ''), [view.q]);
  const filtered = Boolean(view.account || view.region || view.cluster || view.verdict || view.q);

  return (
    <div className="flex flex-wrap items-center gap-2">
      <label className="sr-only" htmlFor="filter-q">
        Search services
      </label>
      <div className="relative">
        <svg aria-hidden viewBox="0 0 16 16" className="pointer-events-none absolute left-2.5 top-2.5 size-3 text-fg-subtle" fill="none" stroke="currentColor" strokeWidth="1.75">
          <circle cx="7" cy="7" r="4.5" />
          <path d="M10.5 10.5 14 14" />
        </svg>
        <input
          id="filter-q"
          type="search"
          data-testid="filter-q"
          value={q}
          placeholder="Search name, image, reason…"
          onChange={(e) => {
            setQ(e.target.value);
            onChange({ q: e.target.value || undefined });
          }}
          className={`${control} w-72 pl-7 placeholder:text-fg-subtle`}
        />
      </div>

      <PlaceFilterSelects places={places} filter={{ account: view.account, region: view.region }} onChange={(where) => onChange({ ...where, cluster: undefined })} />

      <label className="sr-only" htmlFor="filter-cluster">
        Cluster
      </label>
      <select
        id="filter-cluster"
        data-testid="filter-cluster"
        value={view.cluster ?? ''}
        onChange={(e) => onChange({ cluster: e.target.value || undefined })}
        className={control}
      >
        <option value="">All clusters</option>
        {clusters.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
        {view.cluster && !clusters.includes(view.cluster) && <option value={view.cluster}>{view.cluster} (not configured)</option>}
      </select>

      <label className="sr-only" htmlFor="filter-verdict">
        Verdict
      </label>
      <select
        id="filter-verdict"
        data-testid="filter-verdict"
        value={view.verdict ?? ''}
        onChange={(e) => onChange({ verdict: isVerdict(e.target.value) ? (e.target.value as Verdict) : undefined })}
        className={control}
      >
        <option value="">All verdicts</option>
        {VERDICT_ORDER.map((v) => (
          <option key={v} value={v}>
            {VERDICT_LABEL[v]}
          </option>
        ))}
      </select>

      {filtered && (
        <button
          type="button"
          onClick={() => {
            setQ('');
            onChange({ account: undefined, region: undefined, cluster: undefined, verdict: undefined, q: undefined });
          }}
          className="h-8 rounded-md px-2 text-[13px] text-fg-muted hover:bg-surface-2 hover:text-fg"
        >
          Clear filters
        </button>
      )}

      <span className="ml-auto text-xs text-fg-subtle tabular-nums" data-testid="shown-count">
        {filtered ? `${shown} of ${total} services` : `${total} services`}
      </span>
    </div>
  );
}
