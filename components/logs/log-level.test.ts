import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLine } from './log-level';

describe('parseLine', () => {
  it('reads the level of a JSON line and keeps the object', () => {
    const line = parseLine('{"level":"error","msg":"request","status":500}');
    assert.equal(line.level, 'error');
    assert.deepEqual(line.json, { level: 'error', msg: 'request', status: 500 });
    assert.equal(parseLine('{"level":40}').level, 'warn');
  });

  it('reads a leading ERROR or WARN token in text', () => {
    assert.equal(parseLine('ERROR Unhandled exception').level, 'error');
    assert.equal(parseLine('2026-11-27T10:00:00Z [WARN] slow query').level, 'warn');
    assert.equal(parseLine('    at bootstrap (/app/dist/server.js:51:5)').level, null);
    assert.equal(parseLine('user said ERROR later').level, null);
  });

  it('treats broken JSON as text', () => {
    assert.deepEqual(parseLine('{"level":'), { level: null, json: null });
  });
});
