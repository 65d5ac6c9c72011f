'use client';

import { ECS_NAME } from '@/lib/api/ecs-name';
import { MAX_FINDING_AGE_DAYS } from '@/lib/api/findings/filters';
import { SEVERITY_LABELS, type SeverityLabel } from '@/lib/aws/findings-types';
import type { FindingFilters } from '@/lib/telemetry/findings';
import { controlClass } from '@/components/ui/controls';
import { TextFilter } from '@/components/ui/text-filter';

const AGES = [1, 7, 30, MAX_FINDING_AGE_DAYS] as const;
const FINDING_TYPE = /^[\x21-\x7e]{1,200}$/;

/** Every filter unset: the patch for "Clear filters". */
export const NO_FILTERS: Partial<FindingFilters> = { account: undefined, region: undefined, severity: undefined, type: undefined, cluster: undefined, service: undefined, maxAgeDays: undefined, archived: undefined };

export function FindingsFilterBar({
  filters,
  suggestions,
  onChange,
}: {
  filters: FindingFilters;
  /** Values seen in the findings on screen, offered as completions. */
  suggestions: { types: string[]; clusters: string[]; services: string[] };
  onChange: (patch: Partial<FindingFilters>) => void;
}) {
  const filtered = Object.values(filters).some((v) => v !== undefined && v !== false);
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="findings-filters">
      <label className="sr-only" htmlFor="findings-severity">
        Least severity
      </label>
      <select
        id="findings-severity"
        data-testid="filter-severity"
        value={filters.severity ?? ''}
        onChange={(e) => onChange({ severity: SEVERITY_LABELS.find((s) => s === e.target.value) })}
        className={controlClass}
      >
        <option value="">All severities</option>
        {[...SEVERITY_LABELS].reverse().map((s: SeverityLabel) => (
          <option key={s} value={s}>
            {s === 'CRITICAL' ? 'CRITICAL only' : `${s} and above`}
          </option>
        ))}
      </select>

      <TextFilter
        id="findings-type"
        testId="filter-type"
        label="Finding type"
        placeholder="Type, e.g. Execution:Runtime/ReverseShell"
        value={filters.type}
        valid={(v) => FINDING_TYPE.test(v)}
        invalidHint="A finding type has no spaces"
        options={suggestions.types}
        mono
        className="w-72"
        onCommit={(type) => onChange({ type })}
      />
      <TextFilter
        id="findings-cluster"
        testId="filter-cluster"
        label="Cluster"
        placeholder="Cluster"
        value={filters.cluster}
        valid={(v) => ECS_NAME.test(v)}
        invalidHint="Cluster names use letters, numbers, - and _"
        options={suggestions.clusters}
        mono
        className="w-40"
        onCommit={(cluster) => onChange({ cluster })}
      />
      <TextFilter
        id="findings-service"
        testId="filter-service"
        label="Service"
        placeholder="Service"
        value={filters.service}
        valid={(v) => ECS_NAME.test(v)}
        invalidHint="Service names use letters, numbers, - and _"
        options={suggestions.services}
        mono
        className="w-40"
        onCommit={(service) => onChange({ service })}
      />

      <label className="sr-only" htmlFor="findings-age">
        Last seen
      </label>
      <select
        id="findings-age"
        data-testid="filter-age"
        value={filters.maxAgeDays ?? ''}
        onChange={(e) => onChange({ maxAgeDays: e.target.value ? Number(e.target.value) : undefined })}
        className={controlClass}
      >
        <option value="">Any time</option>
        {AGES.map((d) => (
          <option key={d} value={d}>
            {d === 1 ? 'Last 24 hours' : `Last ${d} days`}
          </option>
        ))}
        {filters.maxAgeDays && !(AGES as readonly number[]).includes(filters.maxAgeDays) && (
          <option value={filters.maxAgeDays}>Last {filters.maxAgeDays} days</option>
        )}
      </select>

      <label className="flex h-8 cursor-pointer items-center gap-1.5 px-1 text-[13px] text-fg-muted hover:text-fg">
        <input
          type="checkbox"
          data-testid="filter-archived"
          checked={filters.archived ?? false}
          onChange={(e) => onChange({ archived: e.target.checked || undefined })}
          className="size-3.5 accent-[var(--accent)]"
        />
        Include archived
      </label>

      {filtered && (
        <button
          type="button"
          data-testid="clear-filters"
          onClick={() => onChange(NO_FILTERS)}
          className="h-8 rounded-md px-2 text-[13px] text-fg-muted hover:bg-surface-2 hover:text-fg"
        >
          Clear filters
        </button>
      )}
    </div>
  );
}
