/**
 * One minute of one metric, and the statistics CloudWatch computes over a period of them.
 * Latency keeps the shape of its distribution (a fast and a slow lognormal component) rather than
 * raw requests, so p50…p99 over any period come out of the mixture exactly and cheaply.
 */
export interface MinuteStats {
  /** SampleCount: requests for latency, tasks for ECS utilisation, 1 for counters. */
  count: number;
  sum: number;
  min: number;
  max: number;
  latency?: LatencyShape;
}

export interface LatencyShape {
  median: number;
  sigma: number;
  /** Share of requests in the slow component (timeouts, retries, crashing tasks). */
  slowShare: number;
  slowMedian: number;
  slowSigma: number;
}

export type Statistic = { kind: 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum' } | { kind: 'percentile'; p: number };

export const BASIC_STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;

/** `Average`, `p95`, `p99.9`; null for anything CloudWatch would not accept here (TM99, IQM, …). */
export function parseStatistic(name: string): Statistic | null {
  if ((BASIC_STATISTICS as readonly string[]).includes(name)) return { kind: name as (typeof BASIC_STATISTICS)[number] };
  const match = /^p(\d{1,2}(?:\.\d{1,10})?|100)$/.exec(name);
  if (!match) return null;
  const p = Number(match[1]);
  return p >= 0 && p <= 100 ? { kind: 'percentile', p } : null;
}

export function isExtendedStatistic(name: string): boolean {
  return parseStatistic(name)?.kind === 'percentile';
}

/** The statistic over the minutes of one period; undefined when the period has no data. */
export function statisticOf(minutes: readonly MinuteStats[], stat: Statistic): number | undefined {
  if (minutes.length === 0) return undefined;
  switch (stat.kind) {
    case 'SampleCount':
      return minutes.reduce((n, m) => n + m.count, 0);
    case 'Sum':
      return minutes.reduce((n, m) => n + m.sum, 0);
    case 'Average': {
      const count = minutes.reduce((n, m) => n + m.count, 0);
      return count > 0 ? minutes.reduce((n, m) => n + m.sum, 0) / count : undefined;
    }
    case 'Minimum':
      return Math.min(...minutes.map((m) => m.min));
    case 'Maximum':
      return Math.max(...minutes.map((m) => m.max));
    case 'percentile':
      return percentileOf(minutes, stat.p);
  }
}

export function percentileOf(minutes: readonly MinuteStats[], p: number): number | undefined {
  if (minutes.every((m) => m.latency)) return mixtureQuantile(minutes, p / 100);
  return weightedQuantile(minutes.map((m) => ({ value: m.count > 0 ? m.sum / m.count : m.sum, weight: Math.max(m.count, 1e-9) })), p / 100);
}

/** The q-quantile of values with weights (the first value whose cumulative weight reaches q). */
export function weightedQuantile(points: { value: number; weight: number }[], q: number): number | undefined {
  if (points.length === 0) return undefined;
  const sorted = [...points].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((n, x) => n + x.weight, 0);
  let cumulative = 0;
  for (const point of sorted) {
    cumulative += point.weight;
    if (cumulative >= q * total - 1e-12) return point.value;
  }
  return sorted[sorted.length - 1]!.value;
}

/** Quantile of the request-weighted mixture of every minute's latency distribution, by bisection in log space. */
export function mixtureQuantile(minutes: readonly MinuteStats[], q: number): number | undefined {
  const parts = minutes.filter((m) => m.count > 0 && m.latency);
  if (parts.length === 0) return undefined;
  if (q <= 0) return Math.min(...parts.map((m) => m.min));
  if (q >= 1) return Math.max(...parts.map((m) => m.max));
  const total = parts.reduce((n, m) => n + m.count, 0);
  const cdf = (x: number) => {
    const lx = Math.log(x);
    let acc = 0;
    for (const m of parts) {
      const l = m.latency!;
      const fast = normalCdf((lx - Math.log(l.median)) / l.sigma);
      const slow = l.slowShare > 0 ? normalCdf((lx - Math.log(l.slowMedian)) / l.slowSigma) : 0;
      acc += m.count * ((1 - l.slowShare) * fast + l.slowShare * slow);
    }
    return acc / total;
  };
  let lo = Math.log(Math.min(...parts.map((m) => m.latency!.median * Math.exp(-8 * m.latency!.sigma))));
  let hi = Math.log(Math.max(...parts.map((m) => Math.max(m.latency!.median * Math.exp(8 * m.latency!.sigma), m.latency!.slowMedian * Math.exp(8 * m.latency!.slowSigma)))));
  for (let i = 0; i < 32; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(Math.exp(mid)) < q) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

/** Mean of a latency shape (lognormal mean is median·e^(σ²/2)). */
export function latencyMean(l: LatencyShape): number {
  return (1 - l.slowShare) * l.median * Math.exp((l.sigma * l.sigma) / 2) + l.slowShare * l.slowMedian * Math.exp((l.slowSigma * l.slowSigma) / 2);
}

/** Abramowitz–Stegun 7.1.26; |error| < 1.5e-7, plenty for percentiles shown to three digits. */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Inverse of the standard normal CDF (Acklam's rational approximation). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
