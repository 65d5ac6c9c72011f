'use client';

import type { PlaceRef } from '@/lib/accounts/places';
import { useQuery } from '@tanstack/react-query';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { serviceMetricsQuery } from '@/lib/api/metrics/queries';
import type { DeploymentMarker, MetricChart, ServiceMetrics } from '@/lib/telemetry/metrics';
import { Card, CardHeader } from '@/components/ui/card';
import { ErrorPanel, buttonClass } from '@/components/ui/error-panel';
import { Skeleton } from '@/components/ui/skeleton';
import { formatAge } from '@/components/ui/time-format';
import { chartConfig, colorOf } from './chart-config';
import { RangePicker } from './range-picker';
import { useMetricsRange } from './use-metrics-range';

type Row = { t: number } & Record<string, number | null>;

/** recharts wants one row per time: the lines' timestamps merged, a gap (null) where a line has no point. */
function rowsOf(chart: MetricChart): Row[] {
  const rows = new Map<number, Row>();
  for (const line of chart.lines) {
    line.timestamps.forEach((ts, i) => {
      const t = Date.parse(ts);
      const row = rows.get(t) ?? ({ t } as Row);
      row[line.key] = line.values[i] ?? null;
      rows.set(t, row);
    });
  }
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

const pad = (n: number) => String(n).padStart(2, '0');
function tickOf(spanMs: number) {
  return (t: number) => {
    const d = new Date(t);
    const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    return spanMs > 36 * 3600_000 ? `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` : hm;
  };
}
const fullTime = (t: number) => `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const formatValue = (v: number, unit: string) => `${Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100}${unit ? (unit.startsWith('/') ? unit : ` ${unit}`) : ''}`;

function ChartCard({ chart, metrics }: { chart: MetricChart; metrics: ServiceMetrics }) {
  const from = Date.parse(metrics.range.from);
  const to = Date.parse(metrics.range.to);
  const rows = rowsOf(chart);
  const tick = tickOf(to - from);
  const empty = rows.length === 0;
  const latest = chart.lines.map((l) => ({ l, v: l.values[l.values.length - 1] })).filter((x) => x.v !== undefined);
  const labels = markerLabels(metrics.deployments, to - from);

  return (
    <Card
      data-testid="metrics-chart"
      data-metric={chart.id}
      data-points={rows.length}
      data-latest={latest.map(({ l, v }) => `${l.key}=${v}`).join(' ')}
      data-over-trigger={chart.references.some((r) => r.kind === 'trigger' && latest.some(({ v }) => v! > r.value))}
      className="min-w-0"
    >
      <header className="flex items-baseline gap-2 px-3 pt-2">
        <h3 className="text-[12px] font-semibold">
          {chart.title}
          {chart.unit && <span className="font-normal text-fg-subtle"> ({chart.unit.replace(/^\//, 'per ')})</span>}
        </h3>
        <ul className="ml-auto flex flex-wrap justify-end gap-x-2 text-[11px] tabular-nums text-fg-muted">
          {latest.map(({ l, v }) => (
            <li key={l.key} className="flex items-center gap-1">
              <span aria-hidden className="inline-block h-0.5 w-2.5" style={{ background: colorOf(l.key) }} />
              {l.label} {formatValue(v!, chart.unit)}
            </li>
          ))}
        </ul>
      </header>
      <div className="h-[150px] px-1 pb-1">
        {empty ? (
          <p className="flex h-full items-center justify-center text-xs text-fg-subtle">
            {chart.lines.length === 0 ? 'This service is not behind a load balancer.' : 'No data in this range.'}
          </p>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: metrics.deployments.length > 0 ? 16 : 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={chartConfig.grid.color} strokeDasharray="2 4" vertical={false} />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={[from, to]}
                tickFormatter={tick}
                stroke={chartConfig.axis.color}
                tick={{ fontSize: 10, fill: chartConfig.axis.color }}
                tickLine={false}
                minTickGap={32}
              />
              <YAxis width={40} stroke={chartConfig.axis.color} tick={{ fontSize: 10, fill: chartConfig.axis.color }} tickLine={false} axisLine={false} allowDecimals={chart.id !== 'targets' && chart.id !== 'requests'} />
              <Tooltip
                labelFormatter={(t) => fullTime(Number(t))}
                formatter={(v, name) => [formatValue(Number(v), chart.unit), chart.lines.find((l) => l.key === name)?.label ?? String(name)]}
                contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 6, fontSize: 11, color: 'var(--fg)' }}
                labelStyle={{ color: 'var(--fg-muted)' }}
              />
              {chart.references.map((r) => (
                <ReferenceLine
                  key={r.label}
                  y={r.value}
                  ifOverflow="extendDomain"
                  stroke={chartConfig[r.kind].color}
                  strokeDasharray="4 3"
                  label={{ value: r.label, position: 'insideTopRight', fontSize: 10, fill: chartConfig[r.kind].color }}
                />
              ))}
              {metrics.deployments.map((d, i) => (
                <ReferenceLine
                  key={d.id}
                  x={Date.parse(d.at)}
                  stroke={isBad(d) ? chartConfig.failedDeployment.color : chartConfig.deployment.color}
                  strokeDasharray={isBad(d) ? undefined : '2 3'}
                  strokeWidth={isBad(d) ? 1.25 : 1}
                  // Numbered above the plot, in the top margin: threshold labels sit inside it, so the two never overlap.
                  // The legend under the metrics header says what each number deployed.
                  label={labels[i] ? { value: labels[i], position: 'top', fontSize: 9, fontWeight: 600, fill: isBad(d) ? chartConfig.failedDeployment.color : chartConfig.axis.color } : undefined}
                />
              ))}
              {chart.lines.map((l, i) => (
                <Line
                  key={l.key}
                  dataKey={l.key}
                  name={l.key}
                  type="monotone"
                  stroke={colorOf(l.key)}
                  strokeWidth={1.5}
                  strokeDasharray={i >= 3 && l.key.includes(':') ? '5 2' : undefined}
                  dot={false}
                  isAnimationActive={false}
                  connectNulls={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </Card>
  );
}

const isBad = (d: DeploymentMarker) => d.outcome === 'failed' || d.outcome === 'rolled-back';
const markerText = (d: DeploymentMarker, i: number) => `${i + 1}${isBad(d) ? '✕' : ''}`;

/**
 * Each line's number for the chart, or '' when it shares a label: deployments closer than 3 % of the
 * range (a rollback right after its failed deploy) would print on top of each other, so the first of
 * them says "1✕,2" for the group.
 */
function markerLabels(deployments: DeploymentMarker[], spanMs: number): string[] {
  const out = deployments.map(() => '');
  let head = -1;
  deployments.forEach((d, i) => {
    if (head >= 0 && Date.parse(d.at) - Date.parse(deployments[head]!.at) < 0.03 * spanMs) {
      out[head] = `${out[head]},${markerText(d, i)}`;
    } else {
      head = i;
      out[i] = markerText(d, i);
    }
  });
  return out;
}

function DeploymentsNote({ deployments }: { deployments: DeploymentMarker[] }) {
  if (deployments.length === 0) return null;
  const bad = deployments.filter(isBad).length;
  return (
    <span className="text-xs text-fg-subtle" data-testid="metrics-deployments-note">
      {deployments.length} deployment{deployments.length === 1 ? '' : 's'} in range
      {bad > 0 && <span className="font-medium text-down-fg">, {bad} failed</span>}
    </span>
  );
}

const OUTCOME_WORDS: Record<DeploymentMarker['outcome'], string> = {
  'in-progress': 'in progress',
  succeeded: 'succeeded',
  failed: 'failed',
  'rolled-back': 'failed, rolled back',
  stopped: 'stopped',
};

/** What each numbered line on the charts deployed, and how it ended. */
function DeploymentLegend({ deployments, withDate }: { deployments: DeploymentMarker[]; withDate: boolean }) {
  if (deployments.length === 0) return null;
  return (
    <ol data-testid="metrics-deployments" aria-label="Deployments in range" className="flex flex-wrap gap-x-4 gap-y-1 border-b border-border px-4 py-2 text-[12px]">
      {deployments.map((d, i) => (
        <li key={d.id} data-testid="deployment-marker" data-outcome={d.outcome} className="flex items-baseline gap-1.5">
          <span className={`font-mono text-[11px] font-semibold ${isBad(d) ? 'text-down-fg' : 'text-fg-subtle'}`}>{markerText(d, i)}</span>
          <span className="font-mono text-fg">{d.label}</span>
          <span className={isBad(d) ? 'font-medium text-down-fg' : 'text-fg-subtle'}>{OUTCOME_WORDS[d.outcome]}</span>
          <time dateTime={d.at} className="tabular-nums text-fg-subtle">
            {withDate ? d.at.slice(5, 16).replace('T', ' ') : d.at.slice(11, 16)} UTC
          </time>
        </li>
      ))}
    </ol>
  );
}

/** The service's charts: one GetMetricData round per range, with the guide's targets and rollback triggers. */
export default function ServiceMetrics({ cluster, service, place }: { cluster: string; service: string; place?: PlaceRef | null }) {
  const [range, setRange] = useMetricsRange();
  const query = useQuery(serviceMetricsQuery(cluster, service, range, place));
  const data = query.data;

  return (
    <Card data-testid="service-metrics">
      <CardHeader
        title="Metrics"
        meta={
          data && (
            <span className="flex flex-wrap items-center gap-x-3">
              <span title={`${data.range.from} – ${data.range.to}`}>
                {data.range.periodSeconds >= 3600 ? `${data.range.periodSeconds / 3600} h` : `${data.range.periodSeconds / 60} min`} points · UTC
              </span>
              <DeploymentsNote deployments={data.deployments} />
              {data.stale && (
                <span role="status" data-testid="metrics-stale" className="text-degraded-fg" suppressHydrationWarning>
                  <strong className="font-semibold">stale</strong> — last updated {formatAge(data.ageSeconds)} ago{data.error ? `: ${data.error}` : ''}
                </span>
              )}
            </span>
          )
        }
        actions={<RangePicker value={range} onChange={setRange} />}
      />
      {query.isError && (
        <div className="p-3">
          <ErrorPanel
            title="Metrics could not be loaded"
            message={query.error.message}
            action={
              <button type="button" className={buttonClass} onClick={() => query.refetch()}>
                Try again
              </button>
            }
          />
        </div>
      )}
      {data && <DeploymentLegend deployments={data.deployments} withDate={Date.parse(data.range.to) - Date.parse(data.range.from) > 24 * 3600_000} />}
      {!data && !query.isError ? (
        <MetricsSkeleton />
      ) : data ? (
        <div className={`grid grid-cols-1 gap-3 p-3 md:grid-cols-2 xl:grid-cols-3 ${query.isPlaceholderData ? 'opacity-60 transition-opacity' : ''}`} aria-busy={query.isPlaceholderData}>
          {data.charts.map((c) => (
            <ChartCard key={c.id} chart={c} metrics={data} />
          ))}
        </div>
      ) : null}
    </Card>
  );
}

export function MetricsSkeleton() {
  return (
    <div aria-busy="true" className="grid grid-cols-1 gap-3 p-3 md:grid-cols-2 xl:grid-cols-3">
      {Array.from({ length: 6 }, (_, i) => (
        <Skeleton key={i} className="h-[180px] w-full" />
      ))}
    </div>
  );
}
