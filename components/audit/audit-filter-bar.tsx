'use client';

import { useEffect, useState } from 'react';
import { AUDIT_OUTCOME_VALUES, type AuditFilterValues } from '@/lib/api/audit/filters';
import { controlClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';
import { TextFilter } from '@/components/ui/text-filter';
import { UTC_INPUT } from '@/components/ui/time-format';
import { UtcDateTimeInput } from '@/components/ui/utc-datetime-input';

/** Actions Codeflow records today; the field also takes any action, or a prefix ending in '*'. */
const KNOWN_ACTIONS = [
  'auth.*',
  'auth.sign_in',
  'auth.sign_out',
  'auth.denied',
  'token.*',
  'token.create',
  'token.revoke',
  'user.*',
  'user.role_override',
  'user.sessions_revoke',
  'audit.export',
  'ops.*',
  'ops.request',
  'ops.approve',
  'ops.reject',
  'ops.cancel',
  'ops.verify',
  'finding.*',
  'finding.archive',
  'finding.unarchive',
  'incident.*',
  'incident.open',
  'incident.acknowledge',
  'incident.update',
  'incident.escalate',
  'incident.playbook',
  'roster.update',
  'maintenance.complete',
  'logs.saved-query.*',
  'settings.read-only',
];

const RANGES = [
  { value: 'any', label: 'Any time', hours: 0 },
  { value: '1h', label: 'Last hour', hours: 1 },
  { value: '24h', label: 'Last 24 hours', hours: 24 },
  { value: '7d', label: 'Last 7 days', hours: 24 * 7 },
  { value: '30d', label: 'Last 30 days', hours: 24 * 30 },
  { value: 'custom', label: 'Custom range (UTC)', hours: 0 },
] as const;
type RangeValue = (typeof RANGES)[number]['value'];

/** "2025-11-27T00:52", in UTC (the whole console shows UTC). */
const toLocalInput = (iso: string | undefined) => (iso ? new Date(iso).toISOString().slice(0, 16) : '');
const fromLocalInput = (value: string) => new Date(`${value.length === 16 ? `${value}:00` : value}Z`).toISOString();

/** One end of the custom range: typed freely, applied once it is a whole date and time (or cleared). */
function UtcBound({ id, testId, iso, onCommit }: { id: string; testId: string; iso: string | undefined; onCommit: (iso: string | undefined) => void }) {
  const [draft, setDraft] = useState(toLocalInput(iso));
  useEffect(() => setDraft(toLocalInput(iso)), [iso]);
  return (
    <UtcDateTimeInput
      id={id}
      data-testid={testId}
      value={draft}
      onChange={(value) => {
        setDraft(value);
        if (value === '') onCommit(undefined);
        else if (UTC_INPUT.test(value)) onCommit(fromLocalInput(value));
      }}
      className="text-[12px]"
    />
  );
}

export function AuditFilterBar({ filters, onChange }: { filters: AuditFilterValues; onChange: (patch: Partial<AuditFilterValues>) => void }) {
  const filtered = Object.values(filters).some(Boolean);
  const [range, setRange] = useState<RangeValue>(filters.from || filters.to ? 'custom' : 'any');
  useEffect(() => {
    if (!filters.from && !filters.to) setRange('any');
  }, [filters.from, filters.to]);

  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="audit-filters">
      <TextFilter id="audit-actor" testId="filter-actor" label="Actor" placeholder="Actor name or subject" value={filters.actor} onCommit={(actor) => onChange({ actor })} />
      <TextFilter
        id="audit-action"
        testId="filter-action"
        label="Action"
        placeholder="Action, or token.*"
        value={filters.action}
        options={KNOWN_ACTIONS}
        mono
        onCommit={(action) => onChange({ action })}
      />
      <TextFilter id="audit-target" testId="filter-target" label="Target" placeholder="Target contains…" value={filters.target} onCommit={(target) => onChange({ target })} />

      <label className="sr-only" htmlFor="audit-outcome">
        Outcome
      </label>
      <select
        id="audit-outcome"
        data-testid="filter-outcome"
        value={filters.outcome ?? ''}
        onChange={(e) => onChange({ outcome: AUDIT_OUTCOME_VALUES.find((o) => o === e.target.value) })}
        className={controlClass}
      >
        <option value="">All outcomes</option>
        {AUDIT_OUTCOME_VALUES.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>

      <label className="sr-only" htmlFor="audit-range">
        Time range
      </label>
      <select
        id="audit-range"
        data-testid="filter-range"
        value={range}
        onChange={(e) => {
          const next = RANGES.find((r) => r.value === e.target.value) ?? RANGES[0];
          setRange(next.value);
          if (next.value === 'custom') return;
          // Whole minutes, so the URL (and the query key) does not change on every pick.
          const from = next.hours ? new Date(Math.floor((Date.now() - next.hours * 3600_000) / 60_000) * 60_000).toISOString() : undefined;
          onChange({ from, to: undefined });
        }}
        className={controlClass}
      >
        {RANGES.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </select>

      {range === 'custom' && (
        <span className="flex items-center gap-1.5 text-xs text-fg-subtle">
          <label htmlFor="audit-from">from</label>
          <UtcBound id="audit-from" testId="filter-from" iso={filters.from} onCommit={(from) => onChange({ from })} />
          <label htmlFor="audit-to">to</label>
          <UtcBound id="audit-to" testId="filter-to" iso={filters.to} onCommit={(to) => onChange({ to })} />
          <span>UTC</span>
        </span>
      )}

      {filtered && (
        <button
          type="button"
          data-testid="clear-filters"
          onClick={() => {
            setRange('any');
            onChange({ actor: undefined, action: undefined, target: undefined, outcome: undefined, from: undefined, to: undefined });
          }}
          className="h-8 rounded-md px-2 text-[13px] text-fg-muted hover:bg-surface-2 hover:text-fg"
        >
          Clear filters
        </button>
      )}
    </div>
  );
}
