/**
 * The metric series CloudWatch knows and their per-minute data: synthesised on demand for time
 * before the sandbox started, read from bounded per-series buffers after. Nothing is computed
 * for series nobody asks about, so a week of a 200-service fleet costs only what a query reads.
 */
import type { MinuteStats, Statistic } from './metrics-stats';
import { statisticOf } from './metrics-stats';

export const MINUTE_MS = 60_000;
/** Live minutes kept per series (a week); older live data ages out, as 1-minute data does in CloudWatch. */
export const LIVE_CAPACITY_MINUTES = 7 * 1440;
/** How far back the synthetic history reaches (CloudWatch keeps 1-minute data for 15 days). */
export const HISTORY_DAYS = 15;

export interface Dimension {
  name: string;
  value: string;
}

export interface Series {
  key: string;
  namespace: string;
  metricName: string;
  /** Sorted by name, as the key is. */
  dimensions: Dimension[];
  /** Minutes before this (epoch ms) come from `synthesize`; from it on, from the buffer. */
  liveFrom: number;
  synthesize?: (minuteMs: number) => MinuteStats | undefined;
  buffer: MinuteBuffer;
  /** Statistics of periods whose minutes can no longer change, by `period:stat`, then bucket start. */
  settled: Map<string, Map<number, number | undefined>>;
}

const SETTLED_PER_SERIES = 4096;

