import { createHash, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import { runInBackground } from '../aws/quota-budget';
import { throttleBucketOf } from '../aws/throttle-buckets';
import { isAppError } from '../errors';
import { loggerFor } from '../observability/logger';
import { discoverClusters } from './clusters';
import { placeKey } from '../accounts/places';
import { getConfig } from '../config';
import { getFleetContext, type FleetContext } from './context';
import { serviceKeyOf } from './service-key';
import { fetchClusterSnapshot } from './snapshot';
import { defaultTelemetrySources, joinTelemetry, type TelemetrySources } from './telemetry';
import type { ClusterSnapshot, ClusterStatus, PlaceStatus, ServiceHealth, Verdict } from './types';

/**
 * One published state of the fleet, serialised and compressed once for every viewer: a request
 * or a stream only picks bytes from here.
 */
export interface PublishedFleet {
  version: number;
  etag: string;
  /** The FleetOverview as JSON. */
  json: Buffer;
  /** The same JSON gzipped (for viewers that unzip it themselves: Next drops a handler's Content-Encoding). */
  gzippedJson: Buffer;
  /** Server-sent event carrying the whole overview. */
  snapshotEvent: Buffer;
  /** The same as `snapshot.gz` (its data gzipped and base64-encoded) when it is big enough to be worth it, else the plain one. */
  compressedSnapshotEvent: Buffer;
  /** Server-sent event carrying what changed since the previous version; null for the first. */
  deltaEvent: Buffer | null;
  /** The same as `delta.gz` when it is big enough to be worth it, else the plain one; null for the first. */
  compressedDeltaEvent: Buffer | null;
  /** The same delta as JSON (for polling viewers); null for the first. */
  deltaJson: string | null;
  loading: boolean;
}

/** What a delta event carries: the services that changed or appeared, the keys (`serviceKeyOf`) of those that went. */
export interface FleetDelta {
  version: number;
  from: number;
  generatedAt: string;
  places: PlaceStatus[];
  clusters: ClusterStatus[];
  upserts: ServiceHealth[];
  removals: string[];
}

interface ClusterState {
  name: string;
  place: PlaceState;
  snapshot: ClusterSnapshot | null;
  fetchedAt: number | null;
  stale: boolean;
  error: string | null;
  refreshing: boolean;
  dueAt: number;
}

/**
 * One account × Region: its clusters are discovered, refreshed and joined with its telemetry on
 * their own, so an account that answers slowly or refuses holds up only its own rows.
 */
interface PlaceState {
  ctx: FleetContext;
  key: string;
  order: number;
  sources: TelemetrySources;
  discovering: boolean;
  discovered: boolean;
  discoveryError: string | null;
  inFlight: number;
  /** The place's services with telemetry joined, and its clusters as they were when joined: published together. */
  services: ServiceHealth[];
  states: ClusterState[];
  joined: boolean;
  joining: boolean;
  joinAgain: boolean;
}

export interface FleetFeedOptions {
  /** The same sources for every place (tests); by default each place reads its own account's alarms and findings. */
  sources?: TelemetrySources;
  /** With no viewer for this long, refreshing stops (and resumes at the next viewer). */
  idleMs?: number;
  /** Clusters refreshed at once per place; the due ones go oldest first. */
  maxConcurrentRefreshes?: number;
  /** Deltas kept for viewers resuming with Last-Event-ID. */
  deltaHistory?: number;
  /**
   * At most one new version this often (changes meanwhile go out together at its end): each
   * place's refresh is a change, so without it versions would come as often as places × refreshes,
   * each serialised and compressed for the whole fleet. Short, because it is added to every
   * change's way to the viewer (at 1 s the median delivery lag went from ~90 ms to ~750 ms).
   */
  publishIntervalMs?: number;
  tickMs?: number;
}

/** Worst first: at 3 a.m. the top of the list is what needs attention. */
const severity: Record<Verdict, number> = { down: 0, degraded: 1, deploying: 2, unknown: 3, healthy: 4 };
const MIN_INTERVAL_MS = 250;
/** Events smaller than this go as they are: compressing a small delta saves little and costs the viewer a decode. */
const COMPRESS_FROM_BYTES = 2048;
const gzipAsync = promisify(gzip);

/**
 * The fleet as every viewer sees it: cluster snapshots refreshed on a schedule, not on request,
 * so viewers never cost AWS calls and never wait on AWS. Per cluster at most one refresh is in
 * flight (the cache's single-flight and, with Redis, its cross-replica lock on top), and the next
 * is due one TTL after the data it brought, so a refresh slower than the TTL delays the next one
 * instead of overlapping it; when the AWS budget makes refreshes wait, the oldest cluster goes
 * first. Each account × Region (place) is read on its own: its discovery, refreshes and telemetry
 * never wait on another's. Each change is serialised once, and pushed to subscribers as a delta.
 */
export class FleetFeed {
  private readonly places: PlaceState[];
  private readonly clusters = new Map<string, ClusterState>();
  private readonly subscribers = new Set<(p: PublishedFleet) => void>();
  private readonly deltas = new Map<number, { event: Buffer; compressedEvent: Buffer; json: string }>();
  private readonly bootId = randomUUID().slice(0, 8);
  private readonly idleMs: number;
  private readonly maxConcurrent: number;
  private readonly deltaHistory: number;
  private readonly publishIntervalMs: number;
  private published: PublishedFleet;
  private serviceJson = new Map<string, string>();
  /** Each service object's JSON: a place's services are new objects only when that place was joined again. */
  private readonly stringified = new WeakMap<ServiceHealth, string>();
  /** The polling answer from each version to the current one, made once for every viewer holding it. */
  private deltasFrom = new Map<number, Buffer>();
  private lastDemandAt = Date.now();
  private ticking = false;
  private publishing: Promise<void> | null = null;
  private publishAgain = false;
  private publishTimer: NodeJS.Timeout | null = null;
  private lastPublishAt = 0;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(contexts: FleetContext | readonly FleetContext[], opts: FleetFeedOptions = {}) {
    const list = Array.isArray(contexts) ? contexts : [contexts as FleetContext];
    this.places = list.map((ctx, order) => ({
      ctx,
      key: ctx.place ? placeKey(ctx.place) : `default/${ctx.region}`,
      order,
      sources: opts.sources ?? defaultTelemetrySources(ctx.place),
      discovering: false,
      discovered: false,
      discoveryError: null,
      inFlight: 0,
      services: [],
      states: [],
      joined: false,
      joining: false,
      joinAgain: false,
    }));
    this.idleMs = opts.idleMs ?? 120_000;
    this.maxConcurrent = opts.maxConcurrentRefreshes ?? 4;
    this.deltaHistory = opts.deltaHistory ?? 100;
    this.publishIntervalMs = opts.publishIntervalMs ?? 200;
    const waiting = this.places.map((p) => ({ account: accountOf(p.ctx), accountName: p.ctx.place?.accountName ?? 'default', environment: p.ctx.place?.environment ?? null, region: p.ctx.region, loading: true, error: null, clusters: 0 }));
    const loading = this.serialise(0, [], waiting, [], true);
    // Tiny (no services), so compressed at once: the feed has a version to answer with from the start.
    const gzippedJson = gzipSync(loading.json);
    this.published = { ...loading, gzippedJson, compressedSnapshotEvent: loading.snapshotEvent, compressedDeltaEvent: null };
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

  /** The delta events from `version` to now (`delta.gz` where big, when `compressed`), or null when they are no longer kept (send a snapshot instead). */
  eventsSince(version: number, compressed = false): Buffer[] | null {
    const current = this.published.version;
    if (version > current || version < current - this.deltaHistory) return null;
    const events: Buffer[] = [];
    for (let v = version + 1; v <= current; v++) {
      const e = this.deltas.get(v);
      if (!e) return null;
      events.push(compressed ? e.compressedEvent : e.event);
    }
    return events;
  }

  /**
   * For a polling viewer holding the version its ETag names: `{"version", "deltas": [...]}`, the
   * deltas from there to now (what the event stream would have sent), or null when that ETag is
   * another process's, or too old (answer the whole overview instead).
   */
  deltasSinceEtag(etag: string): Buffer | null {
    const m = /^"([0-9a-f]+)-(\d+)-[0-9a-f]+"$/.exec(etag);
    if (!m || m[1] !== this.bootId) return null;
    const version = Number(m[2]);
    const current = this.published.version;
    if (version >= current || version < current - this.deltaHistory) return null;
    const made = this.deltasFrom.get(version);
    if (made) return made;
    const parts: string[] = [];
    for (let v = version + 1; v <= current; v++) {
      const d = this.deltas.get(v);
      if (!d) return null;
      parts.push(d.json);
    }
    const body = Buffer.from(`{"version":${current},"deltas":[${parts.join(',')}]}`);
    this.deltasFrom.set(version, body);
    return body;
  }

  subscriberCount(): number {
    return this.subscribers.size;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    if (this.publishTimer) clearTimeout(this.publishTimer);
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

  private ttl(ctx: FleetContext): number {
    return Math.max(MIN_INTERVAL_MS, ctx.snapshotTtlMs);
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.closed || this.isIdle()) return;
    this.ticking = true;
    try {
      for (const place of this.places) if (!place.discovering) void this.discover(place);
      const now = Date.now();
      const due = [...this.clusters.values()]
        .filter((c) => !c.refreshing && c.dueAt <= now)
        .sort((a, b) => (a.fetchedAt ?? -Infinity) - (b.fetchedAt ?? -Infinity));
      for (const c of due) {
        if (c.place.inFlight >= this.maxConcurrent) continue;
        void this.refresh(c);
      }
    } finally {
      this.ticking = false;
    }
  }

  /** Lists a place's clusters (cached for the discovery TTL) and adds or drops their states. */
  private async discover(place: PlaceState): Promise<void> {
    place.discovering = true;
    try {
      let names: string[];
      try {
        const found = await discoverClusters(place.ctx);
        names = found.names;
        // A failed listing with an earlier one held: the old list stands, and the place says why it is not current.
        const message = found.error ? found.error.message : null;
        if (place.discoveryError !== message) this.schedulePublish();
        place.discoveryError = message;
      } catch (e) {
        const message = messageOf(e, 'The clusters could not be listed');
        if (place.discoveryError !== message) this.schedulePublish();
        place.discoveryError = message;
        return;
      }
      const known = new Set(names);
      let changed = !place.discovered;
      place.discovered = true;
      for (const name of names) {
        const key = `${place.key}|${name}`;
        if (!this.clusters.has(key)) {
          this.clusters.set(key, { name, place, snapshot: null, fetchedAt: null, stale: false, error: null, refreshing: false, dueAt: 0 });
          changed = true;
        }
      }
      for (const [key, c] of this.clusters) {
        if (c.place === place && !known.has(c.name)) {
          this.clusters.delete(key);
          changed = true;
        }
      }
      if (changed) {
        this.scheduleJoin(place);
        if (!this.ticking) queueMicrotask(() => void this.tick());
      }
    } finally {
      place.discovering = false;
    }
  }

  private async refresh(c: ClusterState): Promise<void> {
    const { ctx } = c.place;
    c.refreshing = true;
    c.place.inFlight++;
    const ttl = this.ttl(ctx);
    try {
      // The same key as getClusterSnapshot: the service pages and other replicas share the result.
      // In the background class of the AWS budget: a service page someone opened goes first.
      const r = await ctx.cache.cached(`fleet:snapshot:${c.name}`, ctx.snapshotTtlMs, () => runInBackground(() => fetchClusterSnapshot(c.name, ctx)));
      c.snapshot = r.value;
      c.fetchedAt = r.fetchedAt;
      c.stale = r.stale;
      c.error = r.error ? r.error.message : null;
      c.dueAt = (r.stale ? Date.now() : r.fetchedAt) + ttl;
    } catch (e) {
      c.error = messageOf(e, 'The cluster could not be read');
      c.stale = c.snapshot !== null;
      c.dueAt = Date.now() + ttl;
    } finally {
      c.refreshing = false;
      c.place.inFlight--;
      this.scheduleJoin(c.place);
      void this.tick();
    }
  }

  /** Joins a place's snapshots with its telemetry, then publishes; one join per place at a time. */
  private scheduleJoin(place: PlaceState): void {
    if (place.joining) {
      place.joinAgain = true;
      return;
    }
    place.joining = true;
    void this.join(place)
      .catch((e: unknown) => loggerFor('fleet').error({ err: e, place: place.key }, 'joining telemetry failed'))
      .finally(() => {
        place.joining = false;
        this.schedulePublish();
        if (place.joinAgain && !this.closed) {
          place.joinAgain = false;
          this.scheduleJoin(place);
        }
      });
  }

  private async join(place: PlaceState): Promise<void> {
    // Statuses and services from the same moment: a refresh landing during the telemetry join publishes next.
    const states = [...this.clusters.values()].filter((c) => c.place === place).map((c) => ({ ...c }));
    const read = states.filter((c) => c.snapshot).map((c) => ({ cluster: c.snapshot!.cluster, services: c.snapshot!.services }));
    // The first data goes out without waiting long on cold telemetry; the next refresh brings it.
    const ctx = place.joined ? place.ctx : { ...place.ctx, telemetryWaitMs: Math.min(place.ctx.telemetryWaitMs, 1000) };
    const services = read.length > 0 ? await joinTelemetry(read, ctx, place.sources) : [];
    place.services = services;
    place.states = states;
    place.joined = read.length > 0 || place.joined;
  }

  /**
   * Publishes the change now, or, within `publishIntervalMs` of the last version, once at the end of
   * that interval with whatever else changed meanwhile. The end of a cold start goes out at once.
   */
  private schedulePublish(): void {
    if (this.closed || this.publishTimer) return;
    if (this.publishing) {
      this.publishAgain = true;
      return;
    }
    const wait = this.lastPublishAt + this.publishIntervalMs - Date.now();
    if (wait > 0 && !this.published.loading) {
      this.publishTimer = setTimeout(() => {
        this.publishTimer = null;
        this.schedulePublish();
      }, wait);
      this.publishTimer.unref?.();
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
    if (this.closed) return;
    const now = Date.now();
    const states = this.places.flatMap((p) => p.states);
    const statuses: ClusterStatus[] = states.map((c) => ({
      account: accountOf(c.place.ctx),
      region: c.place.ctx.region,
      cluster: c.name,
      fetchedAt: c.fetchedAt === null ? null : new Date(c.fetchedAt).toISOString(),
      ageSeconds: c.fetchedAt === null ? null : Math.max(0, Math.floor((now - c.fetchedAt) / 1000)),
      stale: c.stale,
      error: c.error,
      loading: c.snapshot === null && c.error === null,
      budgetPct: budgetPctOf(c.place.ctx),
    }));
    const places: PlaceStatus[] = this.places.map((p) => {
      const clusters = states.filter((c) => c.place === p);
      return {
        account: accountOf(p.ctx),
        accountName: p.ctx.place?.accountName ?? 'default',
        environment: p.ctx.place?.environment ?? null,
        region: p.ctx.region,
        loading: p.discoveryError === null && (!p.discovered || clusters.some((c) => c.snapshot === null && c.error === null)),
        error: p.discoveryError ?? clusters.find((c) => c.error !== null)?.error ?? null,
        clusters: clusters.length,
      };
    });
    // Loading while nothing can be shown yet and some place is still on its first read (a place
    // without clusters, or one that failed, does not end the wait for the others).
    const loading = this.places.every((p) => p.services.length === 0) && places.some((p) => p.loading && p.error === null);
    const services = this.places.flatMap((p) => p.services.map((s) => ({ s, order: p.order })));
    services.sort((a, b) => severity[a.s.verdict] - severity[b.s.verdict] || a.order - b.order || a.s.cluster.localeCompare(b.s.cluster) || a.s.name.localeCompare(b.s.name));
    const next = this.serialise(this.published.version + 1, statuses, places, services.map((x) => x.s), loading);
    // Compressed off the event loop, before the version is visible: no viewer waits for it, none makes it again.
    const [gzippedJson, gzippedDelta] = await Promise.all([gzipAsync(next.json), next.deltaJson && next.deltaJson.length >= COMPRESS_FROM_BYTES ? gzipAsync(next.deltaJson) : null]);
    if (this.closed) return;
    this.published = {
      ...next,
      gzippedJson,
      compressedSnapshotEvent: next.json.byteLength >= COMPRESS_FROM_BYTES ? compressedEventOf(next.version, 'snapshot', gzippedJson) : next.snapshotEvent,
      compressedDeltaEvent: next.deltaEvent && gzippedDelta ? compressedEventOf(next.version, 'delta', gzippedDelta) : next.deltaEvent,
    };
    this.lastPublishAt = Date.now();
    this.deltasFrom = new Map();
    if (this.published.deltaEvent) {
      this.deltas.set(this.published.version, { event: this.published.deltaEvent, compressedEvent: this.published.compressedDeltaEvent!, json: this.published.deltaJson! });
      this.deltas.delete(this.published.version - this.deltaHistory - 1);
    }
    for (const listener of this.subscribers) listener(this.published);
  }

  /** Every service is stringified once (and again only when it is a new object); the delta is the ones whose JSON changed. */
  private serialise(version: number, statuses: ClusterStatus[], places: PlaceStatus[], services: ServiceHealth[], loading: boolean): Omit<PublishedFleet, 'gzippedJson' | 'compressedSnapshotEvent' | 'compressedDeltaEvent'> {
    const generatedAt = new Date().toISOString();
    const next = new Map<string, string>();
    const parts: string[] = [];
    const upserts: string[] = [];
    for (const s of services) {
      const key = serviceKeyOf(s);
      let text = this.stringified.get(s);
      if (text === undefined) {
        text = JSON.stringify(s);
        this.stringified.set(s, text);
      }
      next.set(key, text);
      parts.push(text);
      if (this.serviceJson.get(key) !== text) upserts.push(text);
    }
    const removals = [...this.serviceJson.keys()].filter((k) => !next.has(k));
    const discoveryErrors = this.places.filter((p) => p.discoveryError !== null);
    // One place: its error as it always read; several: each named by its account and Region.
    const discoveryError =
      discoveryErrors.length === 0 ? null : this.places.length === 1 ? discoveryErrors[0]!.discoveryError : discoveryErrors.map((p) => `${placeName(p)}: ${p.discoveryError}`).join('; ');
    const head = `"version":${version},"generatedAt":${JSON.stringify(generatedAt)},"loading":${loading},"discoveryError":${JSON.stringify(discoveryError)},"places":${JSON.stringify(places)},"clusters":${JSON.stringify(statuses)}`;
    const overview = `{${head},"services":[${parts.join(',')}]}`;
    const json = Buffer.from(overview);
    const first = version <= 1 || this.published === undefined;
    const deltaJson = `{${head},"from":${version - 1},"upserts":[${upserts.join(',')}],"removals":${JSON.stringify(removals)}}`;
    this.serviceJson = next;
    return {
      version,
      etag: `"${this.bootId}-${version}-${createHash('sha1').update(json).digest('hex').slice(0, 12)}"`,
      json,
      snapshotEvent: Buffer.from(`id: ${version}\nevent: snapshot\ndata: ${overview}\n\n`),
      deltaEvent: first ? null : Buffer.from(`id: ${version}\nevent: delta\ndata: ${deltaJson}\n\n`),
      deltaJson: first ? null : deltaJson,
      loading,
    };
  }
}

const accountOf = (ctx: FleetContext) => ctx.place?.accountId ?? 'default';

/** A server-sent event whose data is the gzipped JSON, base64-encoded: `snapshot.gz`, `delta.gz`. */
function compressedEventOf(version: number, name: 'snapshot' | 'delta', gzipped: Buffer): Buffer {
  return Buffer.from(`id: ${version}\nevent: ${name}.gz\ndata: ${gzipped.toString('base64')}\n\n`);
}

function budgetPctOf(ctx: FleetContext): number | null {
  const budget = ctx.aws.budget;
  const bucket = throttleBucketOf('ecs', 'DescribeServices');
  return budget && bucket ? budget.quota.effectivePct(budget.scope, bucket) : null;
}

function placeName(p: PlaceState): string {
  const place = p.ctx.place;
  return place ? `${place.accountName} (${place.accountId}) ${place.region}` : p.ctx.region;
}

function messageOf(e: unknown, fallback: string): string {
  // Errors reaching here are AppErrors from lib/cache and lib/aws, whose messages are written for people.
  return isAppError(e) ? e.message : fallback;
}

// On globalThis because Next may evaluate this module once per route bundle; one feed per process.
const KEY = Symbol.for('codeflow.fleetFeed');
type Holder = { [KEY]?: FleetFeed };

export function getFleetFeed(): FleetFeed {
  const holder = globalThis as Holder;
  holder[KEY] ??= new FleetFeed(getConfig().places.map((place) => getFleetContext(place)));
  return holder[KEY];
}
