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
  selected,
  onSelect,
}: {
  clusters: ClusterStatus[];
  services: ServiceHealth[];
  selected: string | undefined;
  onSelect: (cluster: string | undefined) => void;
}) {
  const now = useNow();
  const perCluster = new Map<string, ServiceHealth[]>();
  for (const s of services) (perCluster.get(s.cluster) ?? perCluster.set(s.cluster, []).get(s.cluster)!).push(s);

  return (
    <ul className="flex flex-wrap gap-2">
      {clusters.map((c) => {
        const own = perCluster.get(c.cluster) ?? [];
        const counts = countByVerdict(own);
        const problems = VERDICT_ORDER.filter((v) => v !== 'healthy' && counts[v] > 0);
        const unavailable = c.error !== null && c.fetchedAt === null;
        const stale = c.stale && !unavailable;
        const age = c.fetchedAt !== null ? formatAge(Math.max(0, (now - Date.parse(c.fetchedAt)) / 1000)) : null;
        const active = selected === c.cluster;

        return (
          <li key={c.cluster} className={cn('min-w-[220px] flex-1', stale || unavailable ? 'basis-[440px]' : 'basis-[220px]')}>
            <button
              type="button"
              data-testid="cluster-status"
              data-cluster={c.cluster}
              data-stale={stale || undefined}
              aria-pressed={active}
              onClick={() => onSelect(active ? undefined : c.cluster)}
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
