import { createHash, randomUUID } from 'node:crypto';
import { runInBackground } from '../aws/quota-budget';
import { throttleBucketOf } from '../aws/throttle-buckets';
import { isAppError } from '../errors';
import { loggerFor } from '../observability/logger';
import { listClusters } from './clusters';
import { getFleetContext, type FleetContext } from './context';
import { fetchClusterSnapshot } from './snapshot';
import { defaultTelemetrySources, joinTelemetry, type TelemetrySources } from './telemetry';
import type { ClusterSnapshot, ClusterStatus, ServiceHealth, Verdict } from './types';

/** One published state of the fleet, serialised once for every viewer. */
export interface PublishedFleet {
  version: number;
  etag: string;
  /** The FleetOverview as JSON. */
  json: Buffer;
  /** Server-sent event carrying the whole overview. */
  snapshotEvent: Buffer;
  /** Server-sent event carrying what changed since the previous version; null for the first. */
  deltaEvent: Buffer | null;
  loading: boolean;
}

/** What a delta event carries: the services that changed or appeared, the keys (`cluster/name`) of those that went. */
export interface FleetDelta {
  version: number;
  from: number;
  generatedAt: string;
  clusters: ClusterStatus[];
  upserts: ServiceHealth[];
  removals: string[];
}

interface ClusterState {
  name: string;
  snapshot: ClusterSnapshot | null;
  fetchedAt: number | null;
  stale: boolean;
  error: string | null;
  refreshing: boolean;
  dueAt: number;
}

export interface FleetFeedOptions {
  sources?: TelemetrySources;
  /** With no viewer for this long, refreshing stops (and resumes at the next viewer). */
  idleMs?: number;
  /** Clusters refreshed at once; the due ones go oldest first. */
  maxConcurrentRefreshes?: number;
  /** Deltas kept for viewers resuming with Last-Event-ID. */
  deltaHistory?: number;
  tickMs?: number;
}

/** Worst first: at 3 a.m. the top of the list is what needs attention. */
const severity: Record<Verdict, number> = { down: 0, degraded: 1, deploying: 2, unknown: 3, healthy: 4 };
const encoder = new TextEncoder();
const MIN_INTERVAL_MS = 250;

/**
 * The fleet as every viewer sees it: cluster snapshots refreshed on a schedule, not on request,
 * so viewers never cost AWS calls and never wait on AWS. Per cluster at most one refresh is in
 * flight (the cache's single-flight and, with Redis, its cross-replica lock on top), and the next
 * is due one TTL after the data it brought, so a refresh slower than the TTL delays the next one
 * instead of overlapping it; when the AWS budget makes refreshes wait, the oldest cluster goes
 * first. Each change is serialised once, and pushed to subscribers as a delta.
 */
