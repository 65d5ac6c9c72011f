/**
 * What the overview benches share: a viewer seeded in a fresh database, the production standalone
 * server spawned as `codeflow start` and the image run it, and viewers that poll `/api/fleet` or
 * subscribe to `/api/fleet/events` as the console does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request, Agent, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { STANDALONE_DIR } from '../cli/build';
import { seedPerson } from '../lib/auth/testing/seed-person';
import { openDb } from '../lib/db/client';
import { migrateUp } from '../lib/db/migrate';

export const SESSION_SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A viewer in a fresh embedded database, made before the server opens (and locks) it: an API token
 * for the API, and a signed-in session (a server-side session record and its cookie) for pages.
 */
export async function viewerCredentials(dataDir: string): Promise<{ token: string; sessionCookie: string }> {
  const handle = await openDb({ dataDir });
  try {
    await migrateUp(handle.db);
    const { token, sessionCookie } = await seedPerson(handle.db, { issuer: 'https://bench.invalid', subject: 'bench-viewer', name: 'Bench Viewer', role: 'viewer', tokenName: 'bench', sessionSecret: SESSION_SECRET });
    return { token, sessionCookie: sessionCookie! };
  } finally {
    await handle.close();
  }
}

/**
 * The standalone server, as `codeflow start` and the container image run it, with the bench's
 * environment on top of ours; CONSOLE_NODE_ARGS (space-separated, e.g. `--cpu-prof`) go to its node.
 */
export function spawnConsole(root: string, port: number, dataDir: string, env: Record<string, string>): ChildProcess {
  const nodeArgs = (process.env.CONSOLE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return spawn(process.execPath, [...nodeArgs, 'server.js'], {
    cwd: join(root, STANDALONE_DIR),
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORT: String(port), HOSTNAME: '127.0.0.1', CODEFLOW_DATA_DIR: dataDir, NEXTAUTH_SECRET: SESSION_SECRET, NEXTAUTH_URL: `http://localhost:${port}`, LOG_LEVEL: 'warn', NEXT_TELEMETRY_DISABLED: '1', ...env },
  });
}

export const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export interface LoadResult {
  latencies: number[];
  ok: number;
  notModified: number;
  errors: number;
  /** What the errors were: HTTP statuses, or "network". */
  errorKinds: Record<string, number>;
}

export const ms = (r: LoadResult, p: number) => (r.latencies.length ? `${percentile(r.latencies, p).toFixed(1)}` : '-');
export const errorsOf = (r: LoadResult) => (r.errors ? `${r.errors} errors: ${Object.entries(r.errorKinds).map(([k, n]) => `${n}× ${k}`).join(', ')}` : '0 errors');

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export interface Subscriber {
  events: number;
  /**
   * From the request to this viewer holding its first event decoded: when the event's last byte
   * arrived plus the time its own decoding took. Each browser decodes its own events, so one
   * viewer's decoding is not counted in another's wait (in one process it would be: 200 snapshots
   * decoded one after another); without `onEvent`, the first event is decoded when this is read.
   */
  readonly firstEventMs: number | null;
  wireBytes: number;
  close(): void;
}

