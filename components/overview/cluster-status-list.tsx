'use client';

import type { ClusterStatus, ServiceHealth, Verdict } from '@/lib/fleet/types';
import { cn } from '@/components/ui/cn';
import { formatAge } from '@/components/ui/time-format';
import { useNow } from '@/components/ui/use-now';
import { VERDICT_LABEL, VERDICT_ORDER } from '@/components/fleet/verdict';
import { countByVerdict } from './overview-view';

const countText: Record<Verdict, string> = {
  down: 'text-down-fg',
  degraded: 'text-degraded-fg',
  deploying: 'text-deploying-fg',
  unknown: 'text-unknown-fg',
  healthy: 'text-healthy-fg',
};

/**
 * One tile per configured cluster: its service counts, how fresh its data is and Codeflow's share
 * of the AWS quota it is read within ("updated 12 s ago · AWS budget 25 %": a fleet larger than
 * the budget is read less often, and this says so); when AWS failed, why. Clicking a tile filters
 * the table to that cluster.
 */
export function ClusterStatusList({
  clusters,
  services,
  placeNames,
  selected,
  onSelect,
}: {
  clusters: ClusterStatus[];
  services: ServiceHealth[];
  /** Several accounts or Regions: each tile says which ("staging · us-east-1"), by `account/region`. */
  placeNames?: ReadonlyMap<string, string>;
  selected: { account?: string; region?: string; cluster: string } | undefined;
  onSelect: (cluster: ClusterStatus | undefined) => void;
}) {
  const now = useNow();
  const keyOf = (c: { account: string; region: string; cluster: string }) => `${c.account}/${c.region}/${c.cluster}`;
  const perCluster = new Map<string, ServiceHealth[]>();
  for (const s of services) {
    const key = keyOf(s);
    (perCluster.get(key) ?? perCluster.set(key, []).get(key)!).push(s);
  }

  return (
    <ul className="flex flex-wrap gap-2">
      {clusters.map((c) => {
        const own = perCluster.get(keyOf(c)) ?? [];
        const counts = countByVerdict(own);
        const problems = VERDICT_ORDER.filter((v) => v !== 'healthy' && counts[v] > 0);
        const unavailable = c.error !== null && c.fetchedAt === null;
        const stale = c.stale && !unavailable;
        const age = c.fetchedAt !== null ? formatAge(Math.max(0, (now - Date.parse(c.fetchedAt)) / 1000)) : null;
        const active = selected !== undefined && selected.cluster === c.cluster && (!selected.account || selected.account === c.account) && (!selected.region || selected.region === c.region);

        return (
          <li key={keyOf(c)} className={cn('min-w-[220px] flex-1', stale || unavailable ? 'basis-[440px]' : 'basis-[220px]')}>
            <button
              type="button"
              data-testid="cluster-status"
              data-cluster={c.cluster}
              data-account={c.account}
              data-region={c.region}
              data-stale={stale || undefined}
              aria-pressed={active}
              onClick={() => onSelect(active ? undefined : c)}
              className={cn(
                'flex h-full w-full flex-wrap content-start items-center gap-x-3 gap-y-1 rounded-md border px-3 py-2 text-left transition-colors',
                unavailable
                  ? 'border-down-border bg-down-bg'
                  : stale
                    ? 'border-degraded-border bg-degraded-bg'
                    : active
                      ? 'border-border-strong bg-surface-2'
                      : 'border-border bg-surface hover:border-border-strong',
              )}
            >
              <span className="font-mono text-[12px] font-medium text-fg">{c.cluster}</span>
              {placeNames && <span className="text-xs text-fg-muted">{placeNames.get(`${c.account}/${c.region}`) ?? `${c.account} · ${c.region}`}</span>}
              <span className="text-xs tabular-nums text-fg-subtle">
                {own.length} {own.length === 1 ? 'service' : 'services'}
              </span>
              {!unavailable && !c.loading && (
                <span className="flex gap-2 text-xs tabular-nums">
                  {problems.length === 0 ? (
                    own.length > 0 && <span className="text-healthy-fg">all healthy</span>
                  ) : (
                    problems.map((v) => (
                      <span key={v} className={countText[v]}>
                        {counts[v]} {VERDICT_LABEL[v].toLowerCase()}
                      </span>
                    ))
                  )}
                </span>
              )}
              {c.loading && (
                <span data-testid="cluster-loading" className="basis-full text-xs text-fg-muted">
                  loading from AWS…
                </span>
              )}
              {!stale && !unavailable && age !== null && (
                <span data-testid="cluster-freshness" className="basis-full text-xs tabular-nums text-fg-subtle" suppressHydrationWarning>
                  updated {age} ago{c.budgetPct != null ? ` · AWS budget ${c.budgetPct} %` : ''}
                </span>
              )}
              {stale && (
                <span data-testid="cluster-stale" className="basis-full text-xs text-degraded-fg" suppressHydrationWarning>
                  <strong className="font-semibold">stale</strong> — last updated {age ?? '?'} ago
                  {c.error ? `: ${c.error}` : ''}
                </span>
              )}
              {unavailable && (
                <span data-testid="cluster-unavailable" className="basis-full text-xs text-down-fg">
                  <strong className="font-semibold">unavailable</strong> — no data yet: {c.error}
                </span>
              )}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
