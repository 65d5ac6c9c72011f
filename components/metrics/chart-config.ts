/** shadcn's chart config: each series key → its label and a colour from the theme's CSS variables. */
export type ChartConfig = Record<string, { label: string; color: string; dashed?: boolean }>;

export const chartConfig = {
  cpu: { label: 'CPU', color: 'var(--accent)' },
  memory: { label: 'Memory', color: 'var(--deploying-solid)' },
  requests: { label: 'Requests/min', color: 'var(--accent)' },
  p50: { label: 'p50', color: 'var(--healthy-solid)' },
  p95: { label: 'p95', color: 'var(--accent)' },
  p99: { label: 'p99', color: 'var(--degraded-solid)' },
  errors: { label: '5xx', color: 'var(--down-solid)' },
  healthy: { label: 'Healthy', color: 'var(--healthy-solid)' },
  unhealthy: { label: 'Unhealthy', color: 'var(--down-solid)' },
  target: { label: 'Guide target', color: 'var(--degraded-solid)', dashed: true },
  trigger: { label: 'Rollback trigger', color: 'var(--down-solid)', dashed: true },
  deployment: { label: 'Deployment', color: 'var(--fg-subtle)', dashed: true },
  failedDeployment: { label: 'Failed deployment', color: 'var(--down-solid)' },
  grid: { label: 'Grid', color: 'var(--border)' },
  axis: { label: 'Axis', color: 'var(--fg-subtle)' },
} satisfies ChartConfig;

/** `p95:codeflow-blue` → the config of `p95`; blue/green groups alternate solid and dashed lines. */
export function colorOf(key: string): string {
  const base = key.split(':')[0] as keyof typeof chartConfig;
  return (chartConfig[base] ?? chartConfig.cpu).color;
}
