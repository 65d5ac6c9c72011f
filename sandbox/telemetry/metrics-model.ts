/**
 * What the fleet's metrics look like, minute by minute. The same functions draw the synthetic
 * history before the sandbox started (from the seed and the minute alone, so days of it exist
 * without being stored) and the live minutes after (from the sampled fleet state), so the two
 * join without a seam.
 */
import { latencyMean, normalQuantile, type MinuteStats } from './metrics-stats';

const MINUTE_MS = 60_000;

export interface ServiceProfile {
  cluster: string;
  service: string;
  /** Seeds this service's noise. */
  hash: number;
  cpu: [low: number, high: number];
  memory: [low: number, high: number];
  /** Requests per minute through its listener, from night to peak. */
  requests?: [low: number, high: number];
  p95Seconds?: number;
  errorRate?: number;
  /** steady; leaky: memory climbs to ~95 % until an OOM kill; crashing: a bad image that never stays up. */
  behaviour: 'steady' | 'leaky' | 'crashing';
  baselineTasks: number;
}

/** The fleet as the plugin sampled it for one minute (history uses the baseline). */
export interface ServiceState {
  runningTasks: number;
  /** Tasks taking traffic: healthy targets behind a load balancer, running tasks otherwise. */
  servingTasks: number;
  /** 0–1: how hard a bad rollout is hurting (crashing tasks, a failing deployment), decaying after recovery. */
  failure: number;
  /** Per-task memory % of leaky tasks, from their age and when they will be OOM-killed. */
  taskMemory?: number[];
}

export interface TargetGroupMinute {
  requests: number;
  errors5xx: number;
  latency: MinuteStats;
}

const NAMED: Record<string, Omit<ServiceProfile, 'cluster' | 'service' | 'hash' | 'baselineTasks'>> = {
  'codeflow-cluster/codeflow-service': { cpu: [20, 50], memory: [40, 60], requests: [300, 900], p95Seconds: 0.12, errorRate: 0.002, behaviour: 'steady' },
  'codeflow-cluster/codeflow-worker': { cpu: [15, 40], memory: [35, 55], behaviour: 'steady' },
  'codeflow-cluster/payments-api': { cpu: [25, 55], memory: [55, 70], requests: [600, 1500], p95Seconds: 0.18, errorRate: 0.001, behaviour: 'steady' },
  'codeflow-cluster/auth-gateway': { cpu: [15, 35], memory: [30, 45], requests: [1200, 3000], p95Seconds: 0.045, errorRate: 0.0005, behaviour: 'steady' },
  'codeflow-cluster/notifications': { cpu: [5, 20], memory: [30, 40], behaviour: 'steady' },
  'codeflow-staging/codeflow-service': { cpu: [3, 12], memory: [35, 45], requests: [10, 60], p95Seconds: 0.15, errorRate: 0.004, behaviour: 'steady' },
  'codeflow-staging/checkout-api': { cpu: [5, 15], memory: [40, 50], requests: [20, 80], p95Seconds: 0.22, errorRate: 0.003, behaviour: 'steady' },
  'codeflow-staging/search-indexer': { cpu: [30, 60], memory: [38, 95], behaviour: 'leaky' },
  'codeflow-staging/reports-worker': { cpu: [1, 6], memory: [8, 14], behaviour: 'crashing' },
};

