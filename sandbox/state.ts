import { randomUUID } from 'node:crypto';
import { SimClock } from './sim/clock';
import { runUntil } from './sim/engine';
import { Rng } from './sim/rng';
import { createFleet, PRIMARY_LAYOUT, type FleetLayout } from './sim/seed-fleet';
import { encodeGraph, mergeGraph } from './sim/snapshot-codec';
import { DEFAULT_ACCOUNT_ID, type World } from './sim/world';

/** What `Sandbox.snapshot()` returns and `restore()` takes: JSON, written to the data directory. */
export interface WorldSnapshot {
  version: typeof SNAPSHOT_VERSION;
  worldId: string;
  options: Required<ResetOptions>;
  /** Sim time and wall time when the snapshot was taken: the clock resumes from there. */
  simNow: number;
  savedAt: number;
  graph: unknown;
}

/** Bumped when the world's shape changes so that an older snapshot cannot be merged. */
export const SNAPSHOT_VERSION = 1;
const CALL_LOG_LIMIT = 10_000;

export interface FaultRule {
  /** SigV4 signing name ("ecs", "elasticloadbalancing", …); all services when absent. */
  service?: string;
  /** Operation name ("DescribeServices"); all operations when absent. */
  operation?: string;
  /** Share of matching calls answered with the service's throttling error, 0–1. */
  throttleRate?: number;
  /** Share of matching calls answered with a 500, 0–1. */
  errorRate?: number;
  /** Milliseconds added before answering. */
  latencyMs?: number;
}

/**
 * A simulated AWS service's own state beside the fleet (metrics, log events, findings): rebuilt
 * on every reset from the new world, and given each whole simulated minute to sample it.
 */
export interface SimulationPlugin {
  reset(world: World, startMs: number): void;
  onMinute?(world: World, minute: number): void;
}

export interface ResetOptions {
  seed?: number;
  /** Total number of services in the fleet (the named fleet is topped up with workers). */
  fleetSize?: number;
  /** Simulation speed: 1 = real time, 0 = frozen (advance explicitly), 60 = a minute per second. */
  speed?: number;
  /** Sim time to start at (epoch ms); defaults to now. */
  startTime?: number;
}

/** Which account and Region a world plays, and what it holds (fixed for its life: a reset rebuilds the same place). */
export interface WorldPlace {
  /** 123456789012 unless told. */
  accountId?: string;
  /** The guide's fleet (PRIMARY_LAYOUT) unless told. */
  layout?: FleetLayout;
}

/** Everything the sandbox holds: the simulated account, its clock, injected faults and call counts. */
export class Sandbox {
  world!: World;
  clock!: SimClock;
  faults: FaultRule[] = [];
  private faultRng = new Rng(1);
  /** Groups the sandbox's OIDC issuer reports instead of a demo user's default, by `sub`. */
  readonly idpGroups = new Map<string, string[]>();
  /** Calls received per `service:Operation`, for tests and benchmarks counting AWS round trips. */
  readonly calls = new Map<string, number>();
  /** The newest calls with their input, for "which calls named X since then" (bounded; see callsMentioning). */
  private readonly callLog: { seq: number; call: string; input: string }[] = [];
  private callSeq = 0;
  options!: Required<Omit<ResetOptions, 'startTime'>> & { startTime: number };
  /**
   * Names this world: new on every reset, kept across restarts. The console records it, so what
   * it recorded against a world that was since reset (operations, locks) is recognised as such.
   */
  worldId = '';
  private readonly plugins: SimulationPlugin[] = [];
  readonly accountId: string;
  readonly layout: FleetLayout;

  constructor(
    readonly region: string,
    options: ResetOptions = {},
    place: WorldPlace = {},
  ) {
    this.accountId = place.accountId ?? DEFAULT_ACCOUNT_ID;
    this.layout = place.layout ?? PRIMARY_LAYOUT;
    this.reset(options);
  }

  reset(options: ResetOptions = {}): void {
    const startTime = options.startTime ?? Date.now();
    this.options = { seed: options.seed ?? 42, fleetSize: options.fleetSize ?? 0, speed: options.speed ?? 1, startTime };
    this.world = createFleet({ seed: this.options.seed, region: this.region, startMs: startTime, fleetSize: this.options.fleetSize, accountId: this.accountId, layout: this.layout });
    this.clock = new SimClock(startTime, this.options.speed);
    this.faults = [];
    this.faultRng = new Rng(this.options.seed ^ 0x5eed);
    this.calls.clear();
    this.callLog.length = 0;
    this.idpGroups.clear();
    this.worldId = randomUUID();
    for (const plugin of this.plugins) plugin.reset(this.world, startTime);
  }

