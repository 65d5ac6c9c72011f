'use client';

import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ROLE_LABELS, type EscalationRole, type Incident } from '@/lib/incidents/types';
import { Card, CardHeader, CardBody } from '@/components/ui/card';
import { ReasonPrompt } from '@/components/ui/reason-prompt';
import { dangerButtonClass } from '@/components/ui/controls';
import { formatUtc, formatUtcClock } from '@/components/ui/time-format';
import { useNow } from '@/components/ui/use-now';
import { cn } from '@/components/ui/cn';
import { simulateQuery } from './queries';
import { formatAfter, formatCountdown } from './format';

/**
 * The incident's escalation ladder from the matrix: tiers reached (when, whom, early or by time),
 * the next one with its countdown, the rest to come. "Escalate now" pulls the next tier in early.
 */
export function EscalationCard({
  incident,
  canEscalate,
  pending,
  error,
  onEscalate,
}: {
  incident: Incident;
  canEscalate: boolean;
  pending: boolean;
  error: string | null;
  onEscalate: (reason: string, done: () => void) => void;
}) {
  const now = useNow();
  const [asking, setAsking] = useState(false);
  const plan = useQuery(simulateQuery(incident.severity, incident.openedAt));
  const reached = new Map(incident.tiers.map((t) => [t.role, t]));
  const planned = plan.data?.steps ?? [];
  const rows: { role: EscalationRole; person: string | null; afterMinutes: number | null }[] = [
    ...incident.tiers.map((t) => ({ role: t.role, person: t.person, afterMinutes: t.afterMinutes })),
    ...planned.filter((s) => !reached.has(s.role)).map((s) => ({ role: s.role, person: s.person, afterMinutes: s.afterMinutes })),
  ];
  const resolved = incident.status === 'resolved';

  return (
    <Card data-testid="escalation">
      <CardHeader title="Escalation" meta={`${incident.severity} matrix`} />
      {incident.next && !resolved && (
        <div className="border-b border-border px-4 py-3" data-testid="next-tier" data-role={incident.next.role}>
          <p className="text-[11px] font-medium uppercase tracking-wide text-fg-subtle">Next</p>
          <p className="mt-0.5 flex flex-wrap items-baseline gap-x-2 text-[15px]">
            <span className="font-semibold">{ROLE_LABELS[incident.next.role]}</span>
            <span className="text-fg-muted">{incident.next.person ?? 'nobody on the roster'}</span>
            <span className="ml-auto font-mono text-xl font-semibold tabular-nums" data-testid="next-countdown" suppressHydrationWarning>
              {Date.parse(incident.next.at) <= now ? 'paging…' : formatCountdown(Date.parse(incident.next.at) - now)}
            </span>
          </p>
          <p className="text-xs text-fg-subtle">at {formatUtc(incident.next.at)}</p>
        </div>
      )}
      {rows.length === 0 ? (
        <CardBody className="text-[12px] text-fg-subtle">{plan.isLoading ? 'Loading the matrix…' : 'The matrix pages nobody for this severity.'}</CardBody>
      ) : (
        <ol className="divide-y divide-border">
          {rows.map((r) => {
            const hit = reached.get(r.role);
            const isNext = incident.next?.role === r.role;
            return (
              <li
                key={r.role}
                data-testid="ladder-tier"
                data-role={r.role}
                data-reached={hit ? 'true' : 'false'}
                className={cn('grid grid-cols-[56px_minmax(0,1fr)_auto] items-baseline gap-2 px-4 py-1.5 text-[12px]', !hit && !isNext && 'text-fg-subtle')}
              >
                <span className="tabular-nums">{r.afterMinutes === null ? '' : formatAfter(r.afterMinutes)}</span>
                <span className="min-w-0">
                  <span className={cn('font-medium', hit ? 'text-fg' : undefined)}>{ROLE_LABELS[r.role]}</span>{' '}
                  <span className="text-fg-muted">{r.person ?? '—'}</span>
                </span>
                <span className="text-right">
                  {hit ? (
                    <span className="text-healthy-fg" title={formatUtc(hit.reachedAt)}>
                      {hit.early ? 'paged early' : 'paged'} {formatUtcClock(hit.reachedAt)}
                    </span>
                  ) : isNext ? (
                    <span className="font-medium text-degraded-fg">next</span>
                  ) : resolved ? (
                    'not needed'
                  ) : (
                    'later'
                  )}
                </span>
              </li>
            );
          })}
        </ol>
      )}
      {canEscalate && incident.next && !resolved && (
        <div className="border-t border-border px-4 py-3">
          {asking ? (
            <ReasonPrompt
              testId="escalate-prompt"
              summary={
                <>
                  Page <strong>{ROLE_LABELS[incident.next.role]}</strong> ({incident.next.person ?? 'nobody on the roster'}) now, before{' '}
                  {formatUtcClock(incident.next.at)} UTC?
                </>
              }
              confirmLabel="Escalate now"
              danger
              pending={pending}
              error={error}
              onConfirm={(reason) => onEscalate(reason, () => setAsking(false))}
              onCancel={() => setAsking(false)}
            />
          ) : (
            <button type="button" data-testid="escalate-now" onClick={() => setAsking(true)} className={dangerButtonClass}>
              Escalate now
            </button>
          )}
        </div>
      )}
    </Card>
  );
}
