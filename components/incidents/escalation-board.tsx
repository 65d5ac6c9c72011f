'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ROLE_LABELS, SEVERITIES, SEVERITY_DEFINITIONS, type Incident, type Severity } from '@/lib/incidents/types';
import { ErrorPanel, buttonClass } from '@/components/ui/error-panel';
import { Skeleton } from '@/components/ui/skeleton';
import { formatAge } from '@/components/ui/time-format';
import { useNow } from '@/components/ui/use-now';
import { cn } from '@/components/ui/cn';
import { boardQuery } from './queries';
import { IncidentSeverityBadge, IncidentStatusBadge, severityEdge } from './incident-badges';
import { EngagedList, currentTier } from './engaged';
import { ServiceLinks } from './services-picker';
import { EscalationSimulator } from './escalation-simulator';
import { BoardSidePanels } from './board-side-panels';
import { formatCountdown, formatDuration } from './format';

/** Amber when the next tier is this close, so a glance says who is about to be woken. */
const SOON_MS = 5 * 60_000;

/**
 * The escalation board, for a wall screen: every unresolved incident by severity, how long it has
 * been open, who is engaged, who is next and when. Polls every 5 s; countdowns tick each second
 * on the server's clock (the browser's offset from it is measured on every poll).
 */
export function EscalationBoard() {
  const query = useQuery(boardQuery());
  const tick = useNow();
  const data = query.data;
  // The server's "now" when the answer arrived, against ours: wall screens' clocks drift.
  const skew = data ? Date.parse(data.now) - query.dataUpdatedAt : 0;
  const now = tick + skew;
  const unacked = new Set(data?.unacknowledged ?? []);

  return (
    <div className="flex flex-col gap-4" data-testid="board">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <h1 className="text-lg font-semibold tracking-tight">Escalation board</h1>
        {data && <Summary incidents={data.incidents} unacknowledged={unacked.size} />}
        <div className="flex flex-wrap items-center gap-3 text-xs text-fg-subtle sm:ml-auto">
          <span data-testid="board-freshness" className={cn('inline-flex items-center gap-1.5', query.isRefetchError && 'text-degraded-fg')}>
            <span aria-hidden className={cn('size-2 rounded-full', query.isRefetchError ? 'bg-degraded-solid' : 'bg-healthy-solid')} />
            {query.isRefetchError ? `refresh failed (${query.error?.message}) · ` : 'live · '}
            {data ? `updated ${formatAge((tick - query.dataUpdatedAt) / 1000)} ago` : 'loading'}
          </span>
          <Link href="/incidents" className="text-accent hover:underline">
            Incidents
          </Link>
          <Link href="/admin/roster" className="text-accent hover:underline">
            Roster
          </Link>
        </div>
      </div>

      <div className="grid grid-cols-1 items-start gap-4 xl:grid-cols-[minmax(0,1fr)_380px]">
        <div className="flex min-w-0 flex-col gap-5">
          {!data ? (
            query.isError ? (
              <ErrorPanel
                title="The board could not be loaded"
                message={query.error.message}
                action={
                  <button type="button" className={buttonClass} onClick={() => query.refetch()}>
                    Try again
                  </button>
                }
              />
            ) : (
              <div aria-busy="true" className="flex flex-col gap-3">
                <Skeleton className="h-28 w-full" />
                <Skeleton className="h-28 w-full" />
              </div>
            )
          ) : data.incidents.length === 0 ? (
            <div data-testid="board-empty" className="rounded-md border border-healthy-border bg-healthy-bg px-6 py-10 text-center">
              <p className="text-2xl font-semibold text-healthy-fg">No open incidents</p>
              <p className="mt-1 text-[13px] text-fg-muted">Nobody is being paged.</p>
            </div>
          ) : (
            SEVERITIES.map((s) => {
              const list = data.incidents.filter((i) => i.severity === s);
              if (list.length === 0) return null;
              return <SeveritySection key={s} severity={s} incidents={list} unacked={unacked} now={now} />;
            })
          )}
        </div>
        <aside className="flex min-w-0 flex-col gap-4" aria-label="Planning">
          <EscalationSimulator />
          <BoardSidePanels />
        </aside>
      </div>
    </div>
  );
}

function Summary({ incidents, unacknowledged }: { incidents: Incident[]; unacknowledged: number }) {
  return (
    <ul className="flex flex-wrap items-center gap-2" data-testid="board-summary">
      {SEVERITIES.map((s) => {
        const n = incidents.filter((i) => i.severity === s).length;
        return (
          <li key={s} data-severity={s} data-count={n} className={cn('flex items-center gap-1.5', n === 0 && 'opacity-40')}>
            <IncidentSeverityBadge severity={s} />
            <span className="text-[15px] font-semibold tabular-nums">{n}</span>
          </li>
        );
      })}
      {unacknowledged > 0 && (
        <li data-testid="board-unacked-count" className="ml-1 rounded bg-down-solid px-2 py-0.5 text-[12px] font-semibold text-white">
          {unacknowledged} unacknowledged
        </li>
      )}
    </ul>
  );
}