  /** The whole world — fleet, revisions, deployments, metrics, logs, alarms, findings, backups — as JSON. */
  snapshot(): WorldSnapshot {
    const simNow = this.now();
    return {
      version: SNAPSHOT_VERSION,
      worldId: this.worldId,
      options: { ...this.options, speed: this.clock.speed },
      simNow,
      savedAt: Date.now(),
      graph: encodeGraph({ world: this.world, plugins: this.plugins, idpGroups: this.idpGroups }),
    };
  }

  /**
   * Takes up a stored world where it was left. The fresh world built from the same seed and start
   * time supplies what cannot be stored (closures; see snapshot-codec.ts); the stored state is
   * merged into it. The clock resumes at the stored sim time; for a running clock, the time the
   * sandbox was down is then simulated in the background (`catchUp`), as AWS would have lived it.
   */
  restore(snapshot: WorldSnapshot): void {
    if (snapshot.version !== SNAPSHOT_VERSION) throw new Error(`the stored sandbox world is of format ${snapshot.version}, this sandbox reads ${SNAPSHOT_VERSION}`);
    this.reset(snapshot.options);
    const live = { world: this.world, plugins: this.plugins, idpGroups: this.idpGroups };
    const merged = mergeGraph(snapshot.graph as Parameters<typeof mergeGraph>[0], live) as typeof live;
    this.world = merged.world;
    this.worldId = snapshot.worldId;
    this.clock = new SimClock(snapshot.simNow, snapshot.options.speed);
  }

  /**
   * Simulates, a slice at a time between requests, the time the sandbox was stopped: `downMs` of
   * wall time at the clock's speed, up to `maxMs` (beyond it the world skips ahead, as if paused).
   * Resolves when the clock has caught up.
   */
  async catchUp(downMs: number, maxMs = 7 * 86400_000, sliceMs = 5 * 60_000): Promise<void> {
    let remaining = Math.max(0, downMs) * this.clock.speed;
    if (remaining > maxMs) {
      this.clock.advance(remaining - maxMs);
      this.world.tickedTo = this.clock.now() - maxMs;
      remaining = maxMs;
    }
    while (remaining > 0) {
      const step = Math.min(remaining, sliceMs);
      this.clock.advance(step);
      this.now();
      remaining -= step;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Adds a service's simulation state; it starts from the current world at once. */
  addPlugin(plugin: SimulationPlugin): void {
    this.plugins.push(plugin);
    plugin.reset(this.world, this.options.startTime);
  }

  /** Brings the simulation up to the clock and returns the current sim time. */
  now(): number {
    const now = this.clock.now();
    runUntil(this.world, now, (minute) => {
      for (const plugin of this.plugins) plugin.onMinute?.(this.world, minute);
    });
    return now;
  }

  advance(seconds: number): number {
    this.clock.advance(seconds * 1000);
    return this.now();
  }

  countCall(service: string, operation: string, input: Record<string, unknown> = {}): void {
    const key = `${service}:${operation}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    this.callLog.push({ seq: ++this.callSeq, call: key, input: JSON.stringify(input).slice(0, 8192) });
    if (this.callLog.length > CALL_LOG_LIMIT) this.callLog.splice(0, this.callLog.length - CALL_LOG_LIMIT);
  }

  /** The sequence number of the newest call so far: the `since` of a later callsMentioning. */
  get lastCallSeq(): number {
    return this.callSeq;
  }

  /**
   * The calls after `since` whose input contains `text` (a service name, an ARN), counted per
   * operation — what a test uses to say "nothing reached AWS about this service" while the console's
   * background work goes on with other services. `complete` is false when the log no longer reaches back
   * to `since`.
   */
  callsMentioning(text: string, since: number): { calls: Record<string, number>; complete: boolean } {
    const calls: Record<string, number> = {};
    for (const entry of this.callLog) {
      if (entry.seq > since && entry.input.includes(text)) calls[entry.call] = (calls[entry.call] ?? 0) + 1;
    }
    const oldest = this.callLog[0]?.seq ?? this.callSeq + 1;
    return { calls, complete: oldest <= since + 1 };
  }

  /** The fault to apply to this call, if any rule matches; the dice come from the seed. */
  faultFor(service: string, operation: string): { latencyMs: number; outcome: 'throttle' | 'error' | null } {
    let latencyMs = 0;
    let outcome: 'throttle' | 'error' | null = null;
    for (const rule of this.faults) {
      if (rule.service && rule.service !== service) continue;
      if (rule.operation && rule.operation !== operation) continue;
      latencyMs += rule.latencyMs ?? 0;
      if (!outcome && rule.throttleRate && this.faultRng.chance(rule.throttleRate)) outcome = 'throttle';
      if (!outcome && rule.errorRate && this.faultRng.chance(rule.errorRate)) outcome = 'error';
    }
    return { latencyMs, outcome };
  }
}
