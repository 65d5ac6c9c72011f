'use client';

import { useEffect, useState } from 'react';
import { serviceKeyOf } from '@/lib/fleet/service-key';
import type { ClusterStatus, FleetOverview, PlaceStatus, ServiceHealth } from '@/lib/fleet/types';

export interface LiveFleet {
  data: FleetOverview | null;
  /** When the browser last heard from the server (an event, a 200 or a 304). */
  receivedAt: number;
  /** Why the last attempt to hear from the server failed; null while it answers. */
  error: string | null;
  mode: 'connecting' | 'live' | 'polling';
}

interface Delta {
  version: number;
  generatedAt: string;
  loading: boolean;
  discoveryError: string | null;
  places?: PlaceStatus[];
  clusters: ClusterStatus[];
  upserts: ServiceHealth[];
  removals: string[];
}

const POLL_MS = 5000;
/** EventSource retries by itself; after this many failures without a single event, poll instead. */
const FAILURES_BEFORE_POLLING = 3;
/**
 * A stream that opened but has sent nothing this long (its first event is the whole overview, which
 * for thousands of services under a big incident's load can take seconds) gives way to polling too:
 * a viewer sees the fleet from a poll rather than waiting on the stream.
 */
const SILENCE_BEFORE_POLLING_MS = 8000;

/** Big events come gzipped and base64-encoded (`snapshot.gz`, `delta.gz`) where the browser can unzip them. */
const CAN_UNZIP = typeof DecompressionStream !== 'undefined';

async function gunzipBase64(data: string): Promise<string> {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
}

/** A poll's body as JSON: the whole overview comes gzipped (`application/gzip`) when asked with `compressed=gzip`. */
async function jsonOf(res: Response): Promise<unknown> {
  if (!res.headers.get('content-type')?.startsWith('application/gzip') || !res.body) return res.json();
  return new Response(res.body.pipeThrough(new DecompressionStream('gzip'))).json();
}

function applyDelta(current: FleetOverview, delta: Delta): FleetOverview {
  const removed = new Set(delta.removals);
  const upserts = new Map(delta.upserts.map((s) => [serviceKeyOf(s), s]));
  const services = current.services.filter((s) => !removed.has(serviceKeyOf(s)) && !upserts.has(serviceKeyOf(s)));
  services.push(...upserts.values());
  return { version: delta.version, generatedAt: delta.generatedAt, loading: delta.loading, discoveryError: delta.discoveryError, places: delta.places, clusters: delta.clusters, services };
}

/**
 * The fleet, live: one server-sent event stream (the whole overview, then deltas of what changed;
 * EventSource resumes with Last-Event-ID after a drop). Where events cannot flow (a proxy that
 * buffers, an old browser) it polls /api/fleet every 5 s with its ETag, so unchanged polls are 304s
 * and changed ones carry only the deltas.
 */
export function useLiveFleet(): LiveFleet {
  const [state, setState] = useState<LiveFleet>({ data: null, receivedAt: 0, error: null, mode: 'connecting' });

  useEffect(() => {
    let stopped = false;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    let etag: string | null = null;
    let source: EventSource | undefined;
    let silenceTimer: ReturnType<typeof setTimeout> | undefined;

    async function poll() {
      try {
        // Holding a version, ask for what changed since (the server answers the whole fleet when it no longer keeps those deltas).
        const query = [etag ? 'deltas=1' : null, CAN_UNZIP ? 'compressed=gzip' : null].filter(Boolean).join('&');
        const res = await fetch(query ? `/api/fleet?${query}` : '/api/fleet', { headers: etag ? { 'if-none-match': etag } : {}, cache: 'no-store' });
        if (res.status === 304) {
          setState((s) => ({ ...s, receivedAt: Date.now(), error: null, mode: 'polling' }));
        } else if (res.ok) {
          const body = (await jsonOf(res)) as FleetOverview | { version: number; deltas: Delta[] };
          const next = res.headers.get('etag');
          if ('deltas' in body) {
            setState((s) => (s.data ? { data: body.deltas.reduce(applyDelta, s.data), receivedAt: Date.now(), error: null, mode: 'polling' } : s));
          } else {
            setState({ data: body, receivedAt: Date.now(), error: null, mode: 'polling' });
          }
          etag = next;
        } else {
          const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
          setState((s) => ({ ...s, error: body?.error?.message ?? `The server answered ${res.status}`, mode: 'polling' }));
        }
      } catch {
        setState((s) => ({ ...s, error: 'Codeflow’s server could not be reached', mode: 'polling' }));
      }
      if (!stopped) pollTimer = setTimeout(poll, POLL_MS);
    }

    if (typeof EventSource === 'undefined') {
      void poll();
    } else {
      let failures = 0;
      let heard = false;
      source = new EventSource(CAN_UNZIP ? '/api/fleet/events?compressed=gzip' : '/api/fleet/events');
      silenceTimer = setTimeout(() => {
        if (stopped || heard) return;
        source?.close();
        void poll();
      }, SILENCE_BEFORE_POLLING_MS);
      const onSnapshot = (text: string) => {
        heard = true;
        clearTimeout(silenceTimer);
        const data = JSON.parse(text) as FleetOverview;
        setState({ data, receivedAt: Date.now(), error: null, mode: 'live' });
      };
      const onDelta = (text: string) => {
        const delta = JSON.parse(text) as Delta;
        setState((s) => (s.data ? { data: applyDelta(s.data, delta), receivedAt: Date.now(), error: null, mode: 'live' } : s));
      };
      // Unzipping is asynchronous: every event, plain or not, goes through one queue, so they apply in order.
      let queue = Promise.resolve();
      const handle = (apply: (text: string) => void, zipped: boolean) => (e: Event) => {
        const data = (e as MessageEvent<string>).data;
        queue = queue
          .then(() => (zipped ? gunzipBase64(data) : data))
          .then((text) => {
            if (!stopped) apply(text);
          })
          .catch(() => {
            // An update that cannot be read leaves the view behind: poll instead (each poll is whole).
            if (stopped) return;
            source?.close();
            clearTimeout(silenceTimer);
            void poll();
          });
      };
      source.addEventListener('snapshot', handle(onSnapshot, false));
      source.addEventListener('snapshot.gz', handle(onSnapshot, true));
      source.addEventListener('delta', handle(onDelta, false));
      source.addEventListener('delta.gz', handle(onDelta, true));
      source.onerror = () => {
        if (stopped) return;
        failures++;
        if (!heard && failures >= FAILURES_BEFORE_POLLING) {
          clearTimeout(silenceTimer);
          source?.close();
          void poll();
          return;
        }
        setState((s) => ({ ...s, error: 'The live connection dropped; reconnecting' }));
      };
    }
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(pollTimer);
      clearTimeout(silenceTimer);
    };
  }, []);

  return state;
}