function decode(event: string, data: string): unknown {
  return JSON.parse(event.endsWith('.gz') ? gunzipSync(Buffer.from(data, 'base64')).toString() : data);
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

export interface BenchClient {
  get(url: string, headers?: Record<string, string>): Promise<{ status: number; ms: number; body: string; etag?: string }>;
  /** `viewers` pollers for `durationMs`, each every `intervalMs`, spread over the interval as real viewers are; with `etag`, conditional (and, on /api/fleet, asking for deltas as the console does). */
  poll(url: string, viewers: number, durationMs: number, intervalMs: number, etag: boolean, extraHeaders?: Record<string, string>): Promise<LoadResult>;
  /**
   * One server-sent event stream as the console opens it (`?compressed=gzip`: big events gzipped and
   * base64-encoded, decoded here as the browser does), counting events (the time to the first one is
   * its latency) and bytes on the wire; `onEvent` gets each event decoded.
   */
  subscribe(url: string, onEvent?: (event: string, data: unknown) => void): Promise<Subscriber>;
  destroy(): void;
}

/** Requests as one viewer (its `authorization` header), over kept-alive connections; streams each on its own. */
export function benchClient(authorization: string): BenchClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  const sseAgent = new Agent({ keepAlive: false, maxSockets: Infinity });

  function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; ms: number; body: string; etag?: string }> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      request(url, { agent, headers: { authorization, ...headers } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body, etag: res.headers.etag }));
      })
        .on('error', reject)
        .end();
    });
  }

  async function poll(url: string, viewers: number, durationMs: number, intervalMs: number, etag: boolean, extraHeaders: Record<string, string> = {}): Promise<LoadResult> {
    const latencies: number[] = [];
    let errors = 0;
    let notModified = 0;
    const errorKinds: Record<string, number> = {};
    const failed = (kind: string) => {
      errors++;
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    };
    const until = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: viewers }, async (_, i) => {
        let tag: string | undefined;
        await sleep((i / viewers) * intervalMs);
        while (performance.now() < until) {
          const started = performance.now();
          try {
            // As the console polls: holding a version, ask for the deltas since it (/api/fleet?deltas=1), and the whole overview gzipped (compressed=gzip).
            const fleet = url.endsWith('/api/fleet');
            const query = [etag && tag && fleet ? 'deltas=1' : null, fleet ? 'compressed=gzip' : null].filter(Boolean).join('&');
            const target = query ? `${url}?${query}` : url;
            const r = await get(target, { ...extraHeaders, ...(etag && tag ? { 'if-none-match': tag, 'accept-encoding': 'gzip' } : { 'accept-encoding': 'gzip' }) });
            if (r.status === 200 || r.status === 304) latencies.push(r.ms);
            else failed(`HTTP ${r.status}`);
            if (r.status === 304) notModified++;
            tag = r.etag ?? tag;
          } catch {
            failed('network');
          }
          const wait = intervalMs - (performance.now() - started);
          if (wait > 0) await sleep(wait);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    return { latencies, ok: latencies.length, notModified, errors, errorKinds };
  }

  function subscribe(url: string, onEvent?: (event: string, data: unknown) => void): Promise<Subscriber> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(`${url}?compressed=gzip`, { agent: sseAgent, headers: { authorization, accept: 'text/event-stream' } }, (res: IncomingMessage) => {
        if (res.statusCode !== 200) return reject(new Error(`events: ${res.statusCode}`));
        let firstArrivalMs: number | null = null;
        let firstDecodeMs: number | null = null;
        let first: { event: string; data: string } | null = null;
        const sub: Subscriber = {
          events: 0,
          get firstEventMs() {
            if (firstArrivalMs === null) return null;
            if (firstDecodeMs === null) firstDecodeMs = first ? timed(() => decode(first!.event, first!.data)).ms : 0;
            return firstArrivalMs + firstDecodeMs;
          },
          wireBytes: 0,
          close: () => req.destroy(),
        };
        let buffered = '';
        let scanned = 0;
        res.on('data', (chunk: Buffer) => {
          sub.wireBytes += chunk.byteLength;
          buffered += chunk.toString('utf8');
          let end;
          // From where the last search stopped: a 150 KB event comes in many chunks.
          while ((end = buffered.indexOf('\n\n', scanned)) >= 0) {
            const block = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            scanned = 0;
            if (block.startsWith(':')) continue;
            const arrivedMs = performance.now() - started;
            const m = /\nevent: ([\w.]+)\ndata: (.*)$/s.exec(block);
            // Decoded as the console does (unzipped and parsed), so the latency includes it.
            if (m && onEvent) {
              const { value, ms } = timed(() => decode(m[1]!, m[2]!));
              onEvent(m[1]!.replace(/\.gz$/, ''), value);
              firstDecodeMs ??= ms;
            }
            if (m && sub.events === 0) first = { event: m[1]!, data: m[2]! };
            sub.events++;
            firstArrivalMs ??= arrivedMs;
          }
          scanned = Math.max(0, buffered.length - 1);
        });
        res.on('error', () => undefined);
        resolve(sub);
      });
      req.on('error', reject);
      req.end();
    });
  }

  return {
    get,
    poll,
    subscribe,
    destroy() {
      agent.destroy();
      sseAgent.destroy();
    },
  };
}
