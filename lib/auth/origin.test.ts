import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSameOrigin } from './origin';
import { publicOrigins, safeCallbackPath, signInOriginFor } from './public-url';

const h = (entries: Record<string, string>) => new Headers(entries);

describe('isSameOrigin', () => {
  it('accepts the configured public origin, whatever Host says', () => {
    assert.equal(isSameOrigin(h({ origin: 'https://codeflow.example.com', host: 'internal:3000' }), 'https://codeflow.example.com'), true);
    assert.equal(isSameOrigin(h({ origin: 'http://localhost:3000', host: 'localhost:3000' }), 'http://localhost:3000'), true);
  });

  it('accepts the other loopback names of a loopback public URL, same port only', () => {
    assert.equal(isSameOrigin(h({ origin: 'http://127.0.0.1:3000' }), 'http://localhost:3000'), true);
    assert.equal(isSameOrigin(h({ origin: 'http://127.0.0.1:3001' }), 'http://localhost:3000'), false);
    assert.equal(isSameOrigin(h({ origin: 'https://localhost:3000' }), 'http://localhost:3000'), false);
  });

  it('refuses an Origin that only matches the Host header the client chose', () => {
    assert.equal(isSameOrigin(h({ origin: 'http://evil.example', host: 'evil.example' }), 'https://codeflow.example.com'), false);
    assert.equal(isSameOrigin(h({ origin: 'http://localhost:3000', host: 'localhost:3000' }), undefined), false);
  });

  it('refuses other sites, a missing Origin and the opaque `null` origin', () => {
    assert.equal(isSameOrigin(h({ origin: 'https://evil.example', host: 'localhost:3000' }), 'http://localhost:3000'), false);
    assert.equal(isSameOrigin(h({ host: 'localhost:3000' }), 'http://localhost:3000'), false);
    assert.equal(isSameOrigin(h({ origin: 'null', host: 'localhost:3000' }), 'http://localhost:3000'), false);
    assert.equal(isSameOrigin(h({ origin: 'http://localhost:3000.evil.example', host: 'localhost:3000' }), 'http://localhost:3000'), false);
  });
});

describe('publicOrigins', () => {
  it('is the public URL’s origin, plus loopback aliases only for a loopback URL', () => {
    assert.deepEqual(publicOrigins('https://codeflow.example.com/'), ['https://codeflow.example.com']);
    assert.deepEqual(publicOrigins('http://localhost:3000'), ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']);
    assert.deepEqual(publicOrigins(undefined), []);
    assert.deepEqual(publicOrigins('not a url'), []);
  });
});

describe('safeCallbackPath', () => {
  const url = 'http://localhost:3000';

  it('keeps a page of Codeflow, as a path', () => {
    assert.equal(safeCallbackPath('/services/c/s?tab=logs#x', url), '/services/c/s?tab=logs#x');
    assert.equal(safeCallbackPath('http://localhost:3000/incidents', url), '/incidents');
    assert.equal(safeCallbackPath('http://127.0.0.1:3000/incidents', url), '/incidents');
    assert.equal(safeCallbackPath(['/board', '/x'], url), '/board');
  });

  it('falls back to / for other origins and for what browsers repair into another host', () => {
    const attacks = [
      'https://evil.example/steal',
      '//evil.example/steal',
      '/\\evil.example/steal',
      '/\t/evil.com',
      '/\n/evil.com',
      '/\r/evil.com',
      '/ /evil.com',
      '\u3002evil.com',
      '/\u3002evil.com',
      'javascript:alert(1)',
      'http://localhost:3001/',
      'https://localhost:3000/',
      '',
      undefined,
      42,
      'x'.repeat(3000),
    ];
    for (const attack of attacks) assert.equal(safeCallbackPath(attack, url), '/', JSON.stringify(attack));
  });

  it('refuses anything but printable ASCII, so a redirect header never fails', () => {
    assert.equal(safeCallbackPath('/caf\u00e9', url), '/');
    assert.equal(safeCallbackPath('/caf%C3%A9', url), '/caf%C3%A9');
  });
});

describe('signInOriginFor', () => {
  it('moves a sign-in from another loopback name to the public URL’s host, and nothing else', () => {
    assert.equal(signInOriginFor('127.0.0.1:3000', 'http://localhost:3000'), 'http://localhost:3000');
    assert.equal(signInOriginFor('localhost:3000', 'http://localhost:3000'), null);
    assert.equal(signInOriginFor('127.0.0.1:3001', 'http://localhost:3000'), null);
    assert.equal(signInOriginFor('evil.example', 'http://localhost:3000'), null);
    assert.equal(signInOriginFor('codeflow.example.com', 'https://codeflow.example.com'), null);
    assert.equal(signInOriginFor(null, 'http://localhost:3000'), null);
  });
});
