'use client';

import { cn } from '@/components/ui/cn';
import type { PlaceStatus, ServiceHealth, Verdict } from '@/lib/fleet/types';
import { VERDICT_LABEL, VERDICT_ORDER } from '@/components/fleet/verdict';
import { countByVerdict } from './overview-view';

const countText: Record<Verdict, string> = {
  down: 'text-down-fg',
  degraded: 'text-degraded-fg',
  deploying: 'text-deploying-fg',
  unknown: 'text-fg-muted',
  healthy: 'text-healthy-fg',
};

/**
 * One line per account, one tile per Region in it: what is wrong where, and which account cannot
 * be read and why (AccessDenied on sts:AssumeRole names the role to fix). Clicking a tile filters
 * the table to that account and Region; clicking the account's name, to the account.
 */
export function PlaceSummary({
  places,
  services,
  selected,
  onSelect,
}: {
  places: PlaceStatus[];
  services: ServiceHealth[];
  selected: { account?: string; region?: string };
  onSelect: (where: { account?: string; region?: string }) => void;
}) {
  const byPlace = new Map<string, ServiceHealth[]>();
  for (const s of services) {
    const key = `${s.account}/${s.region}`;
    (byPlace.get(key) ?? byPlace.set(key, []).get(key)!).push(s);
  }
  const accounts = [...new Map(places.map((p) => [p.account, p])).values()];
  return (
    <ul className="flex flex-col gap-2" aria-label="Accounts and Regions" data-testid="place-summary">
      {accounts.map((a) => {
        const regions = places.filter((p) => p.account === a.account);
        const accountActive = selected.account === a.account && !selected.region;
        return (
          <li key={a.account} data-testid="account-summary" data-account={a.account} className="flex flex-wrap items-stretch gap-2">
            <button
              type="button"
              aria-pressed={accountActive}
              onClick={() => onSelect(accountActive ? {} : { account: a.account })}
              className={cn('flex w-44 flex-col justify-center rounded-md border px-3 py-1.5 text-left', accountActive ? 'border-border-strong bg-surface-2' : 'border-border bg-surface hover:border-border-strong')}
            >
              <span className="flex items-center gap-2">
                <span className="text-sm font-medium text-fg">{a.accountName}</span>
                {a.environment && <span className={cn('rounded px-1 text-[10px] font-medium uppercase tracking-wide', a.environment === 'production' ? 'bg-down-bg text-down-fg' : 'bg-surface-2 text-fg-muted')}>{a.environment}</span>}
              </span>
              <span className="font-mono text-[11px] text-fg-subtle">{a.account}</span>
            </button>
            {regions.map((p) => {
              const own = byPlace.get(`${p.account}/${p.region}`) ?? [];
              const counts = countByVerdict(own);
              const problems = VERDICT_ORDER.filter((v) => v !== 'healthy' && counts[v] > 0);
              const active = selected.account === p.account && selected.region === p.region;
              const failed = p.error !== null && own.length === 0;
              return (
                <button
                  key={p.region}
                  type="button"
                  data-testid="place-status"
                  data-account={p.account}
                  data-region={p.region}
                  data-error={p.error !== null || undefined}
                  aria-pressed={active}
                  onClick={() => onSelect(active ? {} : { account: p.account, region: p.region })}
                  className={cn(
                    'flex min-w-[180px] flex-1 basis-[180px] flex-col rounded-md border px-3 py-1.5 text-left text-xs',
                    failed ? 'border-down-border bg-down-bg' : p.error ? 'border-degraded-border bg-degraded-bg' : active ? 'border-border-strong bg-surface-2' : 'border-border bg-surface hover:border-border-strong',
                  )}
                >
                  <span className="flex items-baseline gap-2">
                    <span className="font-mono text-[12px] font-medium text-fg">{p.region}</span>
                    <span className="tabular-nums text-fg-subtle">
                      {own.length} {own.length === 1 ? 'service' : 'services'}
                    </span>
                    {!p.loading && !failed && (
                      <span className="flex gap-2 tabular-nums">
                        {problems.length === 0
                          ? own.length > 0 && <span className="text-healthy-fg">all healthy</span>
                          : problems.map((v) => (
                              <span key={v} className={countText[v]}>
                                {counts[v]} {VERDICT_LABEL[v].toLowerCase()}
                              </span>
                            ))}
                      </span>
                    )}
                  </span>
                  {p.loading && p.error === null && <span className="text-fg-muted">loading from AWS…</span>}
                  {!p.loading && p.error === null && p.clusters === 0 && <span className="text-fg-subtle">no clusters</span>}
                  {p.error !== null && (
                    <span role="alert" data-testid="place-error" className={failed ? 'text-down-fg' : 'text-degraded-fg'}>
                      <strong className="font-semibold">{failed ? 'unavailable' : 'partly unavailable'}</strong> — {p.error}
                    </span>
                  )}
                </button>
              );
            })}
          </li>
        );
      })}
    </ul>
  );
}