function SeveritySection({ severity, incidents, unacked, now }: { severity: Severity; incidents: Incident[]; unacked: Set<string>; now: number }) {
  return (
    <section aria-labelledby={`board-${severity}`} data-testid="board-severity" data-severity={severity}>
      <h2 id={`board-${severity}`} className="mb-2 flex items-baseline gap-2 text-[13px] font-semibold">
        {severity} · {SEVERITY_DEFINITIONS[severity].name}
        <span className="font-normal text-fg-subtle">{SEVERITY_DEFINITIONS[severity].definition}</span>
      </h2>
      <ul className="flex flex-col gap-2">
        {incidents.map((i) => (
          <BoardCard key={i.id} incident={i} unacknowledged={unacked.has(i.id)} now={now} />
        ))}
      </ul>
    </section>
  );
}

function BoardCard({ incident, unacknowledged, now }: { incident: Incident; unacknowledged: boolean; now: number }) {
  const tier = currentTier(incident);
  const next = incident.next;
  const left = next ? Date.parse(next.at) - now : null;
  return (
    <li
      data-testid="board-incident"
      data-incident-id={incident.id}
      data-tier={tier?.role ?? 'none'}
      data-next={next?.role ?? 'none'}
      data-unacknowledged={unacknowledged ? 'true' : 'false'}
      className={cn(
        'rounded-md border bg-surface px-4 py-3',
        severityEdge[incident.severity],
        unacknowledged ? 'border-down-border ring-1 ring-down-border' : 'border-border',
      )}
    >
      <div className="flex flex-wrap items-center gap-2">
        <IncidentSeverityBadge severity={incident.severity} />
        <Link href={`/incidents/${incident.number}`} className="min-w-0 text-[15px] font-semibold [overflow-wrap:anywhere] hover:text-accent hover:underline">
          <span className="mr-1.5 font-mono font-normal text-fg-subtle">#{incident.number}</span>
          {incident.title}
        </Link>
        <IncidentStatusBadge status={incident.status} />
        {unacknowledged && (
          <span data-testid="unacknowledged-flag" className="inline-flex items-center gap-1.5 rounded bg-down-solid px-1.5 py-0.5 text-[11px] font-bold uppercase tracking-wide text-white">
            <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-white" />
            Unacknowledged
          </span>
        )}
        <ServiceLinks services={incident.services} className="min-w-0 text-[12px] sm:ml-auto" />
      </div>
      <div className="mt-2.5 grid grid-cols-2 gap-x-4 gap-y-2 sm:gap-x-6 md:grid-cols-[auto_auto_minmax(0,1fr)_minmax(0,1.3fr)]">
        <Stat label="Open for">
          <span className="font-mono text-lg font-semibold tabular-nums sm:text-2xl" data-testid="board-open-for" suppressHydrationWarning>
            {formatDuration(now - Date.parse(incident.openedAt))}
          </span>
        </Stat>
        <Stat label="Next tier">
          {next && left !== null ? (
            <span
              data-testid="board-countdown"
              suppressHydrationWarning
              className={cn('font-mono text-lg font-semibold tabular-nums sm:text-2xl', left <= 0 ? 'text-down-fg' : left <= SOON_MS ? 'text-degraded-fg' : 'text-fg')}
            >
              {left <= 0 ? 'paging…' : formatCountdown(left)}
            </span>
          ) : (
            <span className="text-2xl font-semibold text-fg-subtle">—</span>
          )}
        </Stat>
        <Stat label="Tier now → next">
          <div className="text-[13px]" data-testid="board-tiers">
            <span className="font-semibold">{tier ? ROLE_LABELS[tier.role] : 'none yet'}</span>
            {tier && <span className="text-fg-muted"> {tier.person ?? ''}</span>}
            {next && (
              <div className="text-fg-muted">
                → <span className="font-medium text-fg">{ROLE_LABELS[next.role]}</span> {next.person ?? '(nobody on the roster)'}
              </div>
            )}
          </div>
        </Stat>
        <Stat label="Engaged">
          <EngagedList incident={incident} />
        </Stat>
      </div>
    </li>
  );
}

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <p className="text-[10px] font-medium uppercase tracking-wider text-fg-subtle">{label}</p>
      <div className="mt-0.5">{children}</div>
    </div>
  );
}
