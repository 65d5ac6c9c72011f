'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { InsightsResults } from '@/lib/telemetry/logs';
import { sendJson } from '@/lib/api/fetch-json';
import type { PlaceRef } from '@/lib/accounts/places';
import { EmptyState } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/error-panel';
import { controlClass, primaryButtonClass, smallButtonClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';
import { Table, THead, Td, Th, Tr } from '@/components/ui/table';
import { downloadText, toCsv } from './csv';
import { LogsError } from './tail-panel';
import { RangePicker } from './range-picker';
import { resolveRange, type RangeChoice } from './time-range';
import { useSavedQueries } from './use-saved-queries';

/** The guide's §6.1 query. */
export const DEFAULT_INSIGHTS_QUERY = 'fields @timestamp, @message | sort @timestamp desc | limit 100';

/** `place` names the account and Region of `group` (null: home). */
export function InsightsPanel({ group, place = null }: { group: string; place?: PlaceRef | null }) {
  const [query, setQuery] = useState(DEFAULT_INSIGHTS_QUERY);
  const [range, setRange] = useState<RangeChoice | null>({ kind: 'preset', id: '1h' });
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const { saved, save, remove, saving, error: savedError } = useSavedQueries();
  const run = useMutation({
    mutationFn: (input: { groups: string[]; query: string; start: number; end: number }) => sendJson<InsightsResults>('/api/logs/insights', 'POST', place ? { ...input, account: place.accountId, region: place.region } : input),
  });
  const results = run.data;

  const submit = () => {
    if (!group || !query.trim() || run.isPending) return;
    const { start, end } = resolveRange(range ?? { kind: 'preset', id: '1h' }, Date.now());
    run.mutate({ groups: [group], query, start, end });
  };

  return (
    <div className="grid grid-cols-1 lg:grid-cols-[minmax(0,1fr)_240px]">
      <div className="flex min-w-0 flex-col">
        <div className="flex flex-col gap-2 border-b border-border px-4 py-3">
          <textarea
            data-testid="insights-editor"
            aria-label="Logs Insights query"
            spellCheck={false}
            rows={4}
            className={cn(controlClass, 'h-auto resize-y py-1.5 font-mono text-[12px] leading-[18px]')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                submit();
              }
            }}
          />
          <div className="flex flex-wrap items-center gap-2">
            <button type="button" data-testid="insights-run" className={primaryButtonClass} disabled={!group || run.isPending} onClick={submit}>
              {run.isPending ? 'Running…' : 'Run'}
            </button>
            <span className="text-xs text-fg-subtle">Ctrl/⌘ + Enter</span>
            <RangePicker value={range} onChange={setRange} />
            <button
              type="button"
              className={cn(buttonClass, 'ml-auto')}
              disabled={!results || results.rows.length === 0}
              onClick={() => results && downloadText(`insights-${new Date().toISOString().slice(0, 19).replaceAll(':', '')}.csv`, toCsv(results.fields, results.rows))}
            >
              Export CSV
            </button>
          </div>
        </div>
        {run.isError && <LogsError message={run.error.message} />}
        {results && (
          <p data-testid="insights-status" className="border-b border-border px-4 py-1.5 text-xs text-fg-muted">
            {results.status} · {results.rows.length} rows · {results.statistics.recordsMatched.toLocaleString('en-US')} matched of {results.statistics.recordsScanned.toLocaleString('en-US')} scanned ·{' '}
            {formatBytes(results.statistics.bytesScanned)} scanned
          </p>
        )}
        {results ? (
          results.rows.length === 0 ? (
            <EmptyState>The query matched no records in this range.</EmptyState>
          ) : (
            <div className="max-h-[calc(100vh-380px)] min-h-[240px] overflow-auto">
              <Table>
                <THead>
                  <tr>
                    {results.fields.map((f) => (
                      <Th key={f} className={cn('whitespace-nowrap font-mono normal-case', f === '@timestamp' && 'w-[200px]')}>
                        {f}
                      </Th>
                    ))}
                  </tr>
                </THead>
                <tbody>
                  {results.rows.map((row, i) => (
                    <Tr key={i} data-testid="insights-row">
                      {results.fields.map((f) => (
                        <Td key={f} className={cn('align-top font-mono text-[12px]', f === '@timestamp' ? 'whitespace-nowrap text-fg-muted' : 'whitespace-pre-wrap break-all')}>
                          {row[f] ?? ''}
                        </Td>
                      ))}
                    </Tr>
                  ))}
                </tbody>
              </Table>
            </div>
          )
        ) : (
          !run.isError && <EmptyState>{run.isPending ? 'Running the query…' : `Run the query against ${group || 'a log group'}.`}</EmptyState>
        )}
      </div>

      <aside className="flex flex-col gap-2 border-t border-border px-4 py-3 lg:border-l lg:border-t-0">
        <h3 className="text-[13px] font-semibold">Saved queries</h3>
        <p className="text-xs text-fg-subtle">Kept with your account; shared ones are listed for everyone who runs queries.</p>
        <form
          className="flex flex-col gap-1.5"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim() && query.trim()) save({ name: name.trim(), query, shared }, { onSuccess: () => setName('') });
          }}
        >
          <div className="flex gap-1.5">
            <input aria-label="Name for this query" data-testid="saved-query-name" placeholder="Name" className={cn(controlClass, 'min-w-0 flex-1')} value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />
            <button type="submit" data-testid="saved-query-save" className={buttonClass} disabled={!name.trim() || saving}>
              Save
            </button>
          </div>
          <label className="flex items-center gap-1.5 text-xs text-fg-muted">
            <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
            Share with the team
          </label>
        </form>
        {savedError && (
          <p role="alert" className="text-xs text-down-fg">
            {savedError}
          </p>
        )}
        {saved.length === 0 ? (
          <p className="text-xs text-fg-subtle">None yet.</p>
        ) : (
          <ul className="flex flex-col gap-1" data-testid="saved-queries">
            {saved.map((q) => (
              <li key={q.id} data-testid="saved-query" data-name={q.name} data-mine={q.mine} className="flex items-center gap-1.5">
                <button type="button" title={q.query} className="min-w-0 flex-1 truncate text-left text-[13px] text-accent hover:underline" onClick={() => setQuery(q.query)}>
                  {q.name}
                  {!q.mine && <span className="ml-1 text-[11px] text-fg-subtle">· {q.owner ?? 'shared'}</span>}
                  {q.mine && q.shared && <span className="ml-1 text-[11px] text-fg-subtle">· shared</span>}
                </button>
                {q.mine && (
                  <button type="button" className={smallButtonClass} aria-label={`Delete ${q.name}`} onClick={() => remove(q.id)}>
                    Delete
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </aside>
    </div>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