export class FleetFeed {
  private readonly clusters = new Map<string, ClusterState>();
  private readonly subscribers = new Set<(p: PublishedFleet) => void>();
  private readonly deltas = new Map<number, Buffer>();
  private readonly bootId = randomUUID().slice(0, 8);
  private readonly sources: TelemetrySources;
  private readonly idleMs: number;
  private readonly maxConcurrent: number;
  private readonly deltaHistory: number;
  private published: PublishedFleet;
  private serviceJson = new Map<string, string>();
  private discoveryError: string | null = null;
  private inFlight = 0;
  private lastDemandAt = Date.now();
  private ticking = false;
  private publishing: Promise<void> | null = null;
  private publishAgain = false;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly ctx: FleetContext,
    opts: FleetFeedOptions = {},
  ) {
    this.sources = opts.sources ?? defaultTelemetrySources();
    this.idleMs = opts.idleMs ?? 120_000;
    this.maxConcurrent = opts.maxConcurrentRefreshes ?? 4;
    this.deltaHistory = opts.deltaHistory ?? 100;
    this.published = this.serialise(0, [], [], true);
    this.timer = setInterval(() => void this.tick(), opts.tickMs ?? 200);
    this.timer.unref?.();
    void this.tick();
  }

  /** The latest published fleet at once (marks demand, so refreshing runs while someone looks). */
  latest(): PublishedFleet {
    this.demand();
    return this.published;
  }

  /** The latest published fleet, waiting up to `ms` for the first real one on a cold start. */
  async latestWithin(ms: number): Promise<PublishedFleet> {
    this.demand();
    if (!this.published.loading || ms <= 0) return this.published;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const unsubscribe = this.subscribe((p) => !p.loading && done());
      function done() {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
    return this.published;
  }

  /** Called with every new version; returns the unsubscribe. Subscribers keep refreshing alive. */
  subscribe(listener: (p: PublishedFleet) => void): () => void {
    this.subscribers.add(listener);
    this.demand();
    return () => {
      this.subscribers.delete(listener);
      this.lastDemandAt = Date.now();
    };
  }

  /** The delta events from `version` to now, or null when they are no longer kept (send a snapshot instead). */
  eventsSince(version: number): Buffer[] | null {
    const current = this.published.version;
    if (version > current || version < current - this.deltaHistory) return null;
    const events: Buffer[] = [];
    for (let v = version + 1; v <= current; v++) {
      const e = this.deltas.get(v);
      if (!e) return null;
      events.push(e);
    }
    return events;
  }

  subscriberCount(): number {
    return this.subscribers.size;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.subscribers.clear();
  }

  private demand(): void {
    const idle = this.isIdle();
    this.lastDemandAt = Date.now();
    if (idle) void this.tick();
  }

  private isIdle(): boolean {
    return this.subscribers.size === 0 && Date.now() - this.lastDemandAt > this.idleMs;
  }

  private ttl(): number {
    return Math.max(MIN_INTERVAL_MS, this.ctx.snapshotTtlMs);
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.closed || this.isIdle()) return;
    this.ticking = true;
    try {
      let names: string[];
      try {
        names = await listClusters(this.ctx);
        this.discoveryError = null;
      } catch (e) {
        this.discoveryError = messageOf(e);
        this.schedulePublish();
        return;
      }
      const known = new Set(names);
      let changed = false;
      for (const name of names) {
        if (!this.clusters.has(name)) {
          this.clusters.set(name, { name, snapshot: null, fetchedAt: null, stale: false, error: null, refreshing: false, dueAt: 0 });
          changed = true;
        }
      }
      for (const name of [...this.clusters.keys()]) {
        if (!known.has(name)) {
          this.clusters.delete(name);
          changed = true;
        }
      }
      if (changed) this.schedulePublish();

      const now = Date.now();
      const due = [...this.clusters.values()]
        .filter((c) => !c.refreshing && c.dueAt <= now)
        .sort((a, b) => (a.fetchedAt ?? -Infinity) - (b.fetchedAt ?? -Infinity));
      for (const c of due) {
        if (this.inFlight >= this.maxConcurrent) break;
        void this.refresh(c);
      }
    } finally {
      this.ticking = false;
    }
  }

  private async refresh(c: ClusterState): Promise<void> {
    c.refreshing = true;
    this.inFlight++;
    const ttl = this.ttl();
    try {
      // The same key as getClusterSnapshot: the service pages and other replicas share the result.
      // In the background class of the AWS budget: a service page someone opened goes first.
      const r = await this.ctx.cache.cached(`fleet:snapshot:${c.name}`, this.ctx.snapshotTtlMs, () => runInBackground(() => fetchClusterSnapshot(c.name, this.ctx)));
      c.snapshot = r.value;
      c.fetchedAt = r.fetchedAt;
      c.stale = r.stale;
      c.error = r.error ? r.error.message : null;
      c.dueAt = (r.stale ? Date.now() : r.fetchedAt) + ttl;
    } catch (e) {
      c.error = messageOf(e);
      c.stale = c.snapshot !== null;
      c.dueAt = Date.now() + ttl;
    } finally {
      c.refreshing = false;
      this.inFlight--;
      this.schedulePublish();
      void this.tick();
    }
  }

  private schedulePublish(): void {
    if (this.publishing) {
      this.publishAgain = true;
      return;
    }
    this.publishing = this.publish()
      .catch((e: unknown) => loggerFor('fleet').error({ err: e }, 'publishing the fleet failed'))
      .finally(() => {
        this.publishing = null;
        if (this.publishAgain) {
          this.publishAgain = false;
          this.schedulePublish();
        }
      });
  }

  private async publish(): Promise<void> {
    // Statuses and services from the same moment: a refresh landing during the telemetry join publishes next.
    const states = [...this.clusters.values()].map((c) => ({ ...c }));
    const now = Date.now();
    const budgetPct = this.budgetPct();
    const statuses: ClusterStatus[] = states.map((c) => ({
      cluster: c.name,
      fetchedAt: c.fetchedAt === null ? null : new Date(c.fetchedAt).toISOString(),
      ageSeconds: c.fetchedAt === null ? null : Math.max(0, Math.floor((now - c.fetchedAt) / 1000)),
      stale: c.stale,
      error: c.error,
      loading: c.snapshot === null && c.error === null,
      budgetPct,
    }));
    const loading = states.length === 0 ? this.discoveryError === null : states.every((c) => c.snapshot === null && c.error === null);
    const read = states.filter((c) => c.snapshot).map((c) => ({ cluster: c.snapshot!.cluster, services: c.snapshot!.services }));
    // The first data goes out without waiting long on cold telemetry; the next refresh brings it.
    const ctx = this.published.loading ? { ...this.ctx, telemetryWaitMs: Math.min(this.ctx.telemetryWaitMs, 1000) } : this.ctx;
    const services = read.length > 0 ? await joinTelemetry(read, ctx, this.sources) : [];
    services.sort((a, b) => severity[a.verdict] - severity[b.verdict] || a.cluster.localeCompare(b.cluster) || a.name.localeCompare(b.name));
    if (this.closed) return;
    this.published = this.serialise(this.published.version + 1, statuses, services, loading);
    if (this.published.deltaEvent) {
      this.deltas.set(this.published.version, this.published.deltaEvent);
      this.deltas.delete(this.published.version - this.deltaHistory - 1);
    }
    for (const listener of this.subscribers) listener(this.published);
  }

  private budgetPct(): number | null {
    const budget = this.ctx.aws.budget;
    const bucket = throttleBucketOf('ecs', 'DescribeServices');
    return budget && bucket ? budget.quota.effectivePct(budget.scope, bucket) : null;
  }

  /** Every service is stringified once; the delta is the ones whose JSON changed. */
  private serialise(version: number, statuses: ClusterStatus[], services: ServiceHealth[], loading: boolean): PublishedFleet {
    const generatedAt = new Date().toISOString();
    const next = new Map<string, string>();
    const parts: string[] = [];
    const upserts: string[] = [];
    for (const s of services) {
      const key = `${s.cluster}/${s.name}`;
      const text = JSON.stringify(s);
      next.set(key, text);
      parts.push(text);
      if (this.serviceJson.get(key) !== text) upserts.push(text);
    }
    const removals = [...this.serviceJson.keys()].filter((k) => !next.has(k));
    const clustersJson = JSON.stringify(statuses);
    const head = `"version":${version},"generatedAt":${JSON.stringify(generatedAt)},"loading":${loading},"discoveryError":${JSON.stringify(this.discoveryError)},"clusters":${clustersJson}`;
    const json = Buffer.from(`{${head},"services":[${parts.join(',')}]}`);
    const first = version <= 1 || this.published === undefined;
    const deltaJson = `{${head},"from":${version - 1},"upserts":[${upserts.join(',')}],"removals":${JSON.stringify(removals)}}`;
    this.serviceJson = next;
    return {
      version,
      etag: `"${this.bootId}-${version}-${createHash('sha1').update(json).digest('hex').slice(0, 12)}"`,
      json,
      snapshotEvent: Buffer.from(encoder.encode(`id: ${version}\nevent: snapshot\ndata: ${json.toString()}\n\n`)),
      deltaEvent: first ? null : Buffer.from(encoder.encode(`id: ${version}\nevent: delta\ndata: ${deltaJson}\n\n`)),
      loading,
    };
  }
}

function messageOf(e: unknown): string {
  // Errors reaching here are AppErrors from lib/cache and lib/aws, whose messages are written for people.
  return isAppError(e) ? e.message : 'The cluster could not be read';
}

// On globalThis because Next may evaluate this module once per route bundle; one feed per process.
const KEY = Symbol.for('codeflow.fleetFeed');
type Holder = { [KEY]?: FleetFeed };

export function getFleetFeed(): FleetFeed {
  const holder = globalThis as Holder;
  holder[KEY] ??= new FleetFeed(getFleetContext());
  return holder[KEY];
}
