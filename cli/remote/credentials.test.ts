import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { forgetServer, normalizeServerUrl, readCredentials, resolveServer, saveServer } from './credentials';
import { CliError, EXIT } from './exit-codes';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'cf-cred-')), 'nested', 'credentials.json');

describe('credentials', () => {
  it('are written owner-only in an owner-only directory, and read back', () => {
    const path = tempFile();
    saveServer('https://cf.example.com', { token: 'cf_abc', name: 'Alice', role: 'operator' }, path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
    const file = readCredentials(path);
    assert.equal(file.current, 'https://cf.example.com');
    assert.equal(file.servers['https://cf.example.com']?.token, 'cf_abc');
  });

  it('resolve: --url, then CODEFLOW_URL, then the last login; CODEFLOW_TOKEN wins over the file', () => {
    const path = tempFile();
    saveServer('https://a.example.com', { token: 'cf_a', name: null, role: 'viewer' }, path);
    saveServer('https://b.example.com', { token: 'cf_b', name: null, role: 'viewer' }, path);
    assert.deepEqual(resolveServer({}, {}, path), { url: 'https://b.example.com', token: 'cf_b' });
    assert.deepEqual(resolveServer({ url: 'a.example.com' }, {}, path), { url: 'https://a.example.com', token: 'cf_a' });
    assert.deepEqual(resolveServer({}, { CODEFLOW_URL: 'https://a.example.com/' }, path), { url: 'https://a.example.com', token: 'cf_a' });
    assert.deepEqual(resolveServer({}, { CODEFLOW_URL: 'https://c.example.com', CODEFLOW_TOKEN: 'cf_env' }, path), { url: 'https://c.example.com', token: 'cf_env' });
    assert.throws(() => resolveServer({ url: 'https://c.example.com' }, {}, path), /not signed in to https:\/\/c\.example\.com/);
    assert.throws(() => resolveServer({}, { CODEFLOW_TOKEN: 'cf_env' }, path), (e: CliError) => e.code === EXIT.usage);
  });

  it('forgetting the current server falls back to another one', () => {
    const path = tempFile();
    saveServer('https://a.example.com', { token: 'cf_a', name: null, role: 'viewer' }, path);
    saveServer('https://b.example.com', { token: 'cf_b', name: null, role: 'viewer' }, path);
    assert.equal(forgetServer('https://b.example.com', path), true);
    assert.equal(readCredentials(path).current, 'https://a.example.com');
    assert.equal(forgetServer('https://b.example.com', path), false);
  });

  it('a file Codeflow did not write is an error with a way out, not a crash', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cf-cred-')), 'credentials.json');
    writeFileSync(path, '{"servers": 42}');
    assert.throws(() => readCredentials(path), /delete it and run `codeflow login/);
  });
});

describe('normalizeServerUrl', () => {
  it('defaults to https, keeps only the origin, allows plain http on loopback only', () => {
    assert.equal(normalizeServerUrl('codeflow.example.com/some/page'), 'https://codeflow.example.com');
    assert.equal(normalizeServerUrl('http://localhost:3000/'), 'http://localhost:3000');
    assert.equal(normalizeServerUrl('http://127.0.0.1:4000'), 'http://127.0.0.1:4000');
    assert.throws(() => normalizeServerUrl('http://codeflow.example.com'), /plain http/);
    assert.throws(() => normalizeServerUrl('ftp://x'), /http\(s\)/);
    assert.throws(() => normalizeServerUrl('https://'), /not a server URL/);
  });
});
