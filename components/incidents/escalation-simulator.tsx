'use client';

import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ROLE_LABELS, SEVERITIES, SEVERITY_DEFINITIONS, type Severity } from '@/lib/incidents/types';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { controlClass } from '@/components/ui/controls';
import { formatUtc } from '@/components/ui/time-format';
import { UtcDateTimeInput } from '@/components/ui/utc-datetime-input';
import { cn } from '@/components/ui/cn';
import { simulateQuery } from './queries';
import { formatAfter, fromUtcLocalInput, toUtcLocalInput } from './format';

/** "If a P1 started at 02:10, who is paged when?" — the matrix and today's roster, from the server. */
export function EscalationSimulator() {
  const [severity, setSeverity] = useState<Severity>('P1');
  const [start, setStart] = useState(() => toUtcLocalInput(Math.floor(Date.now() / 60_000) * 60_000).slice(0, 16));
  const openedAt = fromUtcLocalInput(start);
  const query = useQuery({ ...simulateQuery(severity, openedAt ?? ''), enabled: openedAt !== null });
  const steps = query.data?.steps;

  return (
    <Card data-testid="simulator">
      <CardHeader title="Simulator" meta="who is paged when" />
      <div className="flex flex-wrap items-center gap-2 border-b border-border px-4 py-2.5">
        <select
          aria-label="Severity to simulate"
          data-testid="simulate-severity"
          value={severity}
          onChange={(e) => setSeverity(e.target.value as Severity)}
          className={cn(controlClass, 'w-[130px]')}
        >
          {SEVERITIES.map((s) => (
            <option key={s} value={s} title={SEVERITY_DEFINITIONS[s].definition}>
              {s} {SEVERITY_DEFINITIONS[s].name}
            </option>
          ))}
        </select>
        <label className="flex min-w-0 items-center gap-1.5 text-[12px] text-fg-muted">
          started (UTC)
          <UtcDateTimeInput
            aria-label="Start time to simulate (UTC)"
            data-testid="simulate-start"
            value={start}
            onChange={setStart}
            className="min-w-0"
          />
        </label>
        <p className="w-full text-xs text-fg-subtle">{SEVERITY_DEFINITIONS[severity].definition}</p>
      </div>
      {openedAt === null ? (
        <EmptyState>Pick a start time.</EmptyState>
      ) : query.isError ? (
        <p role="alert" className="px-4 py-3 text-[13px] text-down-fg">
          {query.error.message}
        </p>
      ) : !steps ? (
        <EmptyState>Working it out…</EmptyState>
      ) : steps.length === 0 ? (
        <EmptyState>The matrix pages nobody for {severity}.</EmptyState>
      ) : (
        <ol className="divide-y divide-border" data-testid="simulate-steps">
          {steps.map((s) => (
            <li key={s.role} data-testid="simulate-step" data-role={s.role} className="grid grid-cols-[52px_minmax(0,1fr)_auto] items-baseline gap-2 px-4 py-1.5 text-[12px]">
              <span className="tabular-nums text-fg-subtle">{formatAfter(s.afterMinutes)}</span>
              <span className="min-w-0">
                <span className="font-medium">{ROLE_LABELS[s.role]}</span> <span className="text-fg-muted">{s.person ?? 'nobody on the roster'}</span>
              </span>
              <time dateTime={s.at} className="tabular-nums text-fg-subtle">
                {formatUtc(s.at).slice(5, 16)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