export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A murmur3-style finaliser over (a, b, c): the deterministic dice of the history. */
function mix(a: number, b: number, c = 0): number {
  let h = (a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(c, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1) for (series, minute, salt). */
export function noise(hash: number, minute: number, salt = 0): number {
  return mix(hash, minute | 0, salt) / 4294967296;
}

/** Smooth noise in [-1, 1]: random values every `scale` minutes, eased between. */
export function smoothNoise(hash: number, minute: number, scale: number, salt = 0): number {
  const cell = Math.floor(minute / scale);
  const t = (minute - cell * scale) / scale;
  const ease = (1 - Math.cos(Math.PI * t)) / 2;
  const a = noise(hash, cell, salt + 7919) * 2 - 1;
  const b = noise(hash, cell + 1, salt + 7919) * 2 - 1;
  return a + (b - a) * ease;
}

/** 0 at 04:00 UTC, 1 at 16:00 UTC; weekends run at three quarters. */
export function diurnal(minuteMs: number): number {
  const hours = (minuteMs / 3600_000) % 24;
  const day = 0.5 - 0.5 * Math.cos((2 * Math.PI * (hours - 4)) / 24);
  const weekday = new Date(minuteMs).getUTCDay();
  return weekday === 0 || weekday === 6 ? day * 0.75 : day;
}

export function serviceProfile(seed: number, cluster: string, service: string, baselineTasks: number, image: { bad: boolean; flaky: boolean }): ServiceProfile {
  const hash = mix(seed, hashString(`${cluster}/${service}`));
  const named = NAMED[`${cluster}/${service}`];
  if (named) return { ...named, cluster, service, hash, baselineTasks: Math.max(1, baselineTasks) };
  const cpuLow = 5 + Math.floor(noise(hash, 0, 1) * 20);
  const memLow = 30 + Math.floor(noise(hash, 0, 2) * 25);
  return {
    cluster,
    service,
    hash,
    cpu: [cpuLow, cpuLow + 10 + Math.floor(noise(hash, 0, 3) * 20)],
    memory: image.flaky ? [38, 95] : [memLow, memLow + 5 + Math.floor(noise(hash, 0, 4) * 10)],
    behaviour: image.bad ? 'crashing' : image.flaky ? 'leaky' : 'steady',
    baselineTasks: Math.max(1, baselineTasks),
  };
}

export function baselineState(profile: ServiceProfile): ServiceState {
  return { runningTasks: profile.baselineTasks, servingTasks: profile.baselineTasks, failure: 0 };
}

const minuteIndex = (minuteMs: number) => Math.floor(minuteMs / MINUTE_MS);

function spread(avg: number, width: number, hash: number, m: number, salt: number, tasks: number): MinuteStats {
  const half = tasks > 1 ? width * (0.5 + noise(hash, m, salt)) : 0;
  return { count: tasks, sum: avg * tasks, min: Math.max(0, avg - half), max: Math.min(100, avg + half) };
}

/** Per-task memory of a leaky service before the sandbox started: a sawtooth per task, offset between tasks. */
function leakyHistory(profile: ServiceProfile, m: number): number[] {
  const cycle = 120 + Math.floor(noise(profile.hash, 0, 11) * 60);
  const offset = Math.floor(noise(profile.hash, 0, 12) * cycle);
  return Array.from({ length: profile.baselineTasks }, (_, i) => {
    const phase = ((m + offset + Math.floor((i * cycle) / profile.baselineTasks)) % cycle) / cycle;
    return profile.memory[0] + (profile.memory[1] - profile.memory[0]) * phase;
  });
}

/** ECS CPUUtilization for the service's minute: load spread over the tasks that serve it. */
export function cpuMinute(profile: ServiceProfile, minuteMs: number, state: ServiceState): MinuteStats | undefined {
  if (state.runningTasks === 0) return undefined;
  const m = minuteIndex(minuteMs);
  if (profile.behaviour === 'crashing') {
    const avg = profile.cpu[0] + (profile.cpu[1] - profile.cpu[0]) * noise(profile.hash, m, 21);
    return spread(avg, 1, profile.hash, m, 22, state.runningTasks);
  }
  const base = profile.cpu[0] + (profile.cpu[1] - profile.cpu[0]) * diurnal(minuteMs);
  const load = profile.baselineTasks / Math.max(1, state.servingTasks);
  const jitter = 3 * smoothNoise(profile.hash, m, 20, 23) + 2 * (noise(profile.hash, m, 24) - 0.5);
  const avg = Math.min(100, Math.max(0.5, base * load + jitter + 12 * state.failure));
  return spread(avg, 6, profile.hash, m, 25, state.runningTasks);
}

/** ECS MemoryUtilization: flat with slow drift; leaky services climb until their OOM kill. */
export function memoryMinute(profile: ServiceProfile, minuteMs: number, state: ServiceState): MinuteStats | undefined {
  if (state.runningTasks === 0) return undefined;
  const m = minuteIndex(minuteMs);
  if (profile.behaviour === 'leaky') {
    const tasks = state.taskMemory?.length ? state.taskMemory : leakyHistory(profile, m);
    const values = tasks.map((v) => Math.min(99.5, v + (noise(profile.hash, m, 31) - 0.5)));
    return { count: values.length, sum: values.reduce((a, b) => a + b, 0), min: Math.min(...values), max: Math.max(...values) };
  }
  const [low, high] = profile.memory;
  const level = low + (high - low) * (0.5 + 0.45 * smoothNoise(profile.hash, m, 240, 32));
  const avg = level + 0.8 * (noise(profile.hash, m, 33) - 0.5) + 5 * state.failure;
  return spread(avg, 3, profile.hash, m, 34, state.runningTasks);
}

/** Requests the service's listener receives in the minute, before any split between target groups. */
export function demandMinute(profile: ServiceProfile, minuteMs: number): number {
  if (!profile.requests) return 0;
  const m = minuteIndex(minuteMs);
  const [low, high] = profile.requests;
  const level = (low + (high - low) * diurnal(minuteMs)) * (1 + 0.08 * smoothNoise(profile.hash, m, 30, 41) + 0.06 * (noise(profile.hash, m, 42) - 0.5));
  return Math.max(0, Math.round(level));
}

/**
 * A target group's minute: its share of the demand, spread over its healthy targets. Overload
 * (fewer healthy targets than the baseline can carry) slows requests down; a bad rollout adds a
 * slow tail and 5xx from the crashing tasks.
 */
export function targetGroupMinute(profile: ServiceProfile, minuteMs: number, share: number, healthy: number, failure: number, salt: number, slow = 0): TargetGroupMinute | undefined {
  const requests = Math.round(demandMinute(profile, minuteMs) * share);
  if (requests === 0 || healthy === 0) return undefined;
  const m = minuteIndex(minuteMs);
  const sigma = 0.5;
  const baseMedian = (profile.p95Seconds ?? 0.15) / Math.exp(1.645 * sigma);
  const capacity = ((profile.requests?.[1] ?? requests) / profile.baselineTasks) * 1.3;
  const utilisation = requests / healthy / capacity;
  const overload = Math.max(0, utilisation - 0.85);
  // `slow`: the share of healthy targets running a slow image (sandbox tag word "slow"): six times the usual latency.
  const median = baseMedian * (1 + 0.15 * diurnal(minuteMs)) * (1 + 8 * overload * overload) * (1 + 0.06 * smoothNoise(profile.hash, m, 15, 50 + salt)) * (1 + 5 * slow);
  const latency = { median, sigma, slowShare: Math.min(0.6, 0.002 + 0.2 * failure + 0.1 * overload), slowMedian: 1.2, slowSigma: 0.5 };
  const mean = latencyMean(latency);
  const maxQuantile = 1 - 1 / (requests + 1);
  const max = latency.slowShare * requests >= 1 ? latency.slowMedian * Math.exp(latency.slowSigma * normalQuantile(Math.min(0.999, 1 - 1 / (latency.slowShare * requests + 1)))) : median * Math.exp(sigma * normalQuantile(maxQuantile));
  const errorRate = (profile.errorRate ?? 0.002) + 0.12 * failure + 0.1 * Math.max(0, utilisation - 1.2);
  // Stochastic rounding keeps the long-run rate while each minute is a whole number of errors.
  const errors5xx = Math.min(requests, Math.floor(requests * errorRate * (0.8 + 0.4 * noise(profile.hash, m, 60 + salt)) + noise(profile.hash, m, 61 + salt)));
  return {
    requests,
    errors5xx,
    latency: { count: requests, sum: mean * requests, min: median * Math.exp(-3 * sigma), max: Math.max(max, mean), latency },
  };
}

/** Leaky tasks' memory: from where they started towards ~95 % at the moment they will be OOM-killed. */
export function leakyTaskMemory(profile: ServiceProfile, now: number, startedAt: number, crashAt: number | undefined): number {
  const [low, high] = profile.memory;
  if (crashAt === undefined || crashAt <= startedAt) return low;
  return low + (high - low) * Math.min(1, Math.max(0, (now - startedAt) / (crashAt - startedAt)));
}