export function seriesKey(namespace: string, metricName: string, dimensions: readonly Dimension[]): string {
  const dims = [...dimensions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [namespace, metricName, ...dims.map((d) => `${d.name}=${d.value}`)].join('\u0000');
}

/**
 * A ring of per-minute stats in a Float32Array that grows as minutes arrive, up to `capacity`.
 * Latency series keep their distribution's shape as well (stride 9 instead of 4).
 */
export class MinuteBuffer {
  private data: Float32Array;
  private latest = -1;
  private oldest = -1;
  private readonly stride: number;

  constructor(
    readonly withLatency: boolean,
    readonly capacity = LIVE_CAPACITY_MINUTES,
  ) {
    this.stride = withLatency ? 9 : 4;
    this.data = new Float32Array(Math.min(capacity, 64) * this.stride);
  }

  /** Minutes are put in increasing order; skipped minutes read as missing. */
  put(minute: number, stats: MinuteStats | undefined): void {
    if (this.latest >= 0 && minute <= this.latest) return;
    this.ensureRoom(minute);
    for (let m = Math.max(this.latest + 1, minute - this.capacity + 1); this.latest >= 0 && m < minute; m++) this.data[this.slot(m)] = NaN;
    if (this.oldest < 0) this.oldest = minute;
    this.latest = minute;
    this.oldest = Math.max(this.oldest, minute - this.capacity + 1);
    const at = this.slot(minute);
    if (!stats) {
      this.data[at] = NaN;
      return;
    }
    this.data.set([stats.count, stats.sum, stats.min, stats.max], at);
    if (this.withLatency && stats.latency) {
      const l = stats.latency;
      this.data.set([l.median, l.sigma, l.slowShare, l.slowMedian, l.slowSigma], at + 4);
    }
  }

  get(minute: number): MinuteStats | undefined {
    if (this.oldest < 0 || minute < this.oldest || minute > this.latest) return undefined;
    const at = this.slot(minute);
    const count = this.data[at]!;
    if (Number.isNaN(count)) return undefined;
    const stats: MinuteStats = { count, sum: this.data[at + 1]!, min: this.data[at + 2]!, max: this.data[at + 3]! };
    if (this.withLatency) {
      stats.latency = { median: this.data[at + 4]!, sigma: this.data[at + 5]!, slowShare: this.data[at + 6]!, slowMedian: this.data[at + 7]!, slowSigma: this.data[at + 8]! };
    }
    return stats;
  }

  get latestMinute(): number {
    return this.latest;
  }

  private slot(minute: number): number {
    return (minute % (this.data.length / this.stride)) * this.stride;
  }

  /** Grows the ring (re-laying out live minutes) until `minute` fits beside what must be kept. */
  private ensureRoom(minute: number): void {
    const slots = this.data.length / this.stride;
    const needed = this.oldest < 0 ? 1 : Math.min(this.capacity, minute - this.oldest + 1);
    if (needed <= slots) return;
    let size = slots;
    while (size < needed) size = Math.min(this.capacity, size * 2);
    const old = this.data;
    const oldSlots = slots;
    this.data = new Float32Array(size * this.stride);
    for (let m = this.oldest; m <= this.latest; m++) {
      const from = (m % oldSlots) * this.stride;
      this.data.set(old.subarray(from, from + this.stride), this.slot(m));
    }
  }
}

export class MetricStore {
  readonly series = new Map<string, Series>();

  add(series: Omit<Series, 'key' | 'buffer' | 'dimensions' | 'settled'> & { dimensions: Dimension[]; withLatency?: boolean }): Series {
    const key = seriesKey(series.namespace, series.metricName, series.dimensions);
    const existing = this.series.get(key);
    if (existing) return existing;
    const dimensions = [...series.dimensions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const entry: Series = { key, namespace: series.namespace, metricName: series.metricName, dimensions, liveFrom: series.liveFrom, synthesize: series.synthesize, buffer: new MinuteBuffer(series.withLatency ?? false), settled: new Map() };
    this.series.set(key, entry);
    return entry;
  }

  find(namespace: string, metricName: string, dimensions: readonly Dimension[]): Series | undefined {
    return this.series.get(seriesKey(namespace, metricName, dimensions));
  }

  record(series: Series, minuteMs: number, stats: MinuteStats | undefined): void {
    series.buffer.put(Math.floor(minuteMs / MINUTE_MS), stats);
  }

  /** One minute of a series, wherever it comes from. */
  minute(series: Series, minuteMs: number): MinuteStats | undefined {
    if (minuteMs < series.liveFrom) {
      if (!series.synthesize || minuteMs < series.liveFrom - HISTORY_DAYS * 86400_000) return undefined;
      return series.synthesize(minuteMs);
    }
    return series.buffer.get(Math.floor(minuteMs / MINUTE_MS));
  }

  /**
   * Datapoints of `stat` per `periodSeconds`, buckets starting at `startMs` (rounded down to the
   * minute) up to `endMs`; buckets without data are left out, as CloudWatch does.
   */
  query(series: Series, startMs: number, endMs: number, periodSeconds: number, stat: Statistic): { timestamps: number[]; values: number[] } {
    const timestamps: number[] = [];
    const values: number[] = [];
    const periodMs = periodSeconds * 1000;
    const first = Math.floor(startMs / MINUTE_MS) * MINUTE_MS;
    const minutes: MinuteStats[] = [];
    const statName = stat.kind === 'percentile' ? `p${stat.p}` : stat.kind;
    // Past the last recorded minute, a period may still fill in; before it, it is final.
    const settledUntil = Math.max(series.liveFrom, (series.buffer.latestMinute + 1) * MINUTE_MS);
    const settled = series.settled.get(`${periodSeconds}:${statName}`) ?? new Map<number, number | undefined>();
    series.settled.set(`${periodSeconds}:${statName}`, settled);
    for (let bucket = first; bucket < endMs; bucket += periodMs) {
      let value: number | undefined;
      if (settled.has(bucket)) value = settled.get(bucket);
      else {
        minutes.length = 0;
        for (let m = bucket; m < bucket + periodMs; m += MINUTE_MS) {
          const stats = this.minute(series, m);
          if (stats) minutes.push(stats);
        }
        value = statisticOf(minutes, stat);
        if (bucket + periodMs <= settledUntil) {
          if (settled.size >= SETTLED_PER_SERIES) settled.clear();
          settled.set(bucket, value);
        }
      }
      if (value === undefined || !Number.isFinite(value)) continue;
      timestamps.push(bucket);
      values.push(value);
    }
    return { timestamps, values };
  }
}
