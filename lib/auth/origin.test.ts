import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSameOrigin } from './origin';

const h = (entries: Record<string, string>) => new Headers(entries);

describe('isSameOrigin', () => {
  it('accepts the configured origin and the request’s own host', () => {
    assert.equal(isSameOrigin(h({ origin: 'https://codeflow.example.com', host: 'internal:3000' }), 'https://codeflow.example.com'), true);
    assert.equal(isSameOrigin(h({ origin: 'http://localhost:3000', host: 'localhost:3000' }), undefined), true);
  });

  it('refuses other sites, a missing Origin and the opaque `null` origin', () => {
    assert.equal(isSameOrigin(h({ origin: 'https://evil.example', host: 'localhost:3000' }), 'http://localhost:3000'), false);
    assert.equal(isSameOrigin(h({ host: 'localhost:3000' }), 'http://localhost:3000'), false);
    assert.equal(isSameOrigin(h({ origin: 'null', host: 'localhost:3000' }), 'http://localhost:3000'), false);
    assert.equal(isSameOrigin(h({ origin: 'http://localhost:3000.evil.example', host: 'localhost:3000' }), 'http://localhost:3000'), false);
  });
});
