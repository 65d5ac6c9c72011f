/** Every API response is per-user, live data: never stored by a browser or a shared cache. */
export const NO_STORE = 'private, no-store';

/**
 * The API's cache policy over what a handler set: never stored, whatever it asked, but a handler's
 * `no-cache` (revalidate with the ETag) and `no-transform` stay. `no-transform` matters: without it
 * the server's compression buffers an event stream until 16 KB have queued, so small events never
 * reach the viewer (and it would gzip a stream the handler already gzipped a second time).
 */
export function cachePolicyOf(handlerSet: string | null): string {
  const asked = new Set((handlerSet ?? '').split(',').map((d) => d.trim().toLowerCase()));
  return [NO_STORE, ...['no-cache', 'no-transform'].filter((d) => asked.has(d))].join(', ');
}
