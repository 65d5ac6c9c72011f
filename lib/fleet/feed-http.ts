import type { FleetFeed, PublishedFleet } from './feed';

/** How long a cold start waits for the first read from AWS before answering "loading". */
const COLD_WAIT_MS = 800;
/** A comment line now and then keeps proxies (and the ALB's idle timeout) from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
/** A viewer this far behind (bytes queued) is dropped; its EventSource reconnects and resumes. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

/**
 * GET /api/fleet: the published overview as it is, never re-serialised, and 304 when its ETag is
 * still the latest. With `?compressed=gzip` (the console asks for it when the browser has
 * DecompressionStream) the whole overview goes as the feed gzipped it once for every viewer,
 * `application/gzip`, which the viewer unzips itself: Next.js drops a route handler's
 * Content-Encoding and would otherwise gzip the 1.6 MB of a 2,000-service fleet again for each
 * request. Other answers (deltas, a small body) are JSON, compressed by the server as usual.
 */
export async function fleetResponse(req: Request, feed: FleetFeed): Promise<Response> {
  const published = await feed.latestWithin(COLD_WAIT_MS);
  const headers: Record<string, string> = {
    etag: published.etag,
    'cache-control': 'private, no-cache',
  };
  const held = req.headers.get('if-none-match');
  if (held === published.etag) return new Response(null, { status: 304, headers });
  const query = new URL(req.url).searchParams;
  // ?deltas=1 (the console's polling fallback): what changed since the version the ETag names, when
  // it is still kept — a few KB instead of the whole fleet on every poll of a busy fleet.
  const deltas = held && query.get('deltas') === '1' ? feed.deltasSinceEtag(held) : null;
  if (!deltas && query.get('compressed') === 'gzip') {
    return new Response(bytesOf(published.gzippedJson), {
      status: 200,
      headers: { ...headers, 'cache-control': 'private, no-cache, no-transform', 'content-type': 'application/gzip' },
    });
  }
  return new Response(bytesOf(deltas ?? published.json), { status: 200, headers: { ...headers, 'content-type': 'application/json' } });
}

const bytesOf = (b: Buffer) => new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength);

/**
 * GET /api/fleet/events: one server-sent event stream per viewer. It opens with the whole overview
 * (or, resuming with Last-Event-ID, the deltas missed), then one delta per change. Every viewer is
 * sent the same bytes, encoded once per change; a viewer holds only its stream and one listener.
 *
 * With `?compressed=gzip` (the console asks for it when the browser has DecompressionStream), an
 * event over 2 KB goes as `snapshot.gz` / `delta.gz` with its data gzipped and base64-encoded — by
 * the feed, once per version, shared by every stream. The opening overview at 2,000 services shrinks several times
 * over, which is what a big incident's hundreds of viewers opening the console at once cost the
 * server. (HTTP's own Content-Encoding cannot do this: Next.js drops a route handler's
 * Content-Encoding header, and its own compression would hold small events back.)
 */
export function fleetEventStream(req: Request, feed: FleetFeed): Response {
  const url = new URL(req.url);
  const lastId = Number(req.headers.get('last-event-id') ?? url.searchParams.get('lastEventId') ?? NaN);
  const compressed = url.searchParams.get('compressed') === 'gzip';
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const send = (event: Buffer) => {
          if ((controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) {
            cleanup();
            controller.close();
            return;
          }
          controller.enqueue(event);
        };
        const snapshotOf = (p: PublishedFleet) => (compressed ? p.compressedSnapshotEvent : p.snapshotEvent);
        // Until the first real data, say "loading" and let the first version go out whole.
        const first = feed.latest();
        const missed = Number.isInteger(lastId) && !first.loading ? feed.eventsSince(lastId, compressed) : null;
        if (missed) missed.forEach(send);
        else send(snapshotOf(first));
        let sentVersion = first.version;
        let sentLoading = first.loading;
        const unsubscribe = feed.subscribe((p: PublishedFleet) => {
          // A delta only follows the version it was made from; otherwise (first data, a skipped one) the whole.
          const delta = compressed ? p.compressedDeltaEvent : p.deltaEvent;
          send(delta && !sentLoading && p.version === sentVersion + 1 ? delta : snapshotOf(p));
          sentVersion = p.version;
          sentLoading = p.loading;
        });
        const heartbeat = setInterval(() => send(HEARTBEAT), HEARTBEAT_MS);
        cleanup = () => {
          unsubscribe();
          clearInterval(heartbeat);
        };
        req.signal.addEventListener('abort', () => {
          cleanup();
          try {
            controller.close();
          } catch {
            // already closed
          }
        });
      },
      cancel() {
        cleanup();
      },
    },
    { highWaterMark: MAX_QUEUED_BYTES, size: (chunk) => chunk.byteLength },
  );
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform: Next's compression would otherwise hold events back to fill its buffer.
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}

const HEARTBEAT = Buffer.from(': keep-alive\n\n');
