import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../errors';
import { isJsonContentType, readBodyText } from './json-body';

function streamOf(chunks: number, chunkBytes: number) {
  let sent = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === chunks) return controller.close();
      sent++;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { body, sent: () => sent, cancelled: () => cancelled };
}

describe('isJsonContentType', () => {
  it('accepts JSON, with parameters and +json types', () => {
    for (const t of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/merge-patch+json']) assert.equal(isJsonContentType(t), true, t);
  });

  it('refuses what a cross-site form or text/plain fetch can send, and no type at all', () => {
    for (const t of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', '', null]) {
      assert.equal(isJsonContentType(t), false, String(t));
    }
  });
});

describe('readBodyText', () => {
  it('reads a body within the limit', async () => {
    const text = await readBodyText({ headers: new Headers(), body: new Response('{"a":1}').body }, 1024);
    assert.equal(text, '{"a":1}');
  });

  it('refuses a declared Content-Length over the limit without reading anything', async () => {
    const stream = streamOf(10, 1024);
    await assert.rejects(readBodyText({ headers: new Headers({ 'content-length': String(50 * 1024 * 1024) }), body: stream.body }, 1024 * 1024), (e) => isAppError(e) && e.code === 'too_large');
    assert.equal(stream.sent(), 0, 'not one chunk was read');
  });

  it('stops reading an undeclared (chunked) body as soon as it passes the limit', async () => {
    const stream = streamOf(1000, 64 * 1024);
    await assert.rejects(readBodyText({ headers: new Headers(), body: stream.body }, 1024 * 1024), (e) => isAppError(e) && e.code === 'too_large' && /1048576 bytes/.test(e.message));
    assert.ok(stream.sent() <= 18, `read ${stream.sent()} chunks of 1000`);
    assert.equal(stream.cancelled(), true, 'the rest of the upload is cancelled');
  });
});
