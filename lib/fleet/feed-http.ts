import type { FleetFeed, PublishedFleet } from './feed';

/** How long a cold start waits for the first read from AWS before answering "loading". */
const COLD_WAIT_MS = 800;
/** A comment line now and then keeps proxies (and the ALB's idle timeout) from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
/** A viewer this far behind (bytes queued) is dropped; its EventSource reconnects and resumes. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

/**
 * GET /api/fleet: the published overview as it is, never re-serialised, and 304 when its ETag is
 * still the latest. Compression is left to the server: Next.js compresses route handler responses
 * itself and would gzip an already gzipped body a second time (a Content-Encoding set here is kept,
 * so clients would unzip once and read gzip).
 */
export async function fleetResponse(req: Request, feed: FleetFeed): Promise<Response> {
  const published = await feed.latestWithin(COLD_WAIT_MS);
  const headers: Record<string, string> = {
    etag: published.etag,
    'cache-control': 'private, no-cache',
  };
  if (req.headers.get('if-none-match') === published.etag) return new Response(null, { status: 304, headers });
  const body = published.json;
  return new Response(new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength), {
    status: 200,
    headers: { ...headers, 'content-type': 'application/json' },
  });
}

/**
 * GET /api/fleet/events: one server-sent event stream per viewer. It opens with the whole overview
 * (or, resuming with Last-Event-ID, the deltas missed), then one delta per change. Every viewer is
 * sent the same bytes, encoded once per change; a viewer holds only its stream and one listener.
 */
export function fleetEventStream(req: Request, feed: FleetFeed): Response {
  const lastId = Number(req.headers.get('last-event-id') ?? new URL(req.url).searchParams.get('lastEventId') ?? NaN);
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const send = (chunk: Uint8Array) => {
          if ((controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) {
            cleanup();
            controller.close();
            return;
          }
          controller.enqueue(chunk);
        };
        // Until the first real data, say "loading" and let the first version go out whole.
        const first = feed.latest();
        const missed = Number.isInteger(lastId) && !first.loading ? feed.eventsSince(lastId) : null;
        if (missed) missed.forEach(send);
        else send(first.snapshotEvent);
        let sentVersion = first.version;
        let sentLoading = first.loading;
        const unsubscribe = feed.subscribe((p: PublishedFleet) => {
          // A delta only follows the version it was made from; otherwise (first data, a skipped one) the whole.
          send(p.deltaEvent && !sentLoading && p.version === sentVersion + 1 ? p.deltaEvent : p.snapshotEvent);
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

const HEARTBEAT = new TextEncoder().encode(': keep-alive\n\n');
